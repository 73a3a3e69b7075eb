package io.coldstream.bench;

import io.coldstream.core.ConfigurationException;
import io.coldstream.core.Example;
import io.coldstream.core.SeededRandom;
import io.coldstream.eval.SoakReport;
import io.coldstream.io.Dataset;
import io.coldstream.io.DatasetOptions;
import io.coldstream.io.Datasets;
import io.coldstream.io.ExampleSink;
import io.coldstream.io.ExampleSource;
import io.coldstream.io.SourceOptions;
import io.coldstream.io.SourceSpec;
import io.coldstream.io.Sources;
import io.coldstream.io.StreamOrder;
import io.coldstream.learner.Trainer;
import io.coldstream.learner.TrainerConfig;
import io.coldstream.learner.TrainerListener;
import io.coldstream.model.Network;
import io.coldstream.model.Networks;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The soak benchmark ({@code coldstream bench --suite soak}): ingests {@code steps} examples into a
 * Chronicle Queue, trains the small CNN on them in this process with checkpoints (50 in the run)
 * and snapshots (25, the newest 3 kept, older ones deleted at once) on, as a long-running service
 * does, and samples resident
 * memory, JVM heap and the networks open every few seconds while it trains (the final
 * evaluation after the last step is not sampled). Writes {@link SoakReport}'s files and the run's
 * own folder ({@code train/}).
 *
 * <p>Resident memory is only comparable over a run with a fixed heap ({@code -Xms} equal to
 * {@code -Xmx}): otherwise G1 grows the heap when it likes, which reads as growth but is no leak.
 * The report says which it was.
 */
public final class SoakBench {

    /** The fewest steps a soak takes. */
    public static final long MIN_STEPS = 200;

    /**
     * @param steps steps to train, {@code >= 200}
     * @param data the dataset streamed ({@code idx:DIR}, ...)
     * @param settings more {@code train} settings (such as {@code engine=pytorch})
     * @param every how often memory is sampled
     * @param seed the seed of the stream order and the run
     */
    public record Options(long steps, String data, Map<String, String> settings, Duration every, long seed) {
        /** Checks the bounds. */
        public Options {
            if (steps < MIN_STEPS) {
                throw new ConfigurationException("soak steps (--limit) was " + steps + " but must be >= " + MIN_STEPS);
            }
            if (every.isNegative() || every.isZero()) {
                throw new ConfigurationException("the soak's sampling interval was " + every + " but must be positive");
            }
            settings = Map.copyOf(settings);
        }
    }

    private SoakBench() {
    }

    /**
     * @param options what to run
     * @param out the folder: {@code queue/}, {@code train/} and the report's files
     * @param progress receives a line now and then
     * @return the report, written
     */
    public static SoakReport run(Options options, Path out, Consumer<String> progress) throws IOException {
        Files.createDirectories(out);
        Path queue = out.resolve("queue");
        SourceSpec queueSpec = SourceSpec.parse("queue:" + queue);
        SourceSpec dataSpec = SourceSpec.parseDataset(options.data());
        Dataset dataset = Datasets.open(dataSpec, DatasetOptions.defaults());
        progress.accept(String.format(Locale.ROOT, "soak: ingesting %,d examples of %s into %s", options.steps(),
                dataSpec, queueSpec));
        try (ExampleSource in = Sources.open(dataSpec, SourceOptions.builder().dataset(dataset)
                .order(StreamOrder.IID, 2, new SeededRandom(options.seed()).derive("order")).limit(options.steps())
                .build());
             ExampleSink sink = Sources.openSink(queueSpec, null)) {
            Example e;
            while ((e = in.next()) != null) {
                sink.write(e);
            }
        }
        long steps = options.steps();
        TrainerConfig.Builder builder = TrainerConfig.builder().set("data", options.data())
                .set("source", queueSpec.toString()).set("out", out.resolve("train").toString())
                .set("limit", Long.toString(steps)).set("seed", Long.toString(options.seed()))
                .set("checkpoint.every", Long.toString(Math.max(1, steps / 50)))
                .set("snapshot.every", Long.toString(Math.max(1, steps / 25))).set("snapshot.keep", "3")
                .set("snapshot.grace", "0s")
                .set("holdout.every", "0").set("metrics.every", "250");
        options.settings().forEach(builder::set);
        TrainerConfig config = builder.build();
        String heap = heapOptions();
        boolean fixed = fixedHeap(heap);
        progress.accept("soak: training " + steps + " steps on " + config.engine().cliName() + " with "
                + (heap.isEmpty() ? "no heap options" : heap) + (fixed ? "" : " (the heap is not fixed: resident"
                        + " growth will include the heap's; give -Xms equal to -Xmx)") + "; sampling every "
                + options.every().toMillis() + " ms");
        List<SoakReport.Sample> samples = new ArrayList<>();
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "coldstream-soak-sampler");
            t.setDaemon(true);
            return t;
        });
        AtomicLong step = new AtomicLong();
        long[] lastReport = {System.nanoTime()};
        try (Trainer trainer = Trainer.prepare(config, Clock.systemUTC(), new SimpleMeterRegistry())) {
            sampler.scheduleAtFixedRate(() -> {
                long now = step.get();
                SoakReport.Sample s = sample(now);
                synchronized (samples) {
                    samples.add(s);
                }
                if (System.nanoTime() - lastReport[0] > TimeUnit.SECONDS.toNanos(30)) {
                    lastReport[0] = System.nanoTime();
                    progress.accept(String.format(Locale.ROOT, "soak: %,d/%,d steps, resident %.1f MiB, heap %.1f MiB",
                            now, steps, s.residentBytes() / 1048576.0, s.heapUsedBytes() / 1048576.0));
                }
            }, 0, options.every().toMillis(), TimeUnit.MILLISECONDS);
            trainer.run(new TrainerListener() {
                @Override
                public void beforeStep(long examplesSeen, Example next, Network network) {
                    step.set(examplesSeen);
                    if (examplesSeen == steps - 1) {
                        // the last step: stop sampling before the final evaluation, with one sample here
                        sampler.shutdown();
                        try {
                            sampler.awaitTermination(10, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        synchronized (samples) {
                            samples.add(sample(examplesSeen));
                        }
                    }
                }
            });
        } finally {
            sampler.shutdownNow();
        }
        List<SoakReport.Sample> kept;
        synchronized (samples) {
            kept = List.copyOf(samples);
        }
        SoakReport report = new SoakReport(config.engine().cliName(), steps, heap, fixed, kept);
        report.write(out);
        return report;
    }

    /** @return memory now, at {@code step} */
    static SoakReport.Sample sample(long step) {
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        return new SoakReport.Sample(step, System.currentTimeMillis(), residentBytes(), heap, Networks.open());
    }

    /** @return the process's resident memory from {@code /proc/self/status}, or {@code -1} where there is none */
    static long residentBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /** @return the JVM's options that size its heap, space-separated */
    static String heapOptions() {
        List<String> kept = new ArrayList<>();
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("-Xms") || a.startsWith("-Xmx") || a.startsWith("-XX:InitialHeapSize")
                    || a.startsWith("-XX:MaxHeapSize") || a.equals("-XX:+AlwaysPreTouch")) {
                kept.add(a);
            }
        }
        return String.join(" ", kept);
    }

    /** @return whether the options fix the heap: the last -Xms equal to the last -Xmx */
    static boolean fixedHeap(String options) {
        String xms = null;
        String xmx = null;
        for (String a : options.split(" ")) {
            if (a.startsWith("-Xms")) {
                xms = a.substring(4).toLowerCase(Locale.ROOT);
            } else if (a.startsWith("-Xmx")) {
                xmx = a.substring(4).toLowerCase(Locale.ROOT);
            }
        }
        return xms != null && xms.equals(xmx);
    }
}
