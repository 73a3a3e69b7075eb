package io.coldstream.eval;

import io.coldstream.core.Example;
import io.coldstream.core.MiniBatch;
import io.coldstream.core.Shape;
import io.coldstream.eval.internal.PixelRows;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Evaluates a model on a fixed test set after each stage of a benchmark scenario: top-1 and top-5
 * accuracy over the test examples of the classes streamed so far, and top-1 accuracy per group (the
 * stage or task a class belongs to) and per class, from which {@link BenchMetrics} derives Omega-all
 * and forgetting. This is the class-incremental protocol of Hayes et al., "REMIND Your Neural Network to
 * Prevent Catastrophic Forgetting" (ECCV 2020): after each stage the model is tested on every class it
 * has learned so far.
 *
 * <p>The model ranks all {@code numClasses} classes, seen or not (its output is not masked to the seen
 * classes); only which test examples count towards {@code top1} and {@code top5} depends on what was
 * seen. Ranks: the true class's rank is the number of classes that score higher than it, plus the number
 * that score the same and have a lower index; top-1 is rank 0 and top-5 rank below 5. Ties thus go to
 * the lower class index, as an argmax that answers the first maximum does.
 *
 * <p>The examples' pixels are copied once at construction and scaled by {@link MiniBatch#PIXEL_SCALE}
 * (as training scales them) into one feature array allocated once; the scores go to one array allocated
 * once too. After construction {@link #evaluate} allocates only the result it returns. It also counts
 * the top-1 predictions of every test example by true class ({@link #confusion()}), which takes
 * {@code 4 * numClasses^2} bytes. Not thread-safe: the buffers are shared between calls.
 */
public final class StageEvaluator {

    private static final int TOP_K = 5;

    private final PixelRows rows;
    private final int numClasses;
    private final int groups;
    private final int batchRows;
    private final int[] groupOfClass;
    private final int[] examplesPerGroup;
    private final int[] top1PerClass;
    private final int[] top5PerClass;
    private final int[] confusion;
    private final float[] features;
    private final float[] scores;
    private boolean evaluated;

    /**
     * @param test the test set, at least one example, all of one shape; copied. Features are the
     *     pixels scaled to {@code [0, 1]} ({@code pixel / 255}), as {@link HoldoutEvaluator} feeds them
     * @param numClasses number of classes, {@code >= 2}; every label must be below it
     * @param groupOfClass {@code groupOfClass[c]} is the group (stage or task) class {@code c} belongs to;
     *     {@code numClasses} entries, numbered {@code 0..groups-1} with every group holding at least one
     *     class; copied
     * @param batchSize the most rows per {@link Scorer#score} call, {@code >= 1}
     * @throws IllegalArgumentException naming what is wrong
     */
    public StageEvaluator(List<Example> test, int numClasses, int[] groupOfClass, int batchSize) {
        this.rows = new PixelRows(test, numClasses, "test");
        Objects.requireNonNull(groupOfClass, "groupOfClass");
        if (groupOfClass.length != numClasses) {
            throw new IllegalArgumentException("groupOfClass has " + groupOfClass.length + " entries but must have"
                    + " one per class, " + numClasses);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("test batch size was " + batchSize + " but must be >= 1");
        }
        int highest = 0;
        for (int c = 0; c < numClasses; c++) {
            if (groupOfClass[c] < 0) {
                throw new IllegalArgumentException("groupOfClass[" + c + "] was " + groupOfClass[c]
                        + " but groups must be >= 0");
            }
            highest = Math.max(highest, groupOfClass[c]);
        }
        this.numClasses = numClasses;
        this.groups = highest + 1;
        this.groupOfClass = groupOfClass.clone();
        int[] classesPerGroup = new int[groups];
        this.examplesPerGroup = new int[groups];
        for (int c = 0; c < numClasses; c++) {
            classesPerGroup[groupOfClass[c]]++;
            examplesPerGroup[groupOfClass[c]] += rows.examplesOfClass(c);
        }
        for (int g = 0; g < groups; g++) {
            if (classesPerGroup[g] == 0) {
                throw new IllegalArgumentException("group " + g + " has no class but groups must be numbered 0 to "
                        + (groups - 1) + " without gaps: groupOfClass was " + Arrays.toString(groupOfClass));
            }
        }
        this.batchRows = Math.min(batchSize, rows.size());
        if ((long) batchRows * numClasses > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a batch of " + batchRows + " rows of " + numClasses
                    + " scores is more than 2^31-1 floats; choose a smaller batch size");
        }
        this.top1PerClass = new int[numClasses];
        this.top5PerClass = new int[numClasses];
        this.confusion = new int[numClasses * numClasses];
        this.features = new float[batchRows * rows.shape().elementCount()];
        this.scores = new float[batchRows * numClasses];
    }

    /**
     * Scores every test example and measures the accuracies.
     *
     * @param stage the stage just finished, {@code >= 0}; recorded in the result
     * @param examplesSeen stream examples trained on so far, {@code >= 0}; recorded in the result
     * @param seenClasses {@code seenClasses[c]} is whether class {@code c} has been streamed;
     *     {@code numClasses} entries; read, not kept
     * @param scorer the model; called {@code ceil(size / batchSize)} times
     * @return the accuracies: overall over the examples of seen classes, per group and per class over all
     * @throws IllegalArgumentException if {@code seenClasses} has the wrong length, or the stage or count
     *     is negative
     * @throws IllegalStateException if the scorer leaves a score {@code NaN} (or unwritten)
     */
    public StageAccuracy evaluate(int stage, long examplesSeen, boolean[] seenClasses, Scorer scorer) {
        Objects.requireNonNull(seenClasses, "seenClasses");
        Objects.requireNonNull(scorer, "scorer");
        if (seenClasses.length != numClasses) {
            throw new IllegalArgumentException("seenClasses has " + seenClasses.length + " entries but must have one"
                    + " per class, " + numClasses);
        }
        if (stage < 0 || examplesSeen < 0) {
            throw new IllegalArgumentException("stage was " + stage + " and examplesSeen " + examplesSeen
                    + " but both must be >= 0");
        }
        Arrays.fill(top1PerClass, 0);
        Arrays.fill(top5PerClass, 0);
        Arrays.fill(confusion, 0);
        int size = rows.size();
        for (int start = 0; start < size; start += batchRows) {
            int count = Math.min(batchRows, size - start);
            rows.fill(start, count, features);
            Arrays.fill(scores, Float.NaN);
            scorer.score(features, count, scores);
            for (int row = 0; row < count; row++) {
                count(start + row, row * numClasses, count);
            }
        }
        evaluated = true;
        return result(stage, examplesSeen, seenClasses);
    }

    /** Ranks one example's true class among its scores and counts it. */
    private void count(int example, int base, int batchCount) {
        int label = rows.label(example);
        float truth = scores[base + label];
        int rank = 0;
        int predicted = 0;
        float best = Float.NEGATIVE_INFINITY;
        for (int c = 0; c < numClasses; c++) {
            float s = scores[base + c];
            if (Float.isNaN(s)) {
                throw new IllegalStateException("the scorer left the score of class " + c + " for test example "
                        + example + " NaN but it must write every one of the " + batchCount + " x " + numClasses
                        + " scores of the batch, none NaN");
            }
            if (s > truth || (s == truth && c < label)) {
                rank++;
            }
            if (s > best || c == 0) {
                best = s;
                predicted = c;
            }
        }
        if (rank == 0) {
            top1PerClass[label]++;
        }
        if (rank < TOP_K) {
            top5PerClass[label]++;
        }
        confusion[label * numClasses + predicted]++;
    }

    private StageAccuracy result(int stage, long examplesSeen, boolean[] seenClasses) {
        int seen = 0;
        int examples = 0;
        int top1 = 0;
        int top5 = 0;
        List<Double> perClass = new ArrayList<>(numClasses);
        List<Boolean> classSeen = new ArrayList<>(numClasses);
        int[] top1PerGroup = new int[groups];
        boolean[] groupSeen = new boolean[groups];
        for (int c = 0; c < numClasses; c++) {
            int n = rows.examplesOfClass(c);
            perClass.add(n == 0 ? Double.NaN : (double) top1PerClass[c] / n);
            classSeen.add(seenClasses[c]);
            top1PerGroup[groupOfClass[c]] += top1PerClass[c];
            if (seenClasses[c]) {
                seen++;
                examples += n;
                top1 += top1PerClass[c];
                top5 += top5PerClass[c];
                groupSeen[groupOfClass[c]] = true;
            }
        }
        List<Double> perGroup = new ArrayList<>(groups);
        List<Boolean> groupsSeen = new ArrayList<>(groups);
        for (int g = 0; g < groups; g++) {
            perGroup.add(examplesPerGroup[g] == 0 ? Double.NaN : (double) top1PerGroup[g] / examplesPerGroup[g]);
            groupsSeen.add(groupSeen[g]);
        }
        return new StageAccuracy(stage, examplesSeen, seen, examples,
                examples == 0 ? Double.NaN : (double) top1 / examples,
                examples == 0 ? Double.NaN : (double) top5 / examples, perGroup, perClass, groupsSeen, classSeen);
    }

    /**
     * The top-1 predictions of the last {@link #evaluate} over every test example (seen classes or not),
     * counted by true class: the confusion matrix.
     *
     * @return a fresh copy
     * @throws IllegalStateException before the first evaluation
     */
    public ConfusionMatrix confusion() {
        if (!evaluated) {
            throw new IllegalStateException("no evaluation has run yet; call evaluate first");
        }
        return ConfusionMatrix.of(numClasses, confusion);
    }

    /** @return the number of test examples */
    public int size() {
        return rows.size();
    }

    /** @return the shape of every test example */
    public Shape shape() {
        return rows.shape();
    }

    /** @return the number of classes */
    public int numClasses() {
        return numClasses;
    }

    /** @return the number of groups */
    public int groups() {
        return groups;
    }

    /** @return the most rows per scorer call: {@code min(batchSize, size())} */
    public int batchSize() {
        return batchRows;
    }

    /**
     * @param c a class, {@code [0, numClasses)}
     * @return how many test examples have class {@code c}
     */
    public int examplesOfClass(int c) {
        return rows.examplesOfClass(c);
    }
}
