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
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

    private Trainer(TrainerConfig config, Clock clock) {
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
        return new Trainer(config, clock);
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
        long lastReport = start;
        long seenAtLastReport = 0;

        try (SnapshotPublisher publisher = new SnapshotPublisher(out.resolve("snapshots"), clock)) {
            long lastSnapshotAt = 0;
            Example ex;
            while ((ex = source.next()) != null) {
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

                if (config.holdoutEvery() > 0 && seen % config.holdoutEvery() == 0) {
                    long t0 = clock.millis();
                    HoldoutResult r = periodicHoldout.evaluate(network::predict);
                    evalMillis += clock.millis() - t0;
                    holdout.add(new TrainResult.HoldoutPoint(seen, r.accuracy()));
                    lastHoldout = r.accuracy();
                    listener.onHoldout(seen, r);
                    lastReport = clock.millis();
                    seenAtLastReport = seen;
                }
                if (config.snapshotEvery() > 0 && seen % config.snapshotEvery() == 0) {
                    listener.onSnapshot(publisher.publish(network.copy(), seen, lastHoldout, offsets(positions),
                            config.describe()), seen);
                    lastSnapshotAt = seen;
                }
                long now = clock.millis();
                if (now - lastReport >= PROGRESS_INTERVAL_MS) {
                    double rate = (seen - seenAtLastReport) * 1000.0 / Math.max(1, now - lastReport);
                    listener.onProgress(progress(seen, total, rate, prequential, loss, now - start));
                    lastReport = now;
                    seenAtLastReport = seen;
                }
            }
            long trainMillis = clock.millis() - start - evalMillis;
            HoldoutResult finalResult = finalHoldout.evaluate(network::predict);
            if (seen > lastSnapshotAt) {
                listener.onSnapshot(publisher.publish(network.copy(), seen, finalResult.accuracy(),
                        offsets(positions), config.describe()), seen);
            }
            publisher.awaitAll();
            SnapshotManifest latest = publisher.latest();
            long end = clock.millis();
            listener.onProgress(progress(seen, total, seen * 1000.0 / Math.max(1, trainMillis), prequential, loss,
                    end - start));
            List<Integer> classCounts = new ArrayList<>();
            for (int c = 0; c < numClasses; c++) {
                classCounts.add(replay.classCount(c));
            }
            TrainResult result = new TrainResult(seen, prequential.accuracy(), holdout, finalResult.accuracy(),
                    seen * 1000.0 / Math.max(1, trainMillis), (end - start) / 1000.0, replay.size(),
                    replay.bytesUsed(), replay.budgetBytes(), replay.evictions(), classCounts, 0,
                    network.parameterCount(), latest == null ? null : latest.version(), backend.summary(),
                    backend.threads(), config.describe());
            writeResults(out.resolve("results.json"), result);
            listener.onFinish(result);
            return result;
        }
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
