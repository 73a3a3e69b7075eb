package io.coldstream.learner;

import io.coldstream.eval.MetricsRecord;
import io.coldstream.eval.PrequentialAccuracy;
import io.coldstream.replay.ReplayBuffer;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.Pointer;

/**
 * Builds the trainer's {@code metrics.jsonl} lines ({@link MetricsRecord}): the loss and rate over
 * the interval since the previous interval or final line, and the run's figures at that moment.
 * Owned by the training thread.
 */
final class MetricsLines {

    private final Clock clock;
    private final long startMillis;
    private final Timer stepTimer;
    private long intervalStartMillis;
    private long seenAtIntervalStart;
    private double lossSum;
    private int lossCount;

    /**
     * @param clock the run clock
     * @param startMillis when this run (or resumed part of it) started
     * @param seen examples trained on at the start
     * @param stepTimer the step timer whose distribution the lines report
     */
    MetricsLines(Clock clock, long startMillis, long seen, Timer stepTimer) {
        this.clock = clock;
        this.startMillis = startMillis;
        this.intervalStartMillis = startMillis;
        this.seenAtIntervalStart = seen;
        this.stepTimer = stepTimer;
    }

    /** @param loss one step's mini-batch loss; non-finite losses are left out of the mean */
    void addLoss(double loss) {
        if (Double.isFinite(loss)) {
            lossSum += loss;
            lossCount++;
        }
    }

    /**
     * One line. An interval or final line starts a new interval; a holdout line does not.
     *
     * @return the line
     */
    MetricsRecord line(MetricsRecord.Kind kind, long seen, double loss, PrequentialAccuracy prequential,
            Double holdoutAccuracy, List<Double> holdoutClassAccuracy, ReplayBuffer replay, int numClasses, String snapshotVersion, long badRecords) {
        long now = clock.millis();
        List<Integer> counts = new ArrayList<>(numClasses);
        for (int c = 0; c < numClasses; c++) {
            counts.add(replay.classCount(c));
        }
        MetricsRecord.Replay r = new MetricsRecord.Replay(replay.size(), replay.capacity(), replay.bytesUsed(),
                replay.budgetBytes(), replay.evictions(), counts);
        MetricsRecord record = new MetricsRecord(kind, clock.instant(), (now - startMillis) / 1000.0, seen,
                (seen - seenAtIntervalStart) * 1000.0 / Math.max(1, now - intervalStartMillis), loss,
                lossCount == 0 ? Double.NaN : lossSum / lossCount, prequential.accuracy(),
                prequential.windowAccuracy(), holdoutAccuracy == null ? Double.NaN : holdoutAccuracy, r, steps(),
                snapshotVersion, badRecords, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(),
                Pointer.physicalBytes(), holdoutClassAccuracy);
        if (kind != MetricsRecord.Kind.HOLDOUT) {
            intervalStartMillis = now;
            seenAtIntervalStart = seen;
            lossSum = 0;
            lossCount = 0;
        }
        return record;
    }

    private MetricsRecord.StepMillis steps() {
        HistogramSnapshot s = stepTimer.takeSnapshot();
        if (s.count() == 0) {
            return null;
        }
        double p50 = Double.NaN;
        double p95 = Double.NaN;
        double p99 = Double.NaN;
        for (ValueAtPercentile p : s.percentileValues()) {
            long pct = Math.round(p.percentile() * 100);
            double v = p.value(TimeUnit.MILLISECONDS);
            if (pct == 50) {
                p50 = v;
            } else if (pct == 95) {
                p95 = v;
            } else if (pct == 99) {
                p99 = v;
            }
        }
        return new MetricsRecord.StepMillis(s.mean(TimeUnit.MILLISECONDS), p50, p95, p99, s.max(TimeUnit.MILLISECONDS));
    }
}
