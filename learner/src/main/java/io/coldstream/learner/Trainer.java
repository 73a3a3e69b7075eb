package io.coldstream.learner;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.coldstream.augment.Augmentation;
import io.coldstream.augment.Augmentations;
import io.coldstream.backend.BackendReport;
import io.coldstream.core.ColdstreamException;
import io.coldstream.core.ConfigurationException;
import io.coldstream.core.DataException;
import io.coldstream.core.Example;
import io.coldstream.core.SeededRandom;
import io.coldstream.core.Shape;
import io.coldstream.core.StreamPosition;
import io.coldstream.eval.HoldoutEvaluator;
import io.coldstream.eval.HoldoutResult;
import io.coldstream.eval.HoldoutSubsets;
import io.coldstream.eval.PrequentialAccuracy;
import io.coldstream.io.BadRecordException;
import io.coldstream.io.BadRecordHandler;
import io.coldstream.io.BadRecordHandlers;
import io.coldstream.io.BadRecordReason;
import io.coldstream.io.ExampleCodec;
import io.coldstream.io.ExampleSource;
import io.coldstream.io.IdxDataset;
import io.coldstream.io.IdxSource;
import io.coldstream.io.KafkaSource;
import io.coldstream.io.QueueSource;
import io.coldstream.io.SourceSpec;
import io.coldstream.core.AtomicFiles;
import io.coldstream.replay.ReplayBuffer;
import io.coldstream.replay.ReplayBuffers;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.bytedeco.javacpp.Pointer;
import io.coldstream.model.Network;
import io.coldstream.model.Networks;
import io.coldstream.model.SnapshotManifest;
import io.coldstream.model.SnapshotStore;

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
 * {@code snapshot.every} examples it publishes a snapshot, every {@code checkpoint.every} examples
 * it takes a checkpoint (both written off the training thread), and at the end it evaluates the
 * whole test split, publishes a final snapshot, takes a final checkpoint and writes
 * {@code results.json}.
 *
 * <p><b>Exactly once.</b> A checkpoint ({@link CheckpointStore}) holds the network with its
 * optimiser state, the replay buffer, every generator state, the counters and the source position
 * of the last example it includes. {@link #prepare} on an output folder that holds checkpoints
 * resumes from the newest complete one and seeks the source to the next position, so after a
 * crash every stream example is trained on exactly once, and the run reaches the same parameters
 * as an uninterrupted one (on CPU, same thread count).
 *
 * <p>{@link #prepare} checks everything that can be checked before training (configuration,
 * dataset files, budget against example size, output folder) and writes nothing but, when
 * resuming, the cut-back of the trained-ids journal; {@link #run} trains. One thread runs the
 * trainer; {@link #requestStop()} may be called from any thread.
 */
public final class Trainer implements AutoCloseable {

    private static final int EVAL_BATCH = 256;
    private static final long PROGRESS_INTERVAL_MS = 1000;
    private static final int STATE_MAGIC = 0x43535453; // "CSTS"
    private static final int STATE_VERSION = 1;
    /** Keys of the configuration that do not change what is learnt, so may differ on resume. */
    private static final List<String> RESUMABLE_KEYS = List.of("out", "limit", "holdout", "snapshot", "metrics",
            "checkpoint", "bad", "threads", "onednn", "kafka");

    private final TrainerConfig config;
    private final Clock clock;
    private final BackendReport backend;
    private final IdxDataset test;
    private final Shape shape;
    private final int numClasses;
    private final SourceSpec sourceSpec;
    private final boolean unbounded;
    private final ExampleSource source;
    private final BadRecordHandler badRecords;
    private final ReplayBuffer replay;
    private final Augmentation augmentation;
    private final SeededRandom augmentRandom;
    private final Network network;
    private final HoldoutEvaluator periodicHoldout;
    private final HoldoutEvaluator finalHoldout;
    private final TrainerMetrics metrics;
    private final RunState state;
    private final CheckpointStore.Found resumedFrom;
    private volatile boolean stopRequested;
    private final ConcurrentLinkedQueue<CheckpointManifest> durable = new ConcurrentLinkedQueue<>();
    private long startMillis;

    /** Everything about the run's progress that a checkpoint must carry besides model and buffer. */
    private static final class RunState {
        long seen;
        PrequentialAccuracy prequential = new PrequentialAccuracy(1000);
        final List<TrainResult.HoldoutPoint> holdout = new ArrayList<>();
        Double lastHoldout;
        long lastSnapshotAt;
        long journalLength;
        final Map<String, StreamPosition> positions = new HashMap<>();
    }

    private Trainer(TrainerConfig config, Clock clock, MeterRegistry registry) {
        this.config = config;
        this.clock = clock;
        Path out = config.out();
        CheckpointStore.Found found = findCheckpoint(out);
        if (found == null) {
            requireFreshOutput(out);
        }
        this.resumedFrom = found;
        this.test = IdxDataset.readSplit(config.data(), IdxDataset.TEST_SPLIT);
        this.sourceSpec = config.source() != null ? SourceSpec.parse(config.source())
                : SourceSpec.parse("idx:" + config.data());
        SeededRandom root = new SeededRandom(config.seed());
        IdxDataset train = sourceSpec.kind() == SourceSpec.Kind.IDX
                ? IdxDataset.readSplit(sourceSpec.path(), IdxDataset.TRAIN_SPLIT) : null;
        if (train != null && !train.shape().equals(test.shape())) {
            throw new ConfigurationException("data: the train split has examples of " + train.shape()
                    + " but the t10k split has " + test.shape() + "; both splits must have one shape");
        }
        this.shape = test.shape();
        this.numClasses = train == null ? test.numClasses() : Math.max(train.numClasses(), test.numClasses());
        this.replay = found == null
                ? ReplayBuffers.create(config.replayBudget(), shape, numClasses, config.replayPolicy(),
                        root.derive("replay"))
                : readReplay(found);
        this.augmentation = Augmentations.parse(config.augment(), config.augmentOptions());
        this.augmentRandom = root.derive("augment");
        this.state = found == null ? new RunState() : readState(found);
        Path name = out.toAbsolutePath().normalize().getFileName();
        this.metrics = new TrainerMetrics(registry, name == null ? "run" : name.toString(), sourceSpec.kind().prefix(),
                config.replayPolicy().cliName(), clock);
        this.badRecords = counting(BadRecordHandlers.parse(config.badRecords(), out.resolve("quarantine")));
        this.unbounded = sourceSpec.kind() != SourceSpec.Kind.IDX;
        this.source = openSource(train, root);
        this.backend = Networks.startEngine(config.engine(), config.threads(), config.onednn());
        int maxBatch = Math.max(1 + config.replayK(), EVAL_BATCH);
        this.network = found == null
                ? Networks.create(config.engine(), config.network(), shape, numClasses, config.optimizer(),
                        root.derive("init").nextLong(), maxBatch)
                : Networks.restore(found.model(), config.network(), shape, numClasses, maxBatch);
        int[] subset = HoldoutSubsets.choose(test.size(), config.holdoutSize(), root.derive("holdout"));
        this.periodicHoldout = new HoldoutEvaluator(examples(test, subset), numClasses, EVAL_BATCH);
        this.finalHoldout = new HoldoutEvaluator(examples(test, HoldoutSubsets.choose(test.size(), 0, root)),
                numClasses, EVAL_BATCH);
        metrics.bindReplay(replay);
        metrics.sourceLag(source.remaining().orElse(-1));
    }

    /**
     * Checks the whole run before anything is written: reads and validates the dataset, sizes the
     * replay buffer against one example, builds the network, checks the output folder. If the folder
     * holds checkpoints of an earlier run, restores the newest complete one instead (see the class
     * comment).
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

    private static CheckpointStore.Found findCheckpoint(Path out) {
        Path dir = out.resolve("checkpoints");
        try {
            if (CheckpointStore.list(dir).isEmpty()) {
                return null;
            }
        } catch (IOException e) {
            throw new DataException("could not list the checkpoints in " + dir + ": " + e.getMessage(), e);
        }
        try (CheckpointStore store = new CheckpointStore(dir, out.resolve(CheckpointStore.JOURNAL), 1,
                Clock.systemUTC(), (m, nanos) -> { })) {
            return store.newest().orElseThrow(() -> new DataException("out '" + out + "' holds checkpoints but none"
                    + " is complete (see the warnings above); remove " + dir + " to start afresh"));
        }
    }

    private ExampleSource openSource(IdxDataset train, SeededRandom root) {
        switch (sourceSpec.kind()) {
            case IDX: {
                IdxSource idx = IdxSource.ordered(train, config.order(), config.stageClasses(), root.derive("order"),
                        config.limit(), "train");
                StreamPosition last = state.positions.get("train");
                if (last != null) {
                    idx.seek(last.offset() + 1);
                }
                return idx;
            }
            case QUEUE: {
                QueueSource queue = new QueueSource(sourceSpec.path(), new ExampleCodec(shape, numClasses), badRecords,
                        true, Duration.ofMillis(200));
                StreamPosition last = state.positions.get("queue");
                if (last != null) {
                    queue.seekAfter(last.offset());
                }
                return queue;
            }
            case KAFKA: {
                Properties consumer = new Properties();
                consumer.setProperty("group.id", kafkaGroup());
                consumer.putAll(KafkaProperties.read(config.kafkaProperties()));
                KafkaSource kafka = new KafkaSource(sourceSpec.location(), sourceSpec.topic(),
                        new ExampleCodec(shape, numClasses), badRecords, Duration.ofMillis(200), consumer);
                kafka.seekAfter(offsets(state.positions));
                return kafka;
            }
            default:
                throw new IllegalStateException("unknown source kind " + sourceSpec.kind());
        }
    }

    /**
     * The Kafka consumer group whose committed offsets follow this run's checkpoints: one group per
     * output folder, so that two runs never move each other's offsets.
     */
    private String kafkaGroup() {
        Path name = config.out().toAbsolutePath().normalize().getFileName();
        return "coldstream-" + (name == null ? "run" : name.toString());
    }

    /**
     * Commits, on the training thread (a Kafka consumer belongs to one thread), the source positions
     * of every checkpoint that has become durable since the last call. So the group's committed
     * offsets never run ahead of a saved model.
     */
    private void commitDurableCheckpoints() {
        CheckpointManifest m;
        while ((m = durable.poll()) != null) {
            if (source instanceof KafkaSource kafka) {
                kafka.commit(m.sourcePositions());
            }
        }
    }

    private BadRecordHandler counting(BadRecordHandler inner) {
        return new BadRecordHandler() {
            @Override
            public void handle(byte[] record, int offset, int length, StreamPosition position,
                    BadRecordException problem) {
                metrics.badRecord(problem.reason().metricName());
                inner.handle(record, offset, length, position, problem);
            }

            @Override
            public long count() {
                return inner.count();
            }

            @Override
            public long count(BadRecordReason reason) {
                return inner.count(reason);
            }

            @Override
            public String describe() {
                return inner.describe();
            }

            @Override
            public void close() {
                inner.close();
            }
        };
    }

    private static void requireFreshOutput(Path out) {
        if (Files.isRegularFile(out)) {
            throw new ConfigurationException("out was '" + out + "' but that is a file; it must be a folder");
        }
        if (Files.isDirectory(out)) {
            try (Stream<Path> entries = Files.list(out)) {
                if (entries.findAny().isPresent()) {
                    throw new ConfigurationException("out was '" + out + "' but that folder already holds files and"
                            + " no checkpoint to resume from; choose a new folder or remove it");
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

    /** Asks a running {@link #run} to stop after the current step, with a final checkpoint. Any thread. */
    public void requestStop() {
        stopRequested = true;
    }

    /** @return whether this trainer resumed from a checkpoint */
    public boolean resumed() {
        return resumedFrom != null;
    }

    /** @return examples trained on so far (including those before a resume) */
    public long examplesSeen() {
        return state.seen;
    }

    /**
     * Trains on the stream until it ends, the limit is reached or a stop is requested, then writes
     * the final evaluation, snapshot, checkpoint and {@code results.json}.
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
        TrainingStep step = new TrainingStep(network, replay, config.replayK(), augmentation, augmentRandom,
                config.augmentNew());
        RunState s = state;
        long total = config.limit() > 0 ? config.limit() : unbounded ? -1 : s.seen + source.remaining().orElse(-1);
        double loss = Double.NaN;
        long evalMillis = 0;
        long start = clock.millis();
        startMillis = start;
        long lastReport = start;
        long seenAtLastReport = s.seen;
        long seenAtStart = s.seen;
        Interval interval = new Interval(start, s.seen);
        IdBuffer ids = new IdBuffer();

        try (MetricsLog log = new MetricsLog(out.resolve(MetricsLog.FILE));
             SnapshotPublisher publisher = new SnapshotPublisher(out.resolve("snapshots"), clock,
                     m -> metrics.snapshot(SnapshotStore.versionNumber(m.version())));
             CheckpointStore checkpoints = new CheckpointStore(out.resolve("checkpoints"),
                     out.resolve(CheckpointStore.JOURNAL), config.checkpointKeep(), clock,
                     (m, nanos) -> {
                         metrics.checkpoint(nanos);
                         durable.add(m);
                     })) {
            while (!stopRequested && (config.limit() <= 0 || s.seen < config.limit())) {
                Example ex = source.next();
                if (ex == null) {
                    if (unbounded) {
                        continue; // nothing arrived yet: wait on, unless told to stop
                    }
                    break;
                }
                commitDurableCheckpoints();
                long t0 = System.nanoTime();
                // test, then train: predict, replay, augment, fit, offer
                loss = step.train(ex);
                s.prequential.record(step.lastPrediction(), ex.label());
                s.positions.put(ex.position().partition(), ex.position());
                ids.add(ex.id());
                s.seen++;
                metrics.step(System.nanoTime() - t0, loss);
                interval.add(loss);

                if (config.holdoutEvery() > 0 && s.seen % config.holdoutEvery() == 0) {
                    long h0 = System.nanoTime();
                    HoldoutResult r = periodicHoldout.evaluate(network::predict);
                    long hNanos = System.nanoTime() - h0;
                    evalMillis += hNanos / 1_000_000;
                    metrics.holdout(r.accuracy(), hNanos);
                    s.holdout.add(new TrainResult.HoldoutPoint(s.seen, r.accuracy()));
                    s.lastHoldout = r.accuracy();
                    listener.onHoldout(s.seen, r);
                    log.append(line("holdout", interval, loss, s.lastHoldout, publisher));
                    lastReport = clock.millis();
                    seenAtLastReport = s.seen;
                }
                if (config.snapshotEvery() > 0 && s.seen % config.snapshotEvery() == 0) {
                    listener.onSnapshot(publisher.publish(network.copy(), s.seen, s.lastHoldout, offsets(s.positions),
                            config.describe()), s.seen);
                    s.lastSnapshotAt = s.seen;
                }
                if (config.checkpointEvery() > 0 && s.seen % config.checkpointEvery() == 0) {
                    checkpoint(checkpoints, ids);
                }
                if (s.seen % config.metricsEvery() == 0) {
                    log.append(line("interval", interval, loss, s.lastHoldout, publisher));
                }
                long now = clock.millis();
                if (now - lastReport >= PROGRESS_INTERVAL_MS) {
                    double rate = (s.seen - seenAtLastReport) * 1000.0 / Math.max(1, now - lastReport);
                    metrics.progress(s.prequential.accuracy(), s.prequential.windowAccuracy(), rate);
                    metrics.sourceLag(source.remaining().orElse(-1));
                    listener.onProgress(progress(total, rate, loss, now - start));
                    lastReport = now;
                    seenAtLastReport = s.seen;
                }
            }
            boolean stopped = stopRequested;
            long trainMillis = clock.millis() - start - evalMillis;
            Double finalAccuracy = null;
            if (!stopped) {
                long f0 = System.nanoTime();
                HoldoutResult finalResult = finalHoldout.evaluate(network::predict);
                metrics.holdout(finalResult.accuracy(), System.nanoTime() - f0);
                finalAccuracy = finalResult.accuracy();
            }
            if (s.seen > s.lastSnapshotAt) {
                listener.onSnapshot(publisher.publish(network.copy(), s.seen,
                        finalAccuracy != null ? finalAccuracy : s.lastHoldout, offsets(s.positions), config.describe()),
                        s.seen);
                s.lastSnapshotAt = s.seen;
            }
            if (ids.size > 0 || checkpoints.latest() == null) {
                checkpoint(checkpoints, ids);
            }
            publisher.awaitAll();
            checkpoints.awaitAll();
            commitDurableCheckpoints();
            SnapshotManifest latest = publisher.latest();
            long end = clock.millis();
            double stepsPerSecond = (s.seen - seenAtStart) * 1000.0 / Math.max(1, trainMillis);
            metrics.progress(s.prequential.accuracy(), s.prequential.windowAccuracy(), stepsPerSecond);
            metrics.sourceLag(source.remaining().orElse(-1));
            listener.onProgress(progress(total, stepsPerSecond, loss, end - start));
            log.append(line("final", interval, loss, finalAccuracy != null ? finalAccuracy : s.lastHoldout, publisher));
            List<Integer> classCounts = new ArrayList<>();
            for (int c = 0; c < numClasses; c++) {
                classCounts.add(replay.classCount(c));
            }
            TrainResult result = new TrainResult(s.seen, s.prequential.accuracy(), s.holdout,
                    finalAccuracy == null ? Double.NaN : finalAccuracy, stepsPerSecond, (end - start) / 1000.0,
                    replay.size(), replay.bytesUsed(), replay.budgetBytes(), replay.evictions(), classCounts,
                    badRecords.count(), network.parameterCount(), latest == null ? null : latest.version(),
                    backend.summary(), backend.threads(), config.describe(), !stopped, resumedFrom != null);
            writeResults(out.resolve("results.json"), result);
            listener.onFinish(result);
            return result;
        }
    }

    /** The ids trained on since the last checkpoint, in a growable primitive array. */
    private static final class IdBuffer {
        long[] ids = new long[1024];
        int size;

        void add(long id) {
            if (size == ids.length) {
                ids = Arrays.copyOf(ids, size * 2);
            }
            ids[size++] = id;
        }
    }

    private void checkpoint(CheckpointStore checkpoints, IdBuffer ids) {
        state.journalLength += ids.size;
        long[] newIds = Arrays.copyOf(ids.ids, ids.size);
        ids.size = 0;
        byte[] replayState = CheckpointStore.bytes(replay::writeState);
        byte[] trainerState = CheckpointStore.bytes(this::writeState);
        checkpoints.write(network.copy(), replayState, trainerState, state.seen, offsets(state.positions), newIds,
                state.journalLength);
    }

    private void writeState(java.io.DataOutputStream out) throws IOException {
        out.writeInt(STATE_MAGIC);
        out.writeInt(STATE_VERSION);
        out.writeUTF(fingerprint(config));
        out.writeLong(state.seen);
        out.writeLong(augmentRandom.state());
        state.prequential.writeTo(out);
        out.writeInt(state.holdout.size());
        for (TrainResult.HoldoutPoint p : state.holdout) {
            out.writeLong(p.examplesSeen());
            out.writeDouble(p.accuracy());
        }
        out.writeBoolean(state.lastHoldout != null);
        out.writeDouble(state.lastHoldout == null ? Double.NaN : state.lastHoldout);
        out.writeLong(state.lastSnapshotAt);
        out.writeLong(state.journalLength);
        out.writeInt(state.positions.size());
        for (StreamPosition p : new TreeMap<>(state.positions).values()) {
            out.writeUTF(p.partition());
            out.writeLong(p.offset());
        }
    }

    private RunState readState(CheckpointStore.Found found) {
        Path file = found.trainer();
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(Files.readAllBytes(file)))) {
            if (in.readInt() != STATE_MAGIC) {
                throw new DataException(file + " is not a Coldstream trainer state (bad magic number)");
            }
            int version = in.readInt();
            if (version != STATE_VERSION) {
                throw new DataException(file + " has trainer state format " + version + " but this version reads "
                        + STATE_VERSION);
            }
            requireSameSettings(in.readUTF(), found.folder());
            RunState s = new RunState();
            s.seen = in.readLong();
            augmentRandom.setState(in.readLong());
            s.prequential = PrequentialAccuracy.readFrom(in);
            int points = in.readInt();
            if (points < 0 || points > s.seen + 1) {
                throw new DataException(file + " lists " + points + " holdout evaluations for " + s.seen + " examples");
            }
            for (int i = 0; i < points; i++) {
                s.holdout.add(new TrainResult.HoldoutPoint(in.readLong(), in.readDouble()));
            }
            boolean hasLast = in.readBoolean();
            double last = in.readDouble();
            s.lastHoldout = hasLast ? last : null;
            s.lastSnapshotAt = in.readLong();
            s.journalLength = in.readLong();
            int partitions = in.readInt();
            if (partitions < 0 || partitions > 1_000_000) {
                throw new DataException(file + " lists " + partitions + " stream partitions");
            }
            for (int i = 0; i < partitions; i++) {
                StreamPosition p = new StreamPosition(in.readUTF(), in.readLong());
                s.positions.put(p.partition(), p);
            }
            if (s.seen != found.manifest().examplesSeen() || s.journalLength != found.manifest().journalLength()) {
                throw new DataException(file + " disagrees with its manifest on examples seen or journal length");
            }
            return s;
        } catch (IOException | IllegalArgumentException e) {
            throw new DataException("could not read the trainer state " + file + ": " + e.getMessage(), e);
        }
    }

    private ReplayBuffer readReplay(CheckpointStore.Found found) {
        try (DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(
                Files.newInputStream(found.replay())))) {
            return ReplayBuffers.readState(in, config.replayBudget(), shape, numClasses, config.replayPolicy());
        } catch (IOException e) {
            throw new DataException("could not read the replay buffer state " + found.replay() + ": " + e.getMessage(), e);
        }
    }

    /** The settings that decide what is learnt, as canonical JSON: a resumed run must match them. */
    static String fingerprint(TrainerConfig config) {
        Map<String, Object> m = new TreeMap<>(config.describe());
        RESUMABLE_KEYS.forEach(m::remove);
        try {
            return new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true)
                    .writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a configuration map is always serialisable", e);
        }
    }

    private void requireSameSettings(String saved, Path folder) throws IOException {
        String now = fingerprint(config);
        if (saved.equals(now)) {
            return;
        }
        ObjectMapper json = new ObjectMapper();
        Map<String, Object> before = flatten("", json.readValue(saved, Map.class));
        Map<String, Object> after = flatten("", json.readValue(now, Map.class));
        List<String> problems = new ArrayList<>();
        for (String key : new java.util.TreeSet<>(before.keySet())) {
            if (!Objects.equals(before.get(key), after.get(key))) {
                problems.add(key + " was '" + after.get(key) + "' but the checkpoint in " + folder + " was taken with '"
                        + before.get(key) + "'; resume with the same settings or choose a new --out");
            }
        }
        for (String key : after.keySet()) {
            if (!before.containsKey(key)) {
                problems.add(key + " is set but the checkpoint in " + folder + " does not have it; choose a new --out");
            }
        }
        throw new ConfigurationException(problems.isEmpty() ? List.of("the settings differ from the checkpoint's")
                : problems);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> flatten(String prefix, Map<?, ?> map) {
        Map<String, Object> flat = new TreeMap<>();
        map.forEach((k, v) -> {
            String key = prefix.isEmpty() ? String.valueOf(k) : prefix + "." + k;
            if (v instanceof Map<?, ?> inner) {
                flat.putAll(flatten(key, inner));
            } else {
                flat.put(key, String.valueOf(v));
            }
        });
        return flat;
    }

    /** Loss and rate bookkeeping between two metrics lines. */
    private static final class Interval {
        private long startMillis;
        private long seenAtStart;
        private double lossSum;
        private int lossCount;

        Interval(long startMillis, long seenAtStart) {
            this.startMillis = startMillis;
            this.seenAtStart = seenAtStart;
        }

        void add(double loss) {
            if (Double.isFinite(loss)) {
                lossSum += loss;
                lossCount++;
            }
        }
    }

    private Map<String, Object> line(String kind, Interval interval, double loss, Double holdoutAccuracy,
            SnapshotPublisher publisher) {
        long now = clock.millis();
        long seen = state.seen;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", kind);
        m.put("time", clock.instant().toString());
        m.put("elapsedSeconds", (now - startMillis) / 1000.0);
        m.put("examplesSeen", seen);
        m.put("examplesPerSecond", finite((seen - interval.seenAtStart) * 1000.0
                / Math.max(1, now - interval.startMillis)));
        m.put("loss", finite(loss));
        m.put("meanLoss", interval.lossCount == 0 ? null : interval.lossSum / interval.lossCount);
        m.put("prequentialAccuracy", finite(state.prequential.accuracy()));
        m.put("windowAccuracy", finite(state.prequential.windowAccuracy()));
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
        m.put("badRecords", badRecords.count());
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

    private Progress progress(long total, double rate, double loss, long elapsedMillis) {
        long seen = state.seen;
        double eta = total < 0 || rate <= 0 ? Double.NaN : (total - seen) / rate;
        return new Progress(seen, total, rate, state.prequential.accuracy(), state.prequential.windowAccuracy(), loss,
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
                "stream:   " + source.describe()
                        + (resumedFrom == null ? "" : "; resumed from " + resumedFrom.manifest().name() + " at "
                                + state.seen + " examples"),
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
        badRecords.close();
        network.close();
    }
}
