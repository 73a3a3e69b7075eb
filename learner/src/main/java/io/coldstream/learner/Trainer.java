package io.coldstream.learner;

import io.coldstream.augment.Augmentation;
import io.coldstream.augment.Augmentations;
import io.coldstream.backend.Backend;
import io.coldstream.backend.BackendReport;
import io.coldstream.backend.BackendSettings;
import io.coldstream.core.ColdstreamException;
import io.coldstream.core.ConfigurationException;
import io.coldstream.core.Example;
import io.coldstream.core.MiniBatch;
import io.coldstream.core.SeededRandom;
import io.coldstream.core.Shape;
import io.coldstream.core.StreamPosition;
import io.coldstream.eval.HoldoutEvaluator;
import io.coldstream.eval.HoldoutResult;
import io.coldstream.eval.HoldoutSubsets;
import io.coldstream.eval.PrequentialAccuracy;
import io.coldstream.io.ExampleSource;
import io.coldstream.io.IdxDataset;
import io.coldstream.io.IdxSource;
import io.coldstream.learner.internal.AtomicFiles;
import io.coldstream.replay.ReplayBuffer;
import io.coldstream.replay.ReplayBuffers;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.Pointer;
import java.util.stream.Stream;

/**
 * The cold-start streaming learner (CSSL: Wolfe and Kyrillidis, "Cold Start Streaming Learning for
 * Deep Networks", 2022). Starting from random weights, for each stream example:
 *
 * <ol>
 *   <li>predict it first and record the hit or miss (prequential, test-then-train);</li>
 *   <li>draw {@code k} stored examples from the replay buffer;</li>
 *   <li>assemble {@code [new] + replayed} into preallocated arrays and augment the replayed rows
 *       (and the new one if asked), seeded;</li>
 *   <li>take one optimiser step on the whole network;</li>
 *   <li>offer the new example to the byte-budgeted replay buffer.</li>
 * </ol>
 *
 * Every {@code holdout.every} examples it evaluates a fixed seeded holdout subset, every
 * {@code snapshot.every} examples it publishes a snapshot (written off the training thread), and at
 * the end it evaluates the whole test split, publishes a final snapshot and writes
 * {@code results.json}.
 *
 * <p>{@link #prepare} checks everything that can be checked before training (configuration,
 * dataset files, budget against example size, output folder) and writes nothing; {@link #run}
 * trains. One thread runs the trainer.
 */
public final class Trainer implements AutoCloseable {

    private static final int EVAL_BATCH = 256;
    private static final long PROGRESS_INTERVAL_MS = 1000;

    private final TrainerConfig config;
    private final Clock clock;
    private final BackendReport backend;
    private final IdxDataset train;
    private final IdxDataset test;
    private final Shape shape;
    private final int numClasses;
    private final ExampleSource source;
    private final ReplayBuffer replay;
    private final Augmentation augmentation;
    private final SeededRandom augmentRandom;
    private final Network network;
    private final HoldoutEvaluator periodicHoldout;
    private final HoldoutEvaluator finalHoldout;
    private final TrainerMetrics metrics;
    private long startMillis;

    private Trainer(TrainerConfig config, Clock clock, MeterRegistry registry) {
        this.config = config;
        this.clock = clock;
        requireFreshOutput(config.out());
        this.train = IdxDataset.readSplit(config.data(), "train");
        this.test = IdxDataset.readSplit(config.data(), "t10k");
        if (!train.shape().equals(test.shape())) {
            throw new ConfigurationException("data: the train split has examples of " + train.shape()
                    + " but the t10k split has " + test.shape() + "; both splits must have one shape");
        }
        this.shape = train.shape();
        this.numClasses = Math.max(train.numClasses(), test.numClasses());
        SeededRandom root = new SeededRandom(config.seed());
        this.source = IdxSource.ordered(train, config.order(), config.stageClasses(), root.derive("order"),
                config.limit(), "train");
        this.replay = ReplayBuffers.create(config.replayBudget(), shape, numClasses, config.replayPolicy(),
                root.derive("replay"));
        this.augmentation = Augmentations.parse(config.augment(), config.augmentOptions());
        this.augmentRandom = root.derive("augment");
        this.backend = Backend.start(new BackendSettings(config.threads(), config.onednn()));
        this.network = Networks.create(config.network(), shape, numClasses, config.optimizer(),
                root.derive("init").nextLong(), Math.max(1 + config.replayK(), EVAL_BATCH));
        int[] subset = HoldoutSubsets.choose(test.size(), config.holdoutSize(), root.derive("holdout"));
        this.periodicHoldout = new HoldoutEvaluator(examples(test, subset), numClasses, EVAL_BATCH);
        this.finalHoldout = new HoldoutEvaluator(examples(test, HoldoutSubsets.choose(test.size(), 0, root)),
                numClasses, EVAL_BATCH);
        Path name = config.out().toAbsolutePath().normalize().getFileName();
        this.metrics = new TrainerMetrics(registry, name == null ? "run" : name.toString(), "idx",
                config.replayPolicy().cliName(), clock);
        metrics.bindReplay(replay);
        metrics.bindSourceLag(() -> source.remaining().orElse(-1));
    }

    /**
     * Checks the whole run before anything is written: reads and validates both dataset splits,
     * sizes the replay buffer against one example, builds the network, checks the output folder.
     *
     * @param config the run's configuration
     * @param clock the clock for rates and snapshot times
     * @return a trainer ready to {@link #run}
     * @throws ColdstreamException (a subclass) saying what is wrong
     */
    public static Trainer prepare(TrainerConfig config, Clock clock) {
        return prepare(config, clock, new SimpleMeterRegistry());
    }

    /**
     * As {@link #prepare(TrainerConfig, Clock)}, with the run's meters in the given registry
     * (see {@link TrainerMetrics}).
     *
     * @param config the run's configuration
     * @param clock the clock for rates and snapshot times
     * @param registry where the run's meters go, such as a Prometheus registry
     * @return a trainer ready to {@link #run}
     */
    public static Trainer prepare(TrainerConfig config, Clock clock, MeterRegistry registry) {
        return new Trainer(config, clock, registry);
    }

    private static void requireFreshOutput(Path out) {
        if (Files.isRegularFile(out)) {
            throw new ConfigurationException("out was '" + out + "' but that is a file; it must be a folder");
        }
        if (Files.isDirectory(out)) {
            try (Stream<Path> entries = Files.list(out)) {
                if (entries.findAny().isPresent()) {
                    throw new ConfigurationException("out was '" + out + "' but that folder already holds files;"
                            + " choose a new folder or remove it");
                }
            } catch (IOException e) {
                throw new ConfigurationException("out was '" + out + "' but it cannot be read: " + e.getMessage());
            }
        }
    }

    private static List<Example> examples(IdxDataset data, int[] indices) {
        List<Example> list = new ArrayList<>(indices.length);
        for (int i : indices) {
            list.add(data.example(i, new StreamPosition("t10k", i)));
        }
        return list;
    }

    /**
     * Trains on the stream until it ends or the limit is reached, then writes the final
     * evaluation, snapshot and {@code results.json}.
     *
     * @param listener receives progress and events
     * @return the run's results
     */
    public TrainResult run(TrainerListener listener) {
        Path out = config.out();
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new ConfigurationException("out was '" + out + "' but it cannot be created: " + e.getMessage());
        }
        listener.onStart(describe());
        int k = config.replayK();
        int rowBytes = shape.elementCount();
        MiniBatch batch = new MiniBatch(1 + k, shape, numClasses);
        byte[] replayPixels = new byte[Math.max(1, k) * rowBytes];
        int[] replayLabels = new int[Math.max(1, k)];
        int[] predicted = new int[1];
        PrequentialAccuracy prequential = new PrequentialAccuracy(1000);
        Map<String, StreamPosition> positions = new HashMap<>();
        List<TrainResult.HoldoutPoint> holdout = new ArrayList<>();
        Double lastHoldout = null;
        long total = total();
        long seen = 0;
        double loss = Double.NaN;
        long evalMillis = 0;
        long start = clock.millis();
        startMillis = start;
        long lastReport = start;
        long seenAtLastReport = 0;
        Interval interval = new Interval(start);

        try (MetricsLog log = new MetricsLog(out.resolve(MetricsLog.FILE));
             SnapshotPublisher publisher = new SnapshotPublisher(out.resolve("snapshots"), clock,
                     m -> metrics.snapshot(SnapshotPublisher.versionNumber(m.version())))) {
            long lastSnapshotAt = 0;
            Example ex;
            while ((ex = source.next()) != null) {
                long t0 = System.nanoTime();
                // 1. test, then train
                batch.setRow(0, ex.pixels(), 0, ex.label());
                network.predict(batch.features(), 1, predicted);
                prequential.record(predicted[0], ex.label());
                // 2-3. replay and augment
                int n = k == 0 ? 0 : replay.sample(k, replayPixels, replayLabels);
                for (int j = 0; j < n; j++) {
                    batch.setRow(1 + j, replayPixels, j * rowBytes, replayLabels[j]);
                }
                batch.setSize(1 + n);
                batch.setAugmentFrom(config.augmentNew() ? 0 : 1);
                augmentation.apply(batch, augmentRandom);
                // 4. one step on the whole network
                loss = network.fit(batch);
                // 5. remember the example
                replay.offer(ex);
                positions.put(ex.position().partition(), ex.position());
                seen++;
                metrics.step(System.nanoTime() - t0, loss);
                interval.add(loss);

                if (config.holdoutEvery() > 0 && seen % config.holdoutEvery() == 0) {
                    long h0 = System.nanoTime();
                    HoldoutResult r = periodicHoldout.evaluate(network::predict);
                    long hNanos = System.nanoTime() - h0;
                    evalMillis += hNanos / 1_000_000;
                    metrics.holdout(r.accuracy(), hNanos);
                    holdout.add(new TrainResult.HoldoutPoint(seen, r.accuracy()));
                    lastHoldout = r.accuracy();
                    listener.onHoldout(seen, r);
                    log.append(line("holdout", seen, interval, loss, prequential, lastHoldout, publisher));
                    lastReport = clock.millis();
                    seenAtLastReport = seen;
                }
                if (config.snapshotEvery() > 0 && seen % config.snapshotEvery() == 0) {
                    listener.onSnapshot(publisher.publish(network.copy(), seen, lastHoldout, offsets(positions),
                            config.describe()), seen);
                    lastSnapshotAt = seen;
                }
                if (seen % config.metricsEvery() == 0) {
                    log.append(line("interval", seen, interval, loss, prequential, lastHoldout, publisher));
                }
                long now = clock.millis();
                if (now - lastReport >= PROGRESS_INTERVAL_MS) {
                    double rate = (seen - seenAtLastReport) * 1000.0 / Math.max(1, now - lastReport);
                    metrics.progress(prequential.accuracy(), prequential.windowAccuracy(), rate);
                    listener.onProgress(progress(seen, total, rate, prequential, loss, now - start));
                    lastReport = now;
                    seenAtLastReport = seen;
                }
            }
            long trainMillis = clock.millis() - start - evalMillis;
            long f0 = System.nanoTime();
            HoldoutResult finalResult = finalHoldout.evaluate(network::predict);
            metrics.holdout(finalResult.accuracy(), System.nanoTime() - f0);
            if (seen > lastSnapshotAt) {
                listener.onSnapshot(publisher.publish(network.copy(), seen, finalResult.accuracy(),
                        offsets(positions), config.describe()), seen);
            }
            publisher.awaitAll();
            SnapshotManifest latest = publisher.latest();
            long end = clock.millis();
            double stepsPerSecond = seen * 1000.0 / Math.max(1, trainMillis);
            metrics.progress(prequential.accuracy(), prequential.windowAccuracy(), stepsPerSecond);
            listener.onProgress(progress(seen, total, stepsPerSecond, prequential, loss, end - start));
            log.append(line("final", seen, interval, loss, prequential, finalResult.accuracy(), publisher));
            List<Integer> classCounts = new ArrayList<>();
            for (int c = 0; c < numClasses; c++) {
                classCounts.add(replay.classCount(c));
            }
            TrainResult result = new TrainResult(seen, prequential.accuracy(), holdout, finalResult.accuracy(),
                    stepsPerSecond, (end - start) / 1000.0, replay.size(), replay.bytesUsed(), replay.budgetBytes(),
                    replay.evictions(), classCounts, 0, network.parameterCount(),
                    latest == null ? null : latest.version(), backend.summary(), backend.threads(),
                    config.describe());
            writeResults(out.resolve("results.json"), result);
            listener.onFinish(result);
            return result;
        }
    }

    /** Loss and rate bookkeeping between two metrics lines. */
    private static final class Interval {
        private long startMillis;
        private long seenAtStart;
        private double lossSum;
        private int lossCount;

        Interval(long startMillis) {
            this.startMillis = startMillis;
        }

        void add(double loss) {
            if (Double.isFinite(loss)) {
                lossSum += loss;
                lossCount++;
            }
        }
    }

    private Map<String, Object> line(String kind, long seen, Interval interval, double loss,
            PrequentialAccuracy prequential, Double holdoutAccuracy, SnapshotPublisher publisher) {
        long now = clock.millis();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", kind);
        m.put("time", clock.instant().toString());
        m.put("elapsedSeconds", (now - startMillis) / 1000.0);
        m.put("examplesSeen", seen);
        m.put("examplesPerSecond", finite((seen - interval.seenAtStart) * 1000.0
                / Math.max(1, now - interval.startMillis)));
        m.put("loss", finite(loss));
        m.put("meanLoss", interval.lossCount == 0 ? null : interval.lossSum / interval.lossCount);
        m.put("prequentialAccuracy", finite(prequential.accuracy()));
        m.put("windowAccuracy", finite(prequential.windowAccuracy()));
        m.put("holdoutAccuracy", holdoutAccuracy);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("entries", replay.size());
        r.put("capacity", replay.capacity());
        r.put("bytes", replay.bytesUsed());
        r.put("budgetBytes", replay.budgetBytes());
        r.put("evictions", replay.evictions());
        List<Integer> counts = new ArrayList<>(numClasses);
        for (int c = 0; c < numClasses; c++) {
            counts.add(replay.classCount(c));
        }
        r.put("classCounts", counts);
        m.put("replay", r);
        HistogramSnapshot steps = metrics.stepTimer().takeSnapshot();
        if (steps.count() > 0) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("mean", finite(steps.mean(TimeUnit.MILLISECONDS)));
            for (ValueAtPercentile p : steps.percentileValues()) {
                t.put("p" + Math.round(p.percentile() * 100), finite(p.value(TimeUnit.MILLISECONDS)));
            }
            t.put("max", finite(steps.max(TimeUnit.MILLISECONDS)));
            m.put("stepMillis", t);
        } else {
            m.put("stepMillis", null);
        }
        SnapshotManifest latest = publisher.latest();
        m.put("snapshotVersion", latest == null ? null : latest.version());
        m.put("badRecords", 0);
        m.put("jvmHeapUsedBytes", ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        m.put("offHeapBytes", Pointer.totalBytes());
        if (!kind.equals("holdout")) {
            interval.startMillis = now;
            interval.seenAtStart = seen;
            interval.lossSum = 0;
            interval.lossCount = 0;
        }
        return m;
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    private long total() {
        long remaining = source.remaining().orElse(-1);
        return remaining;
    }

    private Progress progress(long seen, long total, double rate, PrequentialAccuracy prequential, double loss,
            long elapsedMillis) {
        double eta = total < 0 || rate <= 0 ? Double.NaN : (total - seen) / rate;
        return new Progress(seen, total, rate, prequential.accuracy(), prequential.windowAccuracy(), loss,
                replay.size(), replay.capacity(), elapsedMillis / 1000.0, eta);
    }

    private static Map<String, Long> offsets(Map<String, StreamPosition> positions) {
        Map<String, Long> m = new HashMap<>();
        positions.forEach((partition, position) -> m.put(partition, position.offset()));
        return m;
    }

    private static void writeResults(Path file, TrainResult result) {
        try {
            AtomicFiles.writeAtomically(file,
                    SnapshotPublisher.mapper().writeValueAsString(result.toJson()) + "\n");
        } catch (IOException e) {
            throw new ColdstreamException("could not write " + file + ": " + e.getMessage(), e);
        }
    }

    /** @return the run in a few lines: source, network, replay buffer, augmentation, backend */
    public String describe() {
        return String.join("\n",
                "stream:   " + source.describe(),
                "holdout:  " + periodicHoldout.size() + " examples every " + config.holdoutEvery()
                        + " (final: " + finalHoldout.size() + ")",
                "network:  " + network.kind().cliName() + " on " + shape + ", " + numClasses + " classes, "
                        + network.parameterCount() + " parameters, lr " + config.lr() + " (" + config.schedule()
                        + "), momentum " + config.momentum(),
                "replay:   " + config.replayBudget() + " budget, " + replay.capacity() + " entries of "
                        + replay.bytesPerEntry() + " bytes, " + config.replayPolicy().cliName() + ", k=" + config.replayK(),
                "augment:  " + augmentation,
                "backend:  " + backend.summary());
    }

    /** @return the network being trained */
    public Network network() {
        return network;
    }

    /** @return the backend in use */
    public BackendReport backend() {
        return backend;
    }

    /** @return the replay buffer */
    public ReplayBuffer replay() {
        return replay;
    }

    @Override
    public void close() {
        source.close();
        network.close();
    }
}
