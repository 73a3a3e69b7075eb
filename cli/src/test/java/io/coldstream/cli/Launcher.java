package io.coldstream.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code bin/coldstream} launcher as a child process, as a user starts it: the cli tests' one
 * way to build such a command. Native caches (JavaCPP's, DJL's) go where the build tells (the
 * system properties {@code org.bytedeco.javacpp.cachedir} and {@code DJL_CACHE_DIR}), else into
 * the test's scratch folder.
 */
final class Launcher {

    /** The launcher script, from a module folder of the checkout. */
    static final Path PATH = Path.of("..", "bin", "coldstream").toAbsolutePath().normalize();

    private Launcher() {
    }

    /**
     * @param scratch the test's temporary folder, for caches the build did not name
     * @param javaOpts more JVM options for the child (such as a crash point), or empty
     * @param args the command line after {@code coldstream}
     * @return a process builder; the caller redirects its output and starts it
     */
    static ProcessBuilder command(Path scratch, String javaOpts, List<String> args) {
        List<String> cmd = new ArrayList<>(List.of(PATH.toString()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("COLDSTREAM_JAVA_OPTS", ("-Dorg.bytedeco.javacpp.cachedir="
                + System.getProperty("org.bytedeco.javacpp.cachedir", scratch.resolve("javacpp").toString())
                + " " + javaOpts).strip());
        pb.environment().put("DJL_CACHE_DIR", System.getProperty("DJL_CACHE_DIR", scratch.resolve("djl").toString()));
        return pb;
    }

    /**
     * A command whose stdout and stderr are both appended to {@code log}.
     *
     * @param log the file both streams are appended to
     * @param scratch the test's temporary folder
     * @param javaOpts more JVM options, or empty
     * @param args the command line after {@code coldstream}
     * @return a process builder, ready to start
     */
    static ProcessBuilder logged(Path log, Path scratch, String javaOpts, List<String> args) {
        ProcessBuilder pb = command(scratch, javaOpts, args);
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        return pb;
    }
}
