package io.coldstream.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * One {@code coldstream} command run in this JVM, as a user would run it, with what it printed: the
 * cli tests' one way to run a command.
 *
 * @param status the exit status
 * @param out what it printed on stdout
 * @param err what it printed on stderr
 */
record CliRun(int status, String out, String err) {

    /**
     * @param args the command line after {@code coldstream}
     * @return the outcome
     */
    static CliRun of(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Coldstream.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new CliRun(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
