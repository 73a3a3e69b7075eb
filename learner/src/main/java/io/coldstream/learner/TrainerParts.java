package io.coldstream.learner;

import io.coldstream.augment.Augmentation;
import io.coldstream.augment.Augmentations;
import io.coldstream.backend.BackendReport;
import io.coldstream.core.DataException;
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
import io.coldstream.io.SourceOptions;
import io.coldstream.io.SourceSpec;
import io.coldstream.io.Sources;
import io.coldstream.model.Network;
import io.coldstream.model.Networks;
import io.coldstream.replay.ReplayBuffer;
import io.coldstream.replay.ReplayBuffers;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
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
    final HoldoutEvaluator periodicHoldout;
    final HoldoutEvaluator finalHoldout;

    TrainerParts(TrainerConfig config, Clock clock, MeterRegistry registry) {
        this.config = config;
        this.clock = clock;
        Path out = config.out();
        this.resumedFrom = RunFolder.checkpointToResume(out);
        this.state = resumedFrom == null ? new TrainerState()
                : TrainerState.read(resumedFrom.trainer(), resumedFrom.manifest());
        if (resumedFrom != null) {
            ConfigFingerprint.requireSame(state.savedFingerprint, config, resumedFrom.folder());
        }
        SourceSpec spec = config.source() != null ? SourceSpec.parse(config.source())
                : SourceSpec.parse("idx:" + config.data());
        Dataset data = Datasets.forRun(config.data().toString(), spec);
        DatasetSplit test = data.test();
        this.shape = test.shape();
        this.numClasses = data.numClasses();
        SeededRandom root = new SeededRandom(config.seed());
        this.metrics = new TrainerMetrics(registry, RunFolder.name(out), spec.kind().prefix(),
                config.replayPolicy().cliName(), clock);
        this.badRecords = metrics.counting(BadRecordHandlers.parse(config.badRecords(), out.resolve("quarantine")));
        this.source = Sources.open(spec, SourceOptions.builder().dataset(data).examples(shape, numClasses)
                .badRecords(badRecords).order(config.order(), config.stageClasses(), root.derive("order"))
                .limit(config.limit()).kafkaConsumer(spec.kind() == SourceSpec.Kind.KAFKA ? kafkaConsumer(config) : new Properties())
                .build());
        source.seek(state.positions);
        this.replay = resumedFrom == null
                ? ReplayBuffers.create(config.replayBudget(), shape, numClasses, config.replayPolicy(),
                        root.derive("replay"))
                : readReplay(resumedFrom.replay());
        this.augmentation = Augmentations.parse(config.augment(), config.augmentOptions());
        this.augmentRandom = root.derive("augment");
        if (resumedFrom != null) {
            augmentRandom.setState(state.augmentRandomState);
        }
        this.backend = Networks.startEngine(config.engine(), config.threads(), config.onednn());
        int maxBatch = Math.max(1 + config.replayK(), EVAL_BATCH);
        this.network = resumedFrom == null
                ? Networks.create(config.engine(), config.network(), shape, numClasses, config.optimizer(),
                        root.derive("init").nextLong(), maxBatch)
                : Networks.restore(resumedFrom.model(), config.network(), shape, numClasses, maxBatch);
        int[] subset = HoldoutSubsets.choose(test.size(), config.holdoutSize(), root.derive("holdout"));
        this.periodicHoldout = new HoldoutEvaluator(examples(test, subset), numClasses, EVAL_BATCH);
        this.finalHoldout = new HoldoutEvaluator(examples(test, HoldoutSubsets.choose(test.size(), 0, root)),
                numClasses, EVAL_BATCH);
        metrics.bindReplay(replay);
        metrics.sourceLag(source.remaining().orElse(-1));
    }

    /**
     * Kafka consumer settings: the group whose committed offsets follow this run's checkpoints (one
     * per output folder), then the user's {@code kafka.properties}, which may replace it.
     */
    private static Properties kafkaConsumer(TrainerConfig config) {
        Properties consumer = new Properties();
        consumer.setProperty("group.id", "coldstream-" + RunFolder.name(config.out()));
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

    private ReplayBuffer readReplay(Path file) {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            return ReplayBuffers.readState(in, config.replayBudget(), shape, numClasses, config.replayPolicy());
        } catch (IOException e) {
            throw new DataException("could not read the replay buffer state " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        source.close();
        badRecords.close();
        network.close();
    }
}
