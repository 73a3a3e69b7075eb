package io.coldstream.cli;

import io.coldstream.core.ByteSize;
import io.coldstream.core.ConfigurationException;
import io.coldstream.io.SnapshotAnnouncements;
import io.coldstream.io.SourceSpec;
import io.coldstream.learner.KafkaProperties;
import io.coldstream.model.NetworkEngine;
import io.coldstream.model.Networks;
import io.coldstream.serving.AnnouncedSnapshots;
import io.coldstream.serving.ModelHandle;
import io.coldstream.serving.PredictServer;
import io.coldstream.serving.ServerOptions;
import io.coldstream.serving.ServingOptions;
import io.coldstream.serving.VersionPolicy;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code coldstream serve}: answers predictions over HTTP from a snapshot store while a trainer
 * publishes into it, swapping to each new verified version between requests. Runs until SIGTERM or
 * Ctrl-C, then stops accepting, lets in-flight requests finish and exits 0.
 */
// No mixinStandardHelpOptions: its -V/--version would take --version, the version policy here, and
// `serve --help` would then fail on the missing --store.
@Command(name = "serve",
        description = "Serve predictions over HTTP from a snapshot store (a run's --out folder), following new"
                + " snapshots as training goes on: POST /predict, GET /health, /versions, /metrics.")
final class ServeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Option(names = "--store", paramLabel = "DIR", required = true,
            description = "a training run's --out folder, or any folder holding snapshots/ (or LATEST)")
    Path store;

    @Option(names = "--port", paramLabel = "P", description = "port to listen on, 0 = any free one (default 8080)")
    int port = 8080;

    @Option(names = "--host", paramLabel = "HOST", description = "address to bind (default 127.0.0.1)")
    String host = "127.0.0.1";

    @Option(names = "--max-body", paramLabel = "SIZE", description = "largest request body; larger gets 413 (default 1MB)")
    String maxBody = "1MB";

    @Option(names = "--version", paramLabel = "POLICY",
            description = "latest (default: follow LATEST) or pinned:VERSION (serve that one only)")
    String version = "latest";

    @Option(names = "--max-batch", paramLabel = "N", description = "most rows per forward pass (default 64)")
    int maxBatch = 64;

    @Option(names = "--max-delay", paramLabel = "MS|off",
            description = "dynamic batching: gather concurrent requests into one forward pass of up to --max-batch"
                    + " rows, waiting at most MS milliseconds for more (default 0: only what queued while the last"
                    + " pass ran, so a lone request never waits); off: each request its own pass")
    String maxDelay = "0";

    @Option(names = "--threads", paramLabel = "N",
            description = "engine threads per forward pass; bin/coldstream passes it to OMP_NUM_THREADS (default 1:"
                    + " at batch 1 one thread answers sooner and with a shorter tail than two, and leaves a core to"
                    + " the HTTP threads; raise it for large batches)")
    int threads = 1;

    @Option(names = "--http-threads", paramLabel = "N", description = "request threads (default 16; with --max-batch, at least twice it)")
    int httpThreads = 16;

    @Option(names = "--follow", paramLabel = "kafka:HOST:PORT/TOPIC",
            description = "swap on the snapshot announcements of train --announce on this topic instead of watching"
                    + " the store (the files are still read and verified from --store)")
    String follow;

    @Option(names = "--kafka-properties", paramLabel = "FILE",
            description = "Kafka connection settings (security.*, sasl.*, ssl.*) for --follow, as a Java properties file")
    Path kafkaProperties;

    @Override
    public Integer call() throws InterruptedException {
        List<String> problems = new ArrayList<>();
        long bodyBytes = 0;
        try {
            bodyBytes = ByteSize.parse(maxBody).bytes();
        } catch (RuntimeException e) {
            problems.add("--max-body was '" + maxBody + "' but it must be a size such as 1MB or 512KB");
        }
        VersionPolicy policy = null;
        try {
            policy = VersionPolicy.parse(version);
        } catch (ConfigurationException e) {
            problems.add("--" + e.getMessage());
        }
        if (!Files.isDirectory(store)) {
            problems.add("--store was '" + store + "' but it must be an existing folder (a run's --out folder)");
        }
        Duration delay = null;
        if (!"off".equals(maxDelay)) {
            try {
                delay = Duration.ofMillis(Long.parseLong(maxDelay));
            } catch (NumberFormatException e) {
                delay = Duration.ofMillis(-1);
            }
            if (delay.isNegative() || delay.compareTo(Duration.ofMinutes(1)) > 0) {
                problems.add("--max-delay was '" + maxDelay + "' but it must be milliseconds from 0 to 60000, or off");
            }
        }
        if (maxBatch < 1) {
            problems.add("--max-batch was " + maxBatch + " but it must be >= 1");
        }
        if (threads < 1) {
            problems.add("--threads was " + threads + " but it must be >= 1");
        }
        SourceSpec followSpec = null;
        if (follow != null) {
            try {
                followSpec = SnapshotAnnouncements.parse(follow);
            } catch (ConfigurationException e) {
                problems.add("--follow: " + e.getMessage());
            }
        }
        if (kafkaProperties != null && !Files.isRegularFile(kafkaProperties)) {
            problems.add("--kafka-properties was '" + kafkaProperties + "' but it must be an existing file");
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException(String.join("; ", problems));
        }
        ServerOptions serverOptions = new ServerOptions(host, port, bodyBytes, httpThreads, Duration.ofSeconds(10));
        Networks.configurePytorchThreads(threads);
        Networks.startEngine(NetworkEngine.DL4J, threads, true);
        PrintWriter err = spec.commandLine().getErr();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        ServingOptions options = ServingOptions.builder().policy(policy).maxBatch(maxBatch)
                .maxDelay(delay).build();
        // following announcements: the store is read once now (what is there already), then on each
        // announcement only
        ModelHandle handle = followSpec == null ? ModelHandle.open(store, options, registry)
                : ModelHandle.openUnwatched(store, options, registry);
        AnnouncedSnapshots announced = null;
        SnapshotAnnouncements.Follower follower = null;
        PredictServer server;
        try {
            if (followSpec != null) {
                AnnouncedSnapshots onAnnouncement = new AnnouncedSnapshots(handle, options.pollInterval());
                announced = onAnnouncement;
                follower = SnapshotAnnouncements.Follower.start(followSpec, KafkaProperties.read(kafkaProperties),
                        (key, value, where) -> onAnnouncement.accept(value, where));
            }
            server = PredictServer.start(handle, serverOptions, registry);
        } catch (RuntimeException e) {
            closeAll(follower, announced);
            handle.close();
            throw e;
        }
        err.println("serving:  http://" + server.host() + ":" + server.port() + "/predict from " + store + " ("
                + policy + ", " + handle.version().map(v -> "now " + v).orElse("waiting for a snapshot")
                + (followSpec == null ? ", watching the store" : ", swapping on the announcements on " + followSpec)
                + ")");
        err.println("batching: " + (options.batching()
                ? "up to " + maxBatch + " rows a pass, " + (options.maxDelay().isZero() ? "no waiting" : "waiting up to "
                        + options.maxDelay().toMillis() + " ms") + " (--max-delay " + maxDelay + "), "
                        + PredictServer.requestThreads(serverOptions, options) + " request threads"
                : "off (--max-delay off): one pass per request, " + httpThreads + " request threads"));
        err.flush();
        CountDownLatch stopped = new CountDownLatch(1);
        SnapshotAnnouncements.Follower following = follower;
        AnnouncedSnapshots onAnnouncement = announced;
        Thread hook = new Thread(() -> {
            // SIGTERM / Ctrl-C: stop accepting, finish in-flight requests, then release the model
            server.close();
            closeAll(following, onAnnouncement);
            handle.close();
            registry.close();
            stopped.countDown();
        }, "coldstream-serve-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        stopped.await();
        return 0;
    }

    private static void closeAll(AutoCloseable... all) {
        for (AutoCloseable c : all) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    // stopping: nothing left to tell
                }
            }
        }
    }
}
