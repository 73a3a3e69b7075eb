package io.coldstream.learner;

import io.coldstream.core.DivergedException;
import io.coldstream.eval.HoldoutPoint;
import io.coldstream.eval.HoldoutResult;
import io.coldstream.eval.MetricsRecord;
import io.coldstream.eval.RunResults;
import io.coldstream.model.Network;
import io.coldstream.model.SnapshotManifest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One call of {@link Trainer#run}'s bookkeeping between steps: the bodies of its periodic tasks
 * (holdout, snapshot, checkpoint, metrics line, progress), the ids trained on since the last
 * checkpoint, and the final evaluation, snapshot, checkpoint and {@code results.json}.
 * Owned by the training thread.
 */
final class TrainerRun {

    /** The reason a step whose loss was not finite is counted under. */
    static final String NON_FINITE_LOSS = "non-finite-loss";

    private final TrainerParts p;
    private final TrainerState state;
    private final TrainerListener listener;
    private final MetricsRecord.Writer log;
    private final NetworkCopies copies;
    /** Copies of the weight average, for snapshots and checkpoints; {@code null} without one. */
    private final NetworkCopies averageCopies;
    private final SnapshotPublisher publisher;
    private final CheckpointStore checkpoints;
    private final Runnable commitDurable;
    private final long start;
    private final long total;
    private final long seenAtStart;
    private final MetricsLines lines;
    private int nonFiniteInARow;
    private long[] ids = new long[1024];
    private int idCount;
    private long evalMillis;
    private double loss = Double.NaN;
    private long lastReport;
    private long seenAtLastReport;

    TrainerRun(TrainerParts parts, TrainerListener listener, MetricsRecord.Writer log, NetworkCopies copies,
            NetworkCopies averageCopies, SnapshotPublisher publisher, CheckpointStore checkpoints,
            Runnable commitDurable, long start, long total) {
        this.p = parts;
        this.state = parts.state;
        this.listener = listener;
        this.log = log;
        this.copies = copies;
        this.averageCopies = averageCopies;
        this.publisher = publisher;
        this.checkpoints = checkpoints;
        this.commitDurable = commitDurable;
        this.start = start;
        this.total = total;
        this.seenAtStart = state.seen;
        this.lastReport = start;
        this.seenAtLastReport = state.seen;
        this.lines = new MetricsLines(parts.clock, start, state.seen, parts.metrics.stepTimer());
    }

    /** @return the periodic tasks of this run, in the order they run after a step */
    PeriodicTasks tasks(long progressMillis) {
        TrainerConfig c = p.config;
        return new PeriodicTasks()
                .everyExamples(c.holdoutEvery(), (seen, now) -> holdout(seen))
                .everyExamples(c.snapshotEvery(), (seen, now) -> snapshot(state.lastHoldout))
                .everyExamples(c.checkpointEvery(), (seen, now) -> checkpoint())
                .everyExamples(c.metricsEvery(), (seen, now) -> log.append(line(MetricsRecord.Kind.INTERVAL,
                        state.lastHoldout, List.of())))
                .everyMillis(progressMillis, start, this::progress);
    }

    /**
     * Records one trained example: its id for the journal, its loss and the step's time; a step whose
     * loss is not finite also as a skipped step.
     *
     * @throws DivergedException ({@link #diverged}) when that makes {@code nonfinite.limit} in a row
     */
    void recordStep(long id, double stepLoss, long nanos) {
        if (idCount == ids.length) {
            ids = Arrays.copyOf(ids, idCount * 2);
        }
        ids[idCount++] = id;
        loss = stepLoss;
        p.metrics.step(nanos, stepLoss);
        lines.addLoss(stepLoss);
        if (Double.isFinite(stepLoss)) {
            nonFiniteInARow = 0;
            return;
        }
        state.skippedSteps.merge(NON_FINITE_LOSS, 1L, Long::sum);
        p.metrics.skippedSteps(NON_FINITE_LOSS, 1);
        if (++nonFiniteInARow >= p.config.get(TrainerSettings.NONFINITE_LIMIT)) {
            throw diverged(nonFiniteInARow, stepLoss);
        }
    }

    /**
     * Ends a run whose last {@code inARow} steps all had a non-finite loss: waits for the checkpoints
     * and snapshots already queued (their models are good: no skipped step reached the weights),
     * commits the durable ones, and builds the exception that stops the run, without a final
     * checkpoint.
     *
     * @param inARow skipped steps in a row
     * @param lastLoss the last one's loss
     * @return the exception to throw
     */
    private DivergedException diverged(int inARow, double lastLoss) {
        publisher.awaitAll();
        checkpoints.awaitAll();
        commitDurable.run();
        CheckpointManifest good = checkpoints.latest();
        long total = state.skippedSteps.getOrDefault(NON_FINITE_LOSS, 0L);
        return new DivergedException("the network diverged: the last " + inARow + " steps (up to example "
                + state.seen + ") had a loss of " + lastLoss + ", so none of them was applied, and --nonfinite-limit"
                + " is " + inARow + " (" + total + " steps skipped in all). "
                + (good == null ? "No checkpoint was taken yet, so no example was committed"
                        : "The newest checkpoint, " + good.name() + " at " + good.examplesSeen()
                                + " examples, holds the last good model")
                + ". The same settings diverge again: lower --lr (now " + p.config.lr()
                + ") or check the stream, with a new --out");
    }

    private void holdout(long seen) {
        long h0 = System.nanoTime();
        HoldoutResult r = p.periodicHoldout.evaluate(p.published()::predict);
        long nanos = System.nanoTime() - h0;
        evalMillis += nanos / 1_000_000;
        p.metrics.holdout(r.accuracy(), nanos);
        state.holdout.add(new HoldoutPoint(seen, r.accuracy()));
        state.lastHoldout = r.accuracy();
        listener.onHoldout(seen, r);
        log.append(line(MetricsRecord.Kind.HOLDOUT, state.lastHoldout, r.perClassAccuracy()));
        lastReport = p.clock.millis(); // evaluation time is not training time
        seenAtLastReport = seen;
    }

    private void snapshot(Double holdoutAccuracy) {
        state.positions.putAll(p.source.lastPositions());
        Network published = averageCopies != null ? averageCopies.copyOf() : copies.copyOf();
        listener.onSnapshot(publisher.publish(published, state.seen, holdoutAccuracy, state.positions,
                p.config.describe()), state.seen);
        state.lastSnapshotAt = state.seen;
    }

    private void checkpoint() {
        state.positions.putAll(p.source.lastPositions());
        state.journalLength += idCount;
        state.augmentRandomState = p.augmentRandom.state();
        long[] newIds = Arrays.copyOf(ids, idCount);
        idCount = 0;
        checkpoints.writeStreaming(copies.copyOf(), averageCopies == null ? null : averageCopies.copyOf(),
                CheckpointStore.ReplayWriter.of(p.replay), state.toBytes(ConfigFingerprint.of(p.config)),
                state.seen, state.positions, newIds, state.journalLength);
    }

    private static RunResults.ReplayStorage storage(io.coldstream.replay.ReplayBuffer replay) {
        long payload = replay.payloadBytesPerEntry();
        long size = replay.size();
        return new RunResults.ReplayStorage(replay.codec().cliName(), size * payload,
                size * (replay.bytesPerEntry() - payload), replay.fixedBytes(),
                size == 0 ? Double.NaN : (double) replay.bytesUsed() / size);
    }

    private MetricsRecord line(MetricsRecord.Kind kind, Double holdoutAccuracy, List<Double> perClass) {
        SnapshotManifest latest = publisher.latest();
        return lines.line(kind, state.seen, loss, state.prequential, holdoutAccuracy, perClass, p.replay,
                p.numClasses, latest == null ? null : latest.version(), p.badRecords.count());
    }

    private void progress(long seen, long now) {
        report((seen - seenAtLastReport) * 1000.0 / Math.max(1, now - lastReport), now);
        lastReport = now;
        seenAtLastReport = seen;
    }

    private void report(double rate, long now) {
        p.metrics.progress(state.prequential.accuracy(), state.prequential.windowAccuracy(), rate);
        p.metrics.sourceLag(p.source.remaining().orElse(-1));
        double eta = total < 0 || rate <= 0 ? Double.NaN : (total - state.seen) / rate;
        listener.onProgress(new Progress(state.seen, total, rate, state.prequential.accuracy(),
                state.prequential.windowAccuracy(), loss, p.replay.size(), p.replay.capacity(), (now - start) / 1000.0,
                eta, p.source.decodeImagesPerSecond().orElse(Double.NaN)));
    }

    /**
     * Ends the run: the final evaluation on the whole test split (unless stopped), the final
     * snapshot and checkpoint, waiting for every pending write, and {@code results.json}.
     *
     * @param stopped whether a stop was requested
     * @return the run's results
     */
    RunResults finish(boolean stopped) {
        long trainMillis = p.clock.millis() - start - evalMillis;
        Double finalAccuracy = null;
        List<Double> finalPerClass = List.of();
        if (!stopped) {
            long f0 = System.nanoTime();
            HoldoutResult result = p.finalHoldout.evaluate(p.published()::predict);
            p.metrics.holdout(result.accuracy(), System.nanoTime() - f0);
            finalAccuracy = result.accuracy();
            finalPerClass = result.perClassAccuracy();
        }
        if (state.seen > state.lastSnapshotAt) {
            snapshot(finalAccuracy != null ? finalAccuracy : state.lastHoldout);
        }
        if (idCount > 0 || checkpoints.latest() == null) {
            checkpoint();
        }
        publisher.awaitAll();
        checkpoints.awaitAll();
        commitDurable.run();
        SnapshotManifest latest = publisher.latest();
        long end = p.clock.millis();
        double stepsPerSecond = (state.seen - seenAtStart) * 1000.0 / Math.max(1, trainMillis);
        report(stepsPerSecond, end);
        log.append(line(MetricsRecord.Kind.FINAL, finalAccuracy != null ? finalAccuracy : state.lastHoldout,
                finalPerClass));
        List<Integer> classCounts = new ArrayList<>();
        for (int c = 0; c < p.numClasses; c++) {
            classCounts.add(p.replay.classCount(c));
        }
        RunResults results = new RunResults(state.seen, state.prequential.accuracy(), state.holdout,
                finalAccuracy == null ? Double.NaN : finalAccuracy, stepsPerSecond, (end - start) / 1000.0,
                p.replay.size(), p.replay.bytesUsed(), p.replay.budgetBytes(), p.replay.evictions(), classCounts,
                p.badRecords.count(), p.network.parameterCount(), latest == null ? null : latest.version(),
                p.backend.summary(), p.backend.threads(), p.config.describe(), !stopped, p.resumedFrom != null,
                state.badRecords, state.skippedSteps, AcceptedLosses.read(p.config.out()), storage(p.replay));
        results.write(p.config.out().resolve(RunResults.FILE_NAME));
        listener.onFinish(results);
        return results;
    }
}
