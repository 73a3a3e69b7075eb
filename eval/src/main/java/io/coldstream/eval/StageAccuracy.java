package io.coldstream.eval;

import java.util.List;
import java.util.Objects;

/**
 * One evaluation of a model on a fixed test set after a stage of a benchmark scenario
 * ({@link StageEvaluator#evaluate}): top-1 and top-5 accuracy over the test examples whose class has
 * been streamed so far, and top-1 accuracy per group (stage or task) and per class.
 *
 * <p>The per-group and per-class figures are computed for every group and class, seen or not, so that
 * a matrix of stages x groups shows both forgetting (a seen group's accuracy falling) and what the model
 * answers for classes it has not met. Accuracies are fractions in {@code [0, 1]}; {@code NaN} means "no
 * test examples to measure" and is written as JSON {@code null}. Immutable and thread-safe.
 *
 * @param stage the stage just finished, {@code >= 0} (the first stage is 0)
 * @param examplesSeen stream examples trained on when evaluated, {@code >= 0}
 * @param seenClasses how many classes had been streamed: the number of {@code true} in {@code classSeen}
 * @param examples test examples of the seen classes, the denominator of {@code top1} and {@code top5}
 * @param top1 fraction of those examples whose true class scored highest; {@code NaN} when
 *     {@code examples == 0}
 * @param top5 fraction of those examples whose true class was among the five highest scores (every
 *     example when there are at most five classes); {@code NaN} when {@code examples == 0}
 * @param perGroupTop1 top-1 accuracy over each group's test examples, indexed by group; {@code NaN} for
 *     a group without test examples
 * @param perClassTop1 top-1 accuracy over each class's test examples, indexed by class; {@code NaN} for a
 *     class without test examples
 * @param groupSeen whether any class of each group had been streamed, indexed by group
 * @param classSeen whether each class had been streamed, indexed by class
 */
public record StageAccuracy(int stage, long examplesSeen, int seenClasses, int examples, double top1, double top5,
        List<Double> perGroupTop1, List<Double> perClassTop1, List<Boolean> groupSeen, List<Boolean> classSeen) {

    private static final double TOLERANCE = 1e-12;

    /**
     * Checks the counts and fractions against each other; copies the lists.
     *
     * @throws IllegalArgumentException naming the figure, its value and the rule it breaks
     * @throws NullPointerException when a list or an element is {@code null}
     */
    public StageAccuracy {
        perGroupTop1 = List.copyOf(Objects.requireNonNull(perGroupTop1, "perGroupTop1"));
        perClassTop1 = List.copyOf(Objects.requireNonNull(perClassTop1, "perClassTop1"));
        groupSeen = List.copyOf(Objects.requireNonNull(groupSeen, "groupSeen"));
        classSeen = List.copyOf(Objects.requireNonNull(classSeen, "classSeen"));
        if (stage < 0) {
            throw new IllegalArgumentException("stage was " + stage + " but must be >= 0");
        }
        if (examplesSeen < 0) {
            throw new IllegalArgumentException("stage " + stage + ": examplesSeen was " + examplesSeen
                    + " but must be >= 0");
        }
        if (perClassTop1.isEmpty() || perClassTop1.size() != classSeen.size()) {
            throw new IllegalArgumentException("stage " + stage + ": perClassTop1 has " + perClassTop1.size()
                    + " classes and classSeen " + classSeen.size() + " but both must have one entry per class");
        }
        if (perGroupTop1.isEmpty() || perGroupTop1.size() != groupSeen.size()) {
            throw new IllegalArgumentException("stage " + stage + ": perGroupTop1 has " + perGroupTop1.size()
                    + " groups and groupSeen " + groupSeen.size() + " but both must have one entry per group");
        }
        long seen = classSeen.stream().filter(Boolean::booleanValue).count();
        if (seenClasses != seen) {
            throw new IllegalArgumentException("stage " + stage + ": seenClasses was " + seenClasses + " but classSeen"
                    + " marks " + seen + " classes as seen");
        }
        if (examples < 0 || (seenClasses == 0 && examples != 0)) {
            throw new IllegalArgumentException("stage " + stage + ": examples was " + examples + " but must be >= 0,"
                    + " and 0 when no class has been seen");
        }
        checkOverall(stage, "top1", top1, examples);
        checkOverall(stage, "top5", top5, examples);
        if (examples > 0 && top5 < top1 - TOLERANCE) {
            throw new IllegalArgumentException("stage " + stage + ": top5 was " + top5 + " but must be >= top1 ("
                    + top1 + ")");
        }
        checkFractions(stage, "perGroupTop1", perGroupTop1);
        checkFractions(stage, "perClassTop1", perClassTop1);
    }

    private static void checkOverall(int stage, String name, double value, int examples) {
        if (examples == 0 ? !Double.isNaN(value) : !(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException("stage " + stage + ": " + name + " was " + value + " but must be "
                    + (examples == 0 ? "NaN when there are no examples of seen classes" : "in [0, 1]"));
        }
    }

    private static void checkFractions(int stage, String name, List<Double> values) {
        for (int i = 0; i < values.size(); i++) {
            double v = values.get(i);
            if (!Double.isNaN(v) && (v < 0 || v > 1)) {
                throw new IllegalArgumentException("stage " + stage + ": " + name + "[" + i + "] was " + v
                        + " but must be in [0, 1] or NaN");
            }
        }
    }

    /** @return the number of classes, {@code perClassTop1().size()} */
    public int numClasses() {
        return perClassTop1.size();
    }

    /** @return the number of groups, {@code perGroupTop1().size()} */
    public int groups() {
        return perGroupTop1.size();
    }
}
