package io.coldstream.learner;

import io.coldstream.backend.BackendReport;
import io.coldstream.core.ColdstreamException;
import io.coldstream.core.Example;
import io.coldstream.core.ModelException;
import io.coldstream.eval.MetricsRecord;
import io.coldstream.eval.RunResults;
import io.coldstream.io.ExampleSource;
import io.coldstream.model.Network;
import io.coldstream.model.SnapshotStore;
import io.coldstream.replay.ReplayBuffer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The cold-start streaming learner (CSSL: Wolfe and Kyrillidis, "Cold Start Streaming Learning for
 * Deep Networks", 2022): from random weights, for each stream example one {@link TrainingStep}
 * (predict first, replay {@code k} stored examples, augment, one optimiser step on the whole
 * network, offer the example to the byte-budgeted replay buffer). Between steps the periodic tasks
 * run when due ({@link PeriodicTasks}: holdout evaluation, snapshot, checkpoint, metrics line,
 * progress); snapshots and checkpoints are written off the training thread. At the end it
 * evaluates the whole test split, publishes a final snapshot, takes a final checkpoint and writes
 * {@code results.json}.
 *
 * <p><b>Exactly once.</b> A checkpoint ({@link CheckpointStore}) holds the network with its
 * optimiser state, the replay buffer and the {@link TrainerState} (counters, generator states, the
 * source positions of the last example included). {@link #prepare} on an output folder that holds
 * checkpoints resumes from the newest complete one and seeks the source after its positions, so
 * after a crash every stream example is trained on exactly once, and the run reaches the same
 * parameters as an uninterrupted one (on CPU, same thread count). A checkpoint's positions are
 * committed to the source ({@link ExampleSource#commit}: Kafka offsets) only once it is durable.
 *
 * <p><b>Divergence guard.</b> A step whose loss is not finite is not applied ({@link Network#fit}
 * leaves the weights as they were); it is counted ({@code coldstream.steps.skipped{reason}},
 * {@code skippedSteps} in {@code results.json} and in each checkpoint), and after
 * {@code --nonfinite-limit} such steps in a row the run stops with a {@link ModelException} naming the
 * newest complete checkpoint, without a final checkpoint or {@code results.json}: the checkpoints
 * written before hold the last good model.
 *
 * <p>{@link #prepare} checks everything that can be checked before training (configuration,
 * dataset files, budget against example size, output folder) and writes nothing but the folder's
 * lock ({@code <out>/.lock}, held until {@link #close}; removed again, with the folder it created,
 * if preparing fails), the removal of what a run left before its first checkpoint (it starts over),
 * and, when resuming, the cut-back of the trained-ids journal; {@link #run} trains. One thread runs the
 * trainer; {@link #requestStop()} may be called from any thread.
 */
public final class Trainer implements AutoCloseable {

    private static final long PROGRESS_INTERVAL_MS = 1000;

    private final TrainerParts parts;
    private final ConcurrentLinkedQueue<CheckpointManifest> durable = new ConcurrentLinkedQueue<>();
    private volatile boolean stopRequested;

    private Trainer(TrainerParts parts) {
        this.parts = parts;
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
        return new Trainer(new TrainerParts(config, clock, registry));
    }

    /**
     * Trains on the stream until it ends, the limit is reached or a stop is requested, then writes
     * the final evaluation, snapshot, checkpoint and {@code results.json}.
     *
     * @param listener receives progress and events
     * @return the run's results
     */
    public RunResults run(TrainerListener listener) {
        TrainerConfig config = parts.config;
        TrainerState state = parts.state;
        ExampleSource source = parts.source;
        Path out = config.out();
        RunFolder.create(out);
        AcceptedLosses.append(out, parts.acceptedLosses);
        listener.onStart(describe());
        TrainingStep step = new TrainingStep(parts.network, parts.replay, config.replayK(), parts.augmentation,
                parts.augmentRandom, config.augmentNew(), state.prequential);
        long total = config.limit() > 0 ? config.limit()
                : source.bounded() ? state.seen + source.remaining().orElse(-1) : -1;
        long start = parts.clock.millis();
        try (MetricsRecord.Writer log = MetricsRecord.appendTo(out.resolve(MetricsRecord.FILE_NAME));
             // closed after the writers below: a copy they are still writing is closed when handed back
             NetworkCopies copies = new NetworkCopies(parts.network, 2);
             NetworkCopies averageCopies = parts.average == null ? null : new NetworkCopies(parts.average, 2);
             SnapshotPublisher publisher = new SnapshotPublisher(out.resolve("snapshots"), parts.clock,
                     new SnapshotRetention(config.get(TrainerSettings.SNAPSHOT_KEEP),
                             config.get(TrainerSettings.SNAPSHOT_GRACE)),
                     m -> {
                         parts.metrics.snapshot(SnapshotStore.versionNumber(m.version()));
                         if (parts.announcer != null) {
                             parts.announcer.announce(m.version(), m.toJson());
                         }
                     });
             CheckpointStore checkpoints = new CheckpointStore(out.resolve("checkpoints"),
                     out.resolve(CheckpointStore.JOURNAL), config.checkpointKeep(), parts.clock,
                     (m, nanos) -> {
                         parts.metrics.checkpoint(nanos);
                         durable.add(m);
                     })) {
            TrainerRun run = new TrainerRun(parts, listener, log, copies, averageCopies, publisher, checkpoints,
                    this::commitDurableCheckpoints, start, total);
            PeriodicTasks tasks = run.tasks(PROGRESS_INTERVAL_MS);
            while (!stopRequested && (config.limit() <= 0 || state.seen < config.limit())) {
                Example ex = source.next();
                if (ex == null) {
                    if (source.bounded()) {
                        break;
                    }
                    // nothing arrived yet: wait on, unless told to stop, still committing and reporting
                    commitDurableCheckpoints();
                    tasks.whileWaiting(state.seen, parts.clock);
                    continue;
                }
                commitDurableCheckpoints();
                listener.beforeStep(state.seen, ex, parts.published());
                long t0 = System.nanoTime();
                long applied = parts.network.steps();
                double loss = step.train(ex); // test, then train: predict, replay, augment, fit, offer
                if (parts.average != null && parts.network.steps() != applied) {
                    parts.network.averageInto(parts.average,
                            TrainerParts.averageKeep(config.emaDecay(), parts.network.steps()));
                }
                state.seen++;
                run.recordStep(ex.id(), loss, System.nanoTime() - t0); // throws once the run has diverged
                tasks.afterStep(state.seen, parts.clock);
            }
            return run.finish(stopRequested);
        }
    }

    /**
     * Commits, on the training thread (a Kafka consumer belongs to one thread), the source positions
     * of every checkpoint that has become durable since the last call. So committed offsets never
     * run ahead of a saved model.
     */
    private void commitDurableCheckpoints() {
        CheckpointManifest m;
        while ((m = durable.poll()) != null) {
            CrashPoint.here("before-commit");
            parts.source.commit(m.sourcePositions());
            CrashPoint.here("after-commit");
        }
    }

    /** Asks a running {@link #run} to stop after the current step, with a final checkpoint. Any thread. */
    public void requestStop() {
        stopRequested = true;
    }

    /** @return whether this trainer resumed from a checkpoint */
    public boolean resumed() {
        return parts.resumedFrom != null;
    }

    /** @return examples trained on so far (including those before a resume) */
    public long examplesSeen() {
        return parts.state.seen;
    }

    /** @return the run in a few lines: source, network, replay buffer, augmentation, backend */
    public String describe() {
        TrainerConfig config = parts.config;
        return String.join("\n",
                "stream:   " + parts.source.describe()
                        + (parts.kafkaGroup == null ? "" : "; Kafka group " + parts.kafkaGroup)
                        + (parts.resumedFrom == null ? "" : "; resumed from " + parts.resumedFrom.manifest().name()
                                + " at " + parts.state.seen + " examples")
                        + (parts.acceptedLosses.isEmpty() ? "" : "; accepted the loss of " + String.join("; ",
                                parts.acceptedLosses))
                        + (parts.startedOver.isEmpty() ? "" : "; started over, removing " + String.join(", ",
                                parts.startedOver) + " (left by a run stopped before its first checkpoint)"),
                "holdout:  " + parts.periodicHoldout.size() + " examples every " + config.holdoutEvery()
                        + " (final: " + parts.finalHoldout.size() + ")",
                "network:  " + parts.network.kind().cliName() + " on " + parts.shape + ", " + parts.numClasses
                        + " classes, " + parts.network.parameterCount() + " parameters, lr " + config.lr() + " ("
                        + config.schedule() + "), momentum " + config.momentum()
                        + (config.weightDecay() > 0 ? ", weight decay " + config.weightDecay() : "")
                        + (config.emaDecay() > 0 ? "; evaluated and published: the moving average of the weights"
                                + " (decay " + config.emaDecay() + ")" : ""),
                "replay:   " + config.replayBudget() + " budget, " + parts.replay.capacity() + " entries of "
                        + parts.replay.bytesPerEntry() + " bytes (" + config.replayCodec().cliName() + "), "
                        + config.replayPolicy().cliName() + ", k="
                        + config.replayK(),
                "augment:  " + parts.augmentation,
                "backend:  " + parts.backend.summary())
                + (parts.announcer == null ? "" : "\nannounce: each snapshot on " + config.get(TrainerSettings.ANNOUNCE)
                        + " with key " + parts.announcer.key());
    }

    /** @return the network being trained */
    public Network network() {
        return parts.network;
    }

    /**
     * @return the network the run evaluates and publishes: with {@code --ema-decay}, the moving average of
     *     the trained weights; otherwise {@link #network()} itself
     */
    public Network published() {
        return parts.published();
    }

    /** @return the backend in use */
    public BackendReport backend() {
        return parts.backend;
    }

    /** @return the replay buffer */
    public ReplayBuffer replay() {
        return parts.replay;
    }

    @Override
    public void close() {
        parts.close();
    }
}
