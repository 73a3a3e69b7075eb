package io.coldstream.learner;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The outcome of a training run, written as {@code results.json}.
 *
 * @param examplesSeen stream examples trained on
 * @param prequentialAccuracy test-then-train accuracy over the whole stream
 * @param holdout periodic holdout evaluations, in order
 * @param finalAccuracy accuracy on the whole test split after the last example
 * @param stepsPerSecond training steps per second, not counting holdout evaluations
 * @param wallSeconds the run's wall time, evaluations included
 * @param replayEntries entries in the replay buffer at the end
 * @param replayBytes bytes the replay buffer used at the end
 * @param replayBudgetBytes the replay buffer's budget
 * @param replayEvictions entries evicted over the run
 * @param replayClassCounts entries per class at the end
 * @param badRecords malformed stream records skipped
 * @param parameterCount trainable parameters of the network
 * @param latestSnapshot the newest snapshot's version, or {@code null}
 * @param backend the ND4J backend summary line
 * @param threads ND4J threads used (bit-identical results need the same count)
 * @param configuration the effective configuration
 * @param complete {@code false} when the run was stopped before its stream ended (SIGTERM); it
 *     resumes from its final checkpoint when run again with the same {@code --out}
 * @param resumed whether the run resumed from a checkpoint
 */
public record TrainResult(long examplesSeen, double prequentialAccuracy, List<HoldoutPoint> holdout,
        double finalAccuracy, double stepsPerSecond, double wallSeconds, int replayEntries, long replayBytes,
        long replayBudgetBytes, long replayEvictions, List<Integer> replayClassCounts, long badRecords,
        long parameterCount, String latestSnapshot, String backend, int threads, Map<String, Object> configuration,
        boolean complete, boolean resumed) {

    /**
     * One holdout evaluation.
     *
     * @param examplesSeen when it ran
     * @param accuracy accuracy on the holdout subset
     */
    public record HoldoutPoint(long examplesSeen, double accuracy) {
    }

    /** Copies the lists. */
    public TrainResult {
        holdout = List.copyOf(holdout);
        replayClassCounts = List.copyOf(replayClassCounts);
    }

    /** @return the content of {@code results.json}, keys as in {@code shared/CLI.md} */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("examplesSeen", examplesSeen);
        m.put("prequentialAccuracy", finite(prequentialAccuracy));
        m.put("holdout", holdout.stream().map(h -> {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("examplesSeen", h.examplesSeen());
            p.put("accuracy", finite(h.accuracy()));
            return p;
        }).toList());
        m.put("finalAccuracy", finite(finalAccuracy));
        m.put("stepsPerSecond", finite(stepsPerSecond));
        m.put("wallSeconds", finite(wallSeconds));
        Map<String, Object> replay = new LinkedHashMap<>();
        replay.put("entries", replayEntries);
        replay.put("bytes", replayBytes);
        replay.put("budgetBytes", replayBudgetBytes);
        replay.put("evictions", replayEvictions);
        replay.put("classCounts", replayClassCounts);
        m.put("replay", replay);
        m.put("badRecords", badRecords);
        m.put("parameterCount", parameterCount);
        m.put("latestSnapshot", latestSnapshot);
        m.put("backend", backend);
        m.put("threads", threads);
        m.put("complete", complete);
        m.put("resumed", resumed);
        m.put("configuration", configuration);
        return m;
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
