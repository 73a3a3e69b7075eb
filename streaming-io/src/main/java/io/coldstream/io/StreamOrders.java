package io.coldstream.io;

import io.coldstream.core.ConfigurationException;
import io.coldstream.core.SeededRandom;
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
     * The indices of a dataset in stream order.
     *
     * <ul>
     *   <li>{@link StreamOrder#IID}: a seeded Fisher-Yates shuffle of {@code 0..n-1}.</li>
     *   <li>{@link StreamOrder#FILE}: {@code 0..n-1}; draws nothing from {@code random}.</li>
     *   <li>{@link StreamOrder#CLASS_INCREMENTAL}: the classes present, in ascending label order,
     *       are grouped into stages of {@code stageClasses} classes (the last stage may hold
     *       fewer); each stage's examples are shuffled together (seeded), and the stages follow
     *       one another.</li>
     * </ul>
     *
     * @param labels each example's label, {@code >= 0}; not modified
     * @param order the ordering
     * @param stageClasses classes per class-incremental stage, {@code >= 1}; checked for every
     *     order so that a bad setting is caught even when it is not used
     * @param random the generator shuffles draw from; advanced
     * @return a fresh array holding a permutation of {@code 0..labels.length-1}
     * @throws ConfigurationException if {@code stageClasses < 1}
     * @throws IllegalArgumentException if a label is negative
     */
    public static int[] order(int[] labels, StreamOrder order, int stageClasses, SeededRandom random) {
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
            case IID -> {
                int[] result = identity(n);
                random.shuffle(result);
                yield result;
            }
            case CLASS_INCREMENTAL -> classIncremental(labels, stageClasses, random);
        };
    }

    /**
     * The indices of a dataset split in stream order: {@link #order(int[], StreamOrder, int, SeededRandom)}
     * over its labels.
     *
     * @param data the split
     * @param order the ordering
     * @param stageClasses classes per class-incremental stage, {@code >= 1}
     * @param random the generator shuffles draw from; advanced
     * @return a fresh array holding a permutation of {@code 0..data.size()-1}
     * @throws ConfigurationException if {@code stageClasses < 1}
     */
    public static int[] order(DatasetSplit data, StreamOrder order, int stageClasses, SeededRandom random) {
        return order(Objects.requireNonNull(data, "data").labels(), order, stageClasses, random);
    }

    private static int[] identity(int n) {
        int[] result = new int[n];
        for (int i = 0; i < n; i++) {
            result[i] = i;
        }
        return result;
    }

    private static int[] classIncremental(int[] labels, int stageClasses, SeededRandom random) {
        int maxLabel = -1;
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0) {
                throw new IllegalArgumentException("label of example " + i + " was " + labels[i] + " but must be >= 0");
            }
            maxLabel = Math.max(maxLabel, labels[i]);
        }
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
        // Stages over the classes that occur; each stage is a contiguous range of the sorted array.
        int classesInStage = 0;
        int stageStart = 0;
        for (int c = 0; c <= maxLabel; c++) {
            if (start[c + 1] == start[c]) {
                continue;
            }
            classesInStage++;
            if (classesInStage == stageClasses) {
                random.shuffle(result, stageStart, start[c + 1]);
                stageStart = start[c + 1];
                classesInStage = 0;
            }
        }
        random.shuffle(result, stageStart, result.length);
        return result;
    }
}
