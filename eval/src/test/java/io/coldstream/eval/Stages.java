package io.coldstream.eval;

import java.util.ArrayList;
import java.util.List;

/** Hand-written stage evaluations for the metric and report tests. */
final class Stages {

    private Stages() {
    }

    /**
     * A stage of a scenario with one class per group, the first {@code seenGroups} seen: per-class
     * accuracies equal the per-group ones, 10 test examples per class.
     */
    static StageAccuracy of(int stage, double top1, double top5, int seenGroups, double... perGroup) {
        List<Double> accuracies = new ArrayList<>();
        List<Boolean> seen = new ArrayList<>();
        for (int g = 0; g < perGroup.length; g++) {
            accuracies.add(perGroup[g]);
            seen.add(g < seenGroups);
        }
        return new StageAccuracy(stage, 1000L * (stage + 1), seenGroups, 10 * seenGroups, top1, top5, accuracies,
                accuracies, seen, seen);
    }

    /** {@link #of} with top-5 equal to top-1. */
    static StageAccuracy of(int stage, double top1, int seenGroups, double... perGroup) {
        return of(stage, top1, top1, seenGroups, perGroup);
    }
}
