package io.coldstream.learner;

import io.coldstream.augment.Augmentation;
import io.coldstream.augment.Augmentations;
import io.coldstream.backend.BackendReport;
import io.coldstream.core.ConfigurationException;
import io.coldstream.core.Example;
import io.coldstream.core.SeededRandom;
import io.coldstream.core.Shape;
import io.coldstream.core.StreamPosition;
import io.coldstream.eval.HoldoutEvaluator;
import io.coldstream.eval.HoldoutSubsets;
import io.coldstream.io.BadRecordHandler;
import io.coldstream.io.BadRecordHandlers;
import io.coldstream.io.Dataset;
import io.coldstream.io.DatasetSplit;
import io.coldstream.io.Datasets;
import io.coldstream.io.ExampleSource;
import io.coldstream.io.IdxSource;
import io.coldstream.io.SourceOptions;
import io.coldstream.io.SnapshotAnnouncements;
import io.coldstream.io.SourceSpec;
import io.coldstream.io.Sources;
import io.coldstream.model.Network;
import io.coldstream.model.Networks;
import io.coldstream.replay.ReplayBuffer;
import io.coldstream.replay.ReplayBuffers;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * Everything a {@link Trainer} is made of, built and checked before anything is written: the
 * output folder's policy (fresh, or resume from its newest checkpoint), the state and the
 * configuration's fingerprint, the dataset's test split, the source (opened from its spec and
 * sought after the checkpoint's positions), the replay buffer, the augmentation, the engine and
 * network, the holdout evaluators and the meters. Each random choice is derived from the run's
 * seed by purpose ({@code order}, {@code replay}, {@code augment}, {@code init}, {@code holdout}).
 */
final class TrainerParts implements AutoCloseable {

    static final int EVAL_BATCH = 256;

    final TrainerConfig config;
    final Clock clock;
    final CheckpointStore.Found resumedFrom;
    final TrainerState state;
    final TrainerMetrics metrics;
    final BadRecordHandler badRecords;
    final ExampleSource source;
    final Shape shape;
    final int numClasses;
    final ReplayBuffer replay;
    final Augmentation augmentation;
    final SeededRandom augmentRandom;
    final BackendReport backend;
    final Network network;
    /**
     * The exponential moving average of {@link #network}'s weights ({@link TrainerSettings#EMA_DECAY}),
     * updated after every applied step; {@code null} when off.
     */
    final Network average;
    final HoldoutEvaluator periodicHoldout;
    final HoldoutEvaluator finalHoldout;
    /** What was removed from the output folder to start over (left by a run that crashed before its first checkpoint). */
    final List<String> startedOver = new ArrayList<>();
    /** Stream records this resume accepted as lost ({@code --kafka-resume accept-loss}), one line each. */
    final List<String> acceptedLosses = new ArrayList<>();
    /** The Kafka consumer group whose offsets follow the checkpoints; {@code null} for other sources. */
    final String kafkaGroup;
    /** Announces each published snapshot ({@link TrainerSettings#ANNOUNCE}); {@code null} for none. */
    final SnapshotAnnouncements.Publisher announcer;
    private final RunFolder.Lock lock;

    TrainerParts(TrainerConfig config, Clock clock, MeterRegistry registry) {
        this.config = config;
        this.clock = clock;
        Path out = config.out();
        SourceSpec spec = config.source() != null ? SourceSpec.parse(config.source())
                : SourceSpec.parseDataset(config.data());
        Properties consumer = spec.kind() == SourceSpec.Kind.KAFKA ? kafkaConsumer(config) : new Properties();
        this.kafkaGroup = spec.kind() == SourceSpec.Kind.KAFKA ? consumer.getProperty("group.id") : null;
        this.lock = RunFolder.lock(out);
        boolean built = false;
        ExampleSource opened = null;
        SnapshotAnnouncements.Publisher announcing = null;
        try {
            this.resumedFrom = RunFolder.checkpointToResume(out, startedOver);
            this.state = resumedFrom == null ? new TrainerState()
                    : TrainerState.read(resumedFrom.trainer(), resumedFrom.manifest());
            if (resumedFrom != null) {
                ConfigFingerprint.requireSame(state.savedFingerprint, config, resumedFrom.folder());
            }
            Dataset data = Datasets.forRun(config.data(), spec, config.datasetOptions());
            if (resumedFrom != null) {
                requireResumableLimit(config, spec, data, state, resumedFrom.folder());
            } else {
                state.orderLimit = config.limit();
            }
            DatasetSplit test = data.test();
            this.shape = test.shape();
            this.numClasses = data.numClasses();
            SeededRandom root = new SeededRandom(config.seed());
            this.metrics = new TrainerMetrics(registry, RunFolder.name(out), spec.kind().prefix(),
                    config.replayPolicy().cliName(), clock);
            metrics.resumeFrom(state.seen);
            this.badRecords = new CountedBadRecords(BadRecordHandlers.parse(config.badRecords(),
                    out.resolve("quarantine")), metrics, state.badRecords, out.resolve("quarantine"));
            this.source = opened = Sources.open(spec, SourceOptions.builder().dataset(data).examples(shape, numClasses)
                    .badRecords(badRecords).order(config.order(), config.stageClasses(), root.derive("order"))
                    .limit(config.limit()).kafkaConsumer(consumer)
                    .acceptLostRecords(config.get(TrainerSettings.KAFKA_RESUME).equals("accept-loss")).build());
            source.seek(state.positions);
            acceptedLosses.addAll(source.acceptedLosses());
            String announce = config.get(TrainerSettings.ANNOUNCE);
            // keyed by the run folder, as the consumer group is: one key per run, so compaction keeps
            // each run's newest announcement
            this.announcer = announcing = announce == null ? null : SnapshotAnnouncements.Publisher.open(
                    SnapshotAnnouncements.parse(announce), RunFolder.kafkaGroup(out),
                    KafkaProperties.read(config.kafkaProperties()));
            state.skippedSteps.forEach(metrics::skippedSteps);
            this.replay = resumedFrom == null
                    ? ReplayBuffers.create(config.replayBudget(), shape, numClasses, config.replayPolicy(),
                            config.replayCodec(), root.derive("replay"))
                    : resumedFrom.readReplay(config.replayBudget(), shape, numClasses, config.replayPolicy(),
                            config.replayCodec());
            this.augmentation = Augmentations.parse(config.augment(), config.augmentOptions());
            this.augmentRandom = root.derive("augment");
            if (resumedFrom != null) {
                augmentRandom.setState(state.augmentRandomState);
            }
            this.backend = Networks.startEngine(config.engine(), config.backendSettings());
            int maxBatch = Math.max(1 + config.replayK(), EVAL_BATCH);
            this.network = resumedFrom == null
                    ? Networks.create(config.engine(), config.network(), shape, numClasses, config.optimizer(),
                            root.derive("init").nextLong(), maxBatch)
                    : Networks.restore(resumedFrom.model(), config.network(), shape, numClasses, maxBatch);
            // a checkpoint of a run without an average (or an older one) starts it from the resumed weights
            this.average = config.emaDecay() == 0 ? null
                    : resumedFrom == null || resumedFrom.average().isEmpty() ? network.copy()
                    : Networks.restore(resumedFrom.average().get(), config.network(), shape, numClasses, maxBatch);
            int[] subset = HoldoutSubsets.choose(test.size(), config.holdoutSize(), root.derive("holdout"));
            this.periodicHoldout = new HoldoutEvaluator(examples(test, subset), numClasses, EVAL_BATCH);
            this.finalHoldout = new HoldoutEvaluator(examples(test, HoldoutSubsets.choose(test.size(), 0, root)),
                    numClasses, EVAL_BATCH);
            metrics.bindReplay(replay);
            metrics.sourceLag(source.remaining().orElse(-1));
            built = true;
        } finally {
            if (!built) {
                if (opened != null) {
                    opened.close();
                }
                if (announcing != null) {
                    announcing.close();
                }
                lock.abandon();
            }
        }
    }

    /**
     * A resumed run's {@code --limit} may change, but never below the examples already trained on,
     * and, for a class-incremental or multi-task dataset stream, not at all where it changes the
     * order: a limited staged stream is a seeded subset of {@code limit} examples, so another limit
     * is another stream.
     */
    private static void requireResumableLimit(TrainerConfig config, SourceSpec spec, Dataset data,
            TrainerState state, Path checkpoint) {
        long limit = config.limit();
        if (limit > 0 && limit < state.seen) {
            throw new ConfigurationException("limit was " + limit + " but the checkpoint in "
                    + checkpoint + " has already trained on " + state.seen + " examples; resume with --limit 0"
                    + " (the whole stream) or at least " + state.seen + ", or choose a new --out");
        }
        boolean classIncremental = spec.isDataset()
                && IdxSource.staged(config.order(), data.train().taskClassOffsets().length);
        if (classIncremental && state.orderLimit >= 0) {
            int n = data.train().size();
            long before = state.orderLimit <= 0 || state.orderLimit >= n ? 0 : state.orderLimit;
            long now = limit <= 0 || limit >= n ? 0 : limit;
            if (before != now) {
                throw new ConfigurationException("limit was " + limit + " but the checkpoint in "
                        + checkpoint + " was taken with --limit " + state.orderLimit + "; a limited "
                        + config.order().cliName() + " stream is a seeded subset of that many examples, so another"
                        + " limit is another stream: resume with --limit " + state.orderLimit + ", or choose a new --out");
            }
        }
        if (!classIncremental || state.orderLimit < 0) {
            state.orderLimit = limit; // only a staged order keeps the limit it was built with
        }
    }

    /**
     * Kafka consumer settings: the group whose committed offsets follow this run's checkpoints (one
     * per output folder, from its absolute path: {@link RunFolder#kafkaGroup}), then the user's
     * {@code kafka.properties}, which may replace it.
     */
    private static Properties kafkaConsumer(TrainerConfig config) {
        Properties consumer = new Properties();
        consumer.setProperty("group.id", RunFolder.kafkaGroup(config.out()));
        consumer.putAll(KafkaProperties.read(config.kafkaProperties()));
        return consumer;
    }

    private static List<Example> examples(DatasetSplit data, int[] indices) {
        List<Example> list = new ArrayList<>(indices.length);
        for (int i : indices) {
            list.add(data.example(i, new StreamPosition(data.name(), i)));
        }
        return list;
    }

    /** @return the network that evaluations and snapshots use: the weight average when on, else the trained one */
    Network published() {
        return average != null ? average : network;
    }

    /**
     * The weight an average keeps at each step: {@code decay}, but lower while few steps are behind it
     * ({@code (1 + t) / (10 + t)} after {@code t} steps, as TensorFlow's ExponentialMovingAverage with
     * its step count), so that early on the average follows training instead of its random start.
     *
     * @param decay the configured decay, {@code [0, 1)}
     * @param steps optimiser steps applied so far, including the one just taken
     * @return the share of the average's own values
     */
    static double averageKeep(double decay, long steps) {
        return Math.min(decay, (1.0 + steps) / (10.0 + steps));
    }

    @Override
    public void close() {
        try {
            source.close();
            badRecords.close();
            network.close();
            if (average != null) {
                average.close();
            }
            if (announcer != null) {
                announcer.close();
            }
        } finally {
            lock.close();
        }
    }
}
