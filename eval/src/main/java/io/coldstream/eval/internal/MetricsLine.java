package io.coldstream.eval.internal;

import java.util.List;
import java.util.Objects;

/**
 * One line of {@code metrics.jsonl}, reduced to what the report uses. A number the line did not
 * carry (absent or {@code null}) is {@code NaN}, or {@code -1} for a count.
 *
 * @param kind why the line was written
 * @param lineNumber 1-based line in the file
 * @param examplesSeen stream examples trained on so far, {@code >= 0}
 * @param elapsedSeconds seconds since the run started
 * @param examplesPerSecond training rate over the last interval
 * @param meanLoss mean mini-batch loss over the interval
 * @param prequentialAccuracy test-then-train accuracy so far
 * @param windowAccuracy test-then-train accuracy over the recent window
 * @param holdoutAccuracy this evaluation's accuracy on holdout lines, the latest one otherwise
 * @param replayEntries entries in the replay buffer, or {@code -1}
 * @param replayBytes bytes the replay buffer uses, or {@code -1}
 * @param replayBudgetBytes the replay buffer's budget in bytes, or {@code -1}
 * @param replayEvictions entries evicted so far, or {@code -1}
 * @param replayClassCounts replay entries per class, indexed by class; empty when not reported
 * @param stepP50Millis median training step time in milliseconds
 * @param stepP95Millis 95th percentile step time in milliseconds
 * @param stepP99Millis 99th percentile step time in milliseconds
 * @param snapshotVersion the latest published snapshot, or {@code null}
 * @param badRecords malformed stream records skipped so far, or {@code -1}
 * @param heapUsedBytes JVM heap in use, or {@code -1}
 * @param offHeapBytes off-heap memory in use, or {@code -1}
 */
record MetricsLine(Kind kind, int lineNumber, long examplesSeen, double elapsedSeconds, double examplesPerSecond,
        double meanLoss, double prequentialAccuracy, double windowAccuracy, double holdoutAccuracy,
        long replayEntries, long replayBytes, long replayBudgetBytes, long replayEvictions,
        List<Integer> replayClassCounts, double stepP50Millis, double stepP95Millis, double stepP99Millis,
        String snapshotVersion, long badRecords, long heapUsedBytes, long offHeapBytes) {

    /** Why the trainer wrote a line. */
    enum Kind {
        /** Every N examples. */
        INTERVAL,
        /** Right after a holdout evaluation. */
        HOLDOUT,
        /** Once, at the end of the run. */
        FINAL
    }

    /** Rejects a missing kind, a bad line number or a negative example count; copies the list. */
    MetricsLine {
        Objects.requireNonNull(kind, "kind");
        if (lineNumber < 1) {
            throw new IllegalArgumentException("lineNumber was " + lineNumber + " but must be >= 1");
        }
        if (examplesSeen < 0) {
            throw new IllegalArgumentException("examplesSeen was " + examplesSeen + " but must be >= 0");
        }
        replayClassCounts = List.copyOf(Objects.requireNonNull(replayClassCounts, "replayClassCounts"));
    }

    /** @return whether the line reports training progress (an interval or the final line) */
    boolean isProgress() {
        return kind != Kind.HOLDOUT;
    }
}
