package io.coldstream.io;

import io.coldstream.core.ConfigurationException;
import io.coldstream.core.SeededRandom;
import java.util.Arrays;
import java.util.Objects;

/**
 * Turns a labelled dataset into a stream order: a permutation of its indices.
 *
 * <p>Stateless; safe to call from any thread, but the {@link SeededRandom} passed in is not.
 */
public final class StreamOrders {

    private StreamOrders() {
    }

    /**
     * The indices of a dataset of one task in stream order:
     * {@link #order(int[], StreamOrder, int, int[], SeededRandom)} with no task offsets, so that
     * {@link StreamOrder#MULTI_TASK} is {@link StreamOrder#IID}.
     *
     * @param labels each example's label, {@code >= 0}; not modified
     * @param order the ordering
     * @param stageClasses classes per class-incremental stage, {@code >= 1}
     * @param random the generator shuffles draw from; advanced
     * @return a fresh array holding a permutation of {@code 0..labels.length-1}
     * @throws ConfigurationException if {@code stageClasses < 1}
     * @throws IllegalArgumentException if a label is negative
     */
    public static int[] order(int[] labels, StreamOrder order, int stageClasses, SeededRandom random) {
        return order(labels, order, stageClasses, null, random);
    }

    /**
     * The indices of a dataset in stream order.
     *
     * <ul>
     *   <li>{@link StreamOrder#IID}: a seeded Fisher-Yates shuffle of {@code 0..n-1}.</li>
     *   <li>{@link StreamOrder#FILE}: {@code 0..n-1}; draws nothing from {@code random}.</li>
     *   <li>{@link StreamOrder#CLASS_INCREMENTAL}: the classes present, in ascending label order,
     *       are grouped into stages of {@code stageClasses} classes (the last stage may hold
     *       fewer); each stage's examples are shuffled together (seeded), and the stages follow
     *       one another.</li>
     *   <li>{@link StreamOrder#MULTI_TASK}: the same with a stage per task, task {@code t} holding
     *       the classes from {@code taskClassOffsets[t]} up to the next task's first (the last
     *       task, every class from its offset on); with one task (or no offsets), exactly the
     *       {@code iid} order.</li>
     * </ul>
     *
     * Both staged orders are one procedure: the examples are sorted by label (stably), and each
     * stage, a run of consecutive classes, is shuffled in place, stage after stage.
     *
     * @param labels each example's label, {@code >= 0}; not modified
     * @param order the ordering
     * @param stageClasses classes per class-incremental stage, {@code >= 1}; checked for every
     *     order so that a bad setting is caught even when it is not used
     * @param taskClassOffsets the first class of each task, as
     *     {@link DatasetSplit#taskClassOffsets()} gives them; {@code null} for one task. Read by
     *     the {@code multi-task} order only
     * @param random the generator shuffles draw from; advanced
     * @return a fresh array holding a permutation of {@code 0..labels.length-1}
     * @throws ConfigurationException if {@code stageClasses < 1}
     * @throws IllegalArgumentException if a label is negative, or, for the {@code multi-task}
     *     order, the offsets do not start at 0 and ascend
     */
    public static int[] order(int[] labels, StreamOrder order, int stageClasses, int[] taskClassOffsets,
            SeededRandom random) {
        Objects.requireNonNull(labels, "labels");
        Objects.requireNonNull(order, "order");
        Objects.requireNonNull(random, "random");
        if (stageClasses < 1) {
            throw new ConfigurationException("--stage-classes was " + stageClasses
                    + " but must be >= 1 (the number of classes in each class-incremental stage)");
        }
        int n = labels.length;
        return switch (order) {
            case FILE -> identity(n);
            case IID -> iid(n, random);
            case CLASS_INCREMENTAL -> staged(labels, classStages(labels, stageClasses), random);
            case MULTI_TASK -> taskClassOffsets == null || taskClassOffsets.length <= 1 ? iid(n, random)
                    : staged(labels, taskStages(labels, taskClassOffsets), random);
        };
    }

    /**
     * The indices of a dataset split in stream order:
     * {@link #order(int[], StreamOrder, int, int[], SeededRandom)} over its labels and its tasks.
     *
     * @param data the split
     * @param order the ordering
     * @param stageClasses classes per class-incremental stage, {@code >= 1}
     * @param random the generator shuffles draw from; advanced
     * @return a fresh array holding a permutation of {@code 0..data.size()-1}
     * @throws ConfigurationException if {@code stageClasses < 1}
     */
    public static int[] order(DatasetSplit data, StreamOrder order, int stageClasses, SeededRandom random) {
        Objects.requireNonNull(data, "data");
        return order(data.labels(), order, stageClasses, data.taskClassOffsets(), random);
    }

    private static int[] identity(int n) {
        int[] result = new int[n];
        for (int i = 0; i < n; i++) {
            result[i] = i;
        }
        return result;
    }

    private static int[] iid(int n, SeededRandom random) {
        int[] result = identity(n);
        random.shuffle(result);
        return result;
    }

    private static int maxLabel(int[] labels) {
        int max = -1;
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0) {
                throw new IllegalArgumentException("label of example " + i + " was " + labels[i] + " but must be >= 0");
            }
            max = Math.max(max, labels[i]);
        }
        return max;
    }

    /** Class-incremental stages: class {@code c} is in stage (classes present below {@code c}) / stageClasses. */
    private static int[] classStages(int[] labels, int stageClasses) {
        int maxLabel = maxLabel(labels);
        boolean[] present = new boolean[maxLabel + 1];
        for (int label : labels) {
            present[label] = true;
        }
        int[] stageOf = new int[maxLabel + 1];
        int presentBelow = 0;
        for (int c = 0; c <= maxLabel; c++) {
            stageOf[c] = presentBelow / stageClasses;
            if (present[c]) {
                presentBelow++;
            }
        }
        return stageOf;
    }

    /** Multi-task stages: class {@code c} is in the stage of the last task whose first class is at most {@code c}. */
    private static int[] taskStages(int[] labels, int[] offsets) {
        if (offsets[0] != 0) {
            throw new IllegalArgumentException("task class offsets must start at 0 but were "
                    + Arrays.toString(offsets));
        }
        for (int t = 1; t < offsets.length; t++) {
            if (offsets[t] < offsets[t - 1]) {
                throw new IllegalArgumentException("task class offsets must ascend but were "
                        + Arrays.toString(offsets));
            }
        }
        int maxLabel = maxLabel(labels);
        int[] stageOf = new int[maxLabel + 1];
        int t = 0;
        for (int c = 0; c <= maxLabel; c++) {
            while (t + 1 < offsets.length && c >= offsets[t + 1]) {
                t++;
            }
            stageOf[c] = t;
        }
        return stageOf;
    }

    /**
     * The examples sorted by label (a stable counting sort), then each stage shuffled in place, in
     * stage order; a stage is a run of consecutive classes, {@code stageOf} being non-decreasing.
     */
    private static int[] staged(int[] labels, int[] stageOf, SeededRandom random) {
        int maxLabel = stageOf.length - 1;
        // Counting sort by label: start[c] is where class c's examples begin.
        int[] start = new int[maxLabel + 2];
        for (int label : labels) {
            start[label + 1]++;
        }
        for (int c = 0; c <= maxLabel; c++) {
            start[c + 1] += start[c];
        }
        int[] result = new int[labels.length];
        int[] next = start.clone();
        for (int i = 0; i < labels.length; i++) {
            result[next[labels[i]]++] = i;
        }
        int stageStart = 0;
        for (int c = 0; c <= maxLabel; c++) {
            if (c == maxLabel || stageOf[c + 1] != stageOf[c]) {
                random.shuffle(result, stageStart, start[c + 1]);
                stageStart = start[c + 1];
            }
        }
        return result;
    }
}
