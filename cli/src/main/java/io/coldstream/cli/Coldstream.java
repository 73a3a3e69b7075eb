package io.coldstream.cli;

import io.coldstream.core.ColdstreamException;
import io.coldstream.core.ConfigurationException;
import java.io.PrintStream;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code coldstream} command. Exit status 0 on success; otherwise non-zero with a one-line
 * reason on standard error ({@code shared/CLI.md}).
 */
@Command(name = "coldstream", mixinStandardHelpOptions = true, versionProvider = Coldstream.Version.class,
        description = "Streaming-only deep learning: cold-start training on live streams.",
        subcommands = {TrainCommand.class, IngestCommand.class, ServeCommand.class, EvalCommand.class,
                ReportCommand.class, BenchCommand.class, BackendCommand.class})
public final class Coldstream {

    /** Exit status for bad input: flags, configuration, data. */
    public static final int EXIT_USAGE = 2;
    /** Exit status for a failure while running. */
    public static final int EXIT_FAILURE = 1;

    private Coldstream() {
    }

    /**
     * @param args command-line arguments
     */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Runs the command without exiting the JVM.
     *
     * @param args command-line arguments
     * @param out standard output
     * @param err standard error
     * @return the exit status
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        CommandLine cli = new CommandLine(new Coldstream());
        cli.setOut(new java.io.PrintWriter(out, true));
        cli.setErr(new java.io.PrintWriter(err, true));
        cli.setParameterExceptionHandler((ex, a) -> {
            err.println("coldstream: " + ex.getMessage().replace(System.lineSeparator(), " ").trim());
            return EXIT_USAGE;
        });
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (ex instanceof ConfigurationException || ex instanceof io.coldstream.core.DataException) {
                err.println("coldstream: " + oneLine(ex.getMessage()));
                return EXIT_USAGE;
            }
            if (ex instanceof ColdstreamException) {
                err.println("coldstream: " + oneLine(ex.getMessage()));
                return EXIT_FAILURE;
            }
            err.println("coldstream: unexpected " + ex.getClass().getSimpleName() + ": " + oneLine(ex.getMessage()));
            ex.printStackTrace(err);
            return EXIT_FAILURE;
        });
        return cli.execute(args);
    }

    private static String oneLine(String message) {
        return message == null ? "" : message.replaceAll("\\s*\\R\\s*", " ").trim();
    }

    /** Reads the version from the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Coldstream.class.getPackage().getImplementationVersion();
            return new String[] {"coldstream " + (v == null ? "(development build)" : v)};
        }
    }
}
