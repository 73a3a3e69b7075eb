package io.coldstream.bench;

import io.coldstream.core.ConfigurationException;
import io.coldstream.core.SeededRandom;
import io.coldstream.io.DatasetSplit;
import io.coldstream.io.IdxSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One scenario's stream, known before it is trained on: the train-split indices in stream order
 * (exactly those the trainer streams: the same order, seed derivation and limit as
 * {@code TrainerParts}), where each stage ends, which group (stage of classes, or task) each class
 * belongs to and which classes have been seen after each stage. Read by the stream methods' probe
 * (to evaluate at stage ends, and to check the trainer streams this very order) and by the offline
 * baseline (to train on the same examples). Immutable.
 */
final class StreamPlan {

    /** Train-split indices in stream order. */
    final int[] order;
    /** Labels in stream order. */
    final int[] labels;
    /** The exclusive end (a stream index) of each stage, ascending; the last is {@code order.length}. */
    final long[] stageEnds;
    /** The group of each class: its class-incremental stage, its task, or 0 for iid. */
    final int[] groupOfClass;
    /** The number of groups. */
    final int groups;
    /** Which classes have been streamed by the end of each stage: {@code seenAfter[stage][class]}. */
    final boolean[][] seenAfter;

    private StreamPlan(int[] order, int[] labels, long[] stageEnds, int[] groupOfClass, int groups) {
        this.order = order;
        this.labels = labels;
        this.stageEnds = stageEnds;
        this.groupOfClass = groupOfClass;
        this.groups = groups;
        this.seenAfter = new boolean[stageEnds.length][groupOfClass.length];
        boolean[] seen = new boolean[groupOfClass.length];
        int stage = 0;
        for (int i = 0; i < labels.length; i++) {
            seen[labels[i]] = true;
            while (stage < stageEnds.length && i + 1 == stageEnds[stage]) {
                seenAfter[stage++] = seen.clone();
            }
        }
    }

    /**
     * @param train the train split
     * @param numClasses the dataset's class count (the network's head)
     * @param scenario the scenario
     * @param stageClasses classes per class-incremental stage
     * @param evalStages evaluation points of an iid stream, {@code >= 1}
     * @param taskClassOffsets the first class of each task (multi-task); {@code {0}} for one dataset
     * @param seed the run's seed ({@code --seed}): the order is drawn from its {@code order} derivation
     * @param limit {@code --limit}; {@code <= 0} the whole split
     * @return the plan
     * @throws ConfigurationException if a class of the dataset never arrives in the stream (a limit
     *     too small for the scenario), or a stage would be empty
     */
    static StreamPlan of(DatasetSplit train, int numClasses, Scenario scenario, int stageClasses, int evalStages,
            int[] taskClassOffsets, long seed, long limit) {
        int[] order = IdxSource.streamOrder(train, scenario.order(), stageClasses,
                new SeededRandom(seed).derive("order"), limit);
        int[] labels = new int[order.length];
        boolean[] present = new boolean[numClasses];
        for (int i = 0; i < order.length; i++) {
            labels[i] = train.label(order[i]);
            present[labels[i]] = true;
        }
        List<Integer> missing = new ArrayList<>();
        for (int c = 0; c < numClasses; c++) {
            if (!present[c]) {
                missing.add(c);
            }
        }
        if (!missing.isEmpty()) {
            throw new ConfigurationException("the " + scenario.cliName() + " stream of " + order.length
                    + " examples never shows class" + (missing.size() == 1 ? " " : "es ") + abbreviate(missing)
                    + (limit > 0 && limit < train.size() ? "; a benchmark evaluates every class, so raise --limit (0 ="
                            + " the whole split)" : "; the train split holds none of its examples, and a benchmark"
                            + " evaluates every class of the dataset"));
        }
        int[] groupOfClass = new int[numClasses];
        int groups;
        long[] stageEnds;
        switch (scenario) {
            case IID -> {
                groups = 1;
                if (evalStages < 1 || evalStages > order.length) {
                    throw new ConfigurationException("evaluation stages were " + evalStages + " but must be in [1, "
                            + order.length + "] (the stream's length)");
                }
                stageEnds = new long[evalStages];
                for (int s = 0; s < evalStages; s++) {
                    stageEnds[s] = (long) order.length * (s + 1) / evalStages;
                }
            }
            case CLASS_INCREMENTAL -> {
                for (int c = 0; c < numClasses; c++) {
                    groupOfClass[c] = c / stageClasses; // every class is present: rank = label
                }
                groups = (numClasses + stageClasses - 1) / stageClasses;
                stageEnds = groupEnds(labels, groupOfClass, groups);
            }
            case MULTI_TASK -> {
                if (taskClassOffsets.length < 2) {
                    throw new ConfigurationException("scenario multi-task needs several datasets (--data A,B,...)"
                            + " but the dataset is one; use iid or class-incremental for a single dataset");
                }
                groups = taskClassOffsets.length;
                for (int c = 0; c < numClasses; c++) {
                    int task = 0;
                    while (task + 1 < taskClassOffsets.length && taskClassOffsets[task + 1] <= c) {
                        task++;
                    }
                    groupOfClass[c] = task;
                }
                stageEnds = groupEnds(labels, groupOfClass, groups);
            }
            default -> throw new IllegalStateException("unknown scenario " + scenario);
        }
        return new StreamPlan(order, labels, stageEnds, groupOfClass, groups);
    }

    /** Stage ends where the stream's group changes; the groups must arrive in order 0, 1, 2, ... */
    private static long[] groupEnds(int[] labels, int[] groupOfClass, int groups) {
        long[] ends = new long[groups];
        int current = 0;
        for (int i = 0; i < labels.length; i++) {
            int g = groupOfClass[labels[i]];
            if (g < current || g > current + 1) {
                throw new IllegalStateException("stream index " + i + " is in group " + g + " after group "
                        + current + "; the order does not arrive in stages");
            }
            if (g == current + 1) {
                ends[current] = i;
                current = g;
            }
        }
        ends[current] = labels.length;
        if (current != groups - 1) {
            throw new IllegalStateException("the stream ended in group " + current + " of " + groups);
        }
        return ends;
    }

    /** @return the stage a stream index belongs to */
    int stageOf(long streamIndex) {
        for (int s = 0; s < stageEnds.length; s++) {
            if (streamIndex < stageEnds[s]) {
                return s;
            }
        }
        return stageEnds.length - 1;
    }

    /** @return the number of stages */
    int stages() {
        return stageEnds.length;
    }

    private static String abbreviate(List<Integer> classes) {
        return classes.size() <= 10 ? classes.toString()
                : classes.subList(0, 10) + " and " + (classes.size() - 10) + " more";
    }

    @Override
    public String toString() {
        return "StreamPlan[" + order.length + " examples, stage ends " + Arrays.toString(stageEnds) + ", " + groups
                + " groups]";
    }
}
