package io.coldstream.cli;

import io.coldstream.eval.ReportFiles;
import io.coldstream.eval.RunReport;
import io.coldstream.learner.TrainResult;
import io.coldstream.learner.Trainer;
import io.coldstream.learner.TrainerConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code coldstream train}: cold-start streaming training on a dataset stream. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Train a network from random weights on a stream, one example at a time, with replay "
                + "and augmentation; write results.json and versioned snapshots into --out.")
final class TrainCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE",
            description = "YAML file whose keys mirror the flags (replay: {budget: 16MB}); flags override it")
    Path configFile;
    @Option(names = "--data", paramLabel = "DIR",
            description = "IDX folder: train-* is the stream, t10k-* the holdout (default: /usr/share/datasets/fashion-mnist)")
    String data;
    @Option(names = "--source", paramLabel = "SPEC",
            description = "stream to train on: idx:DIR, queue:DIR or kafka:HOST:PORT/TOPIC (default: --data's train split); --data still gives the holdout")
    String source;
    @Option(names = "--order", paramLabel = "ORDER", description = "iid | class-incremental | file (default: iid)")
    String order;
    @Option(names = "--stage-classes", paramLabel = "C", description = "classes per stage in class-incremental order (default: 2)")
    String stageClasses;
    @Option(names = "--limit", paramLabel = "N", description = "train on at most N stream examples (default: the whole stream)")
    String limit;
    @Option(names = "--seed", paramLabel = "S", description = "root of every random choice (default: 42)")
    String seed;
    @Option(names = "--network", paramLabel = "NET", description = "small-cnn | resnet18 (default: small-cnn)")
    String network;
    @Option(names = "--replay-budget", paramLabel = "SIZE", description = "replay buffer budget, such as 16MB (default: 16MB)")
    String replayBudget;
    @Option(names = "--replay-k", paramLabel = "K", description = "replayed examples per step (default: 50)")
    String replayK;
    @Option(names = "--replay-policy", paramLabel = "POLICY", description = "class-balanced | reservoir (default: class-balanced)")
    String replayPolicy;
    @Option(names = "--augment", paramLabel = "LIST", description = "any of crop,flip,mixup, or none (default: crop,flip)")
    String augment;
    @Option(names = "--augment-new", paramLabel = "BOOL", description = "augment the new example too (default: false)")
    String augmentNew;
    @Option(names = "--crop-padding", paramLabel = "PX", description = "zero padding of the random crop (default: 4)")
    String cropPadding;
    @Option(names = "--mixup-alpha", paramLabel = "A", description = "mixup Beta(a, a) parameter (default: 0.2)")
    String mixupAlpha;
    @Option(names = "--lr", paramLabel = "X", description = "learning rate (default: 0.01)")
    String lr;
    @Option(names = "--momentum", paramLabel = "M", description = "Nesterov momentum (default: 0.9)")
    String momentum;
    @Option(names = "--schedule", paramLabel = "SCHED", description = "constant | step:EVERY:GAMMA (default: constant)")
    String schedule;
    @Option(names = "--holdout-every", paramLabel = "N", description = "evaluate the holdout subset every N examples, 0 = only at the end (default: 1000)")
    String holdoutEvery;
    @Option(names = "--holdout-size", paramLabel = "N", description = "examples in the periodic holdout subset, 0 = all (default: 2000)")
    String holdoutSize;
    @Option(names = "--snapshot-every", paramLabel = "N", description = "publish a snapshot every N examples, 0 = only at the end (default: 5000)")
    String snapshotEvery;
    @Option(names = "--threads", paramLabel = "N", description = "ND4J threads; must match OMP_NUM_THREADS, which bin/coldstream sets from it (default: backend default)")
    String threads;
    @Option(names = "--onednn", paramLabel = "BOOL", description = "run convolution, pooling and batch norm on oneDNN (default: true)")
    String onednn;
    @Option(names = "--engine", paramLabel = "ENGINE", description = "which library computes the network: dl4j (Deeplearning4j, default) or pytorch (libtorch through DJL, faster on CPU)")
    String engine;
    @Option(names = "--checkpoint-every", paramLabel = "N", description = "take a checkpoint every N examples, 0 = only at the end (default: 1000)")
    String checkpointEvery;
    @Option(names = "--checkpoint-keep", paramLabel = "K", description = "complete checkpoints to keep (default: 3)")
    String checkpointKeep;
    @Option(names = "--bad-records", paramLabel = "POLICY", description = "skip (count, quarantine) | fail (default: skip)")
    String badRecords;
    @Option(names = "--kafka-properties", paramLabel = "FILE", description = "Kafka consumer settings (security, group.id, ...) as a Java properties file")
    String kafkaProperties;
    @Option(names = "--metrics-port", paramLabel = "P", description = "serve Prometheus metrics at http://HOST:P/metrics during the run (default: off)")
    String metricsPort;
    @Option(names = "--metrics-host", paramLabel = "HOST", description = "address of the metrics endpoint (default: 127.0.0.1)")
    String metricsHost;
    @Option(names = "--metrics-every", paramLabel = "N", description = "a line in metrics.jsonl every N examples (default: 100)")
    String metricsEvery;
    @Option(names = "--out", paramLabel = "DIR", description = "output folder, must be new or empty (default: runs/<date-time>)")
    String out;

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        TrainerConfig.Builder builder = TrainerConfig.builder().nameKeysAsFlags();
        if (configFile != null) {
            ConfigFile.read(configFile).forEach(builder::set);
        }
        given().forEach(builder::set);
        if (out == null && (configFile == null || !ConfigFile.read(configFile).containsKey("out"))) {
            builder.set("--out", Path.of("runs", LocalDateTime.now()
                    .format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT))).toString());
        }
        TrainerConfig config = builder.build();
        try (MetricsServer server = config.metricsPort() > 0
                ? MetricsServer.start(config.metricsHost(), config.metricsPort()) : null) {
            MeterRegistry registry = server != null ? server.registry() : new SimpleMeterRegistry();
            try (Trainer trainer = Trainer.prepare(config, Clock.systemUTC(), registry)) {
                if (server != null) {
                    stderr.println("metrics:  http://" + server.host() + ":" + server.port() + "/metrics");
                }
                ConsoleProgress progress = new ConsoleProgress(stderr, System.console() != null);
                // SIGTERM (and Ctrl-C): finish the current step, take a final checkpoint, then exit.
                CountDownLatch finished = new CountDownLatch(1);
                Thread hook = new Thread(() -> {
                    trainer.requestStop();
                    try {
                        finished.await(2, TimeUnit.MINUTES);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }, "coldstream-stop");
                Runtime.getRuntime().addShutdownHook(hook);
                try {
                    TrainResult result = trainer.run(progress);
                    if (!result.complete()) {
                        stderr.printf(Locale.ROOT, "stopped at %d examples with a final checkpoint; run again with"
                                + " --out %s to resume%n", result.examplesSeen(), config.out());
                        stderr.flush();
                        return 0;
                    }
                    ReportFiles report = RunReport.write(config.out());
                    stdout.printf(Locale.ROOT, "trained on %d examples at %.1f steps/s; prequential accuracy %.4f, "
                            + "final holdout accuracy %.4f; results in %s, report in %s%n", result.examplesSeen(),
                            result.stepsPerSecond(), result.prequentialAccuracy(), result.finalAccuracy(),
                            config.out().resolve("results.json"), report.summary());
                    stdout.flush();
                } finally {
                    // lets a running stop hook end, and with it the JVM, once everything is written
                    finished.countDown();
                }
            }
        }
        return 0;
    }

    private Map<String, String> given() {
        Map<String, String> m = new LinkedHashMap<>();
        put(m, "--data", data);
        put(m, "--source", source);
        put(m, "--order", order);
        put(m, "--stage-classes", stageClasses);
        put(m, "--limit", limit);
        put(m, "--seed", seed);
        put(m, "--network", network);
        put(m, "--replay-budget", replayBudget);
        put(m, "--replay-k", replayK);
        put(m, "--replay-policy", replayPolicy);
        put(m, "--augment", augment);
        put(m, "--augment-new", augmentNew);
        put(m, "--crop-padding", cropPadding);
        put(m, "--mixup-alpha", mixupAlpha);
        put(m, "--lr", lr);
        put(m, "--momentum", momentum);
        put(m, "--schedule", schedule);
        put(m, "--holdout-every", holdoutEvery);
        put(m, "--holdout-size", holdoutSize);
        put(m, "--snapshot-every", snapshotEvery);
        put(m, "--threads", threads);
        put(m, "--onednn", onednn);
        put(m, "--engine", engine);
        put(m, "--checkpoint-every", checkpointEvery);
        put(m, "--checkpoint-keep", checkpointKeep);
        put(m, "--bad-records", badRecords);
        put(m, "--kafka-properties", kafkaProperties);
        put(m, "--metrics-port", metricsPort);
        put(m, "--metrics-host", metricsHost);
        put(m, "--metrics-every", metricsEvery);
        put(m, "--out", out);
        return m;
    }

    private static void put(Map<String, String> m, String flag, String value) {
        if (value != null) {
            m.put(flag, value);
        }
    }
}
