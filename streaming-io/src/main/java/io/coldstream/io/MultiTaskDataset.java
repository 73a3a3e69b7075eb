package io.coldstream.io;

import io.coldstream.core.ConfigurationException;
import io.coldstream.core.Example;
import io.coldstream.core.Shape;
import io.coldstream.core.StreamPosition;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Several datasets as one, a task each ({@code --data A,B,...}, see {@link Datasets#open}): the
 * train split is the tasks' train splits one after another, the test split their test splits
 * likewise, and the labels share one output head, task {@code t}'s offset by the classes of the
 * tasks before it (task 0 has labels {@code 0..n0-1}, task 1 {@code n0..n0+n1-1}, ...;
 * {@link #taskClassOffsets()} gives {@code {0, n0, n0+n1, ...}}).
 *
 * <p>Every example is brought to one shape: the largest channel count, the largest height and
 * the largest width over the tasks. A task of one channel is replicated to the others (greyscale
 * to RGB); a task of another count that differs is refused. Smaller images are enlarged bilinearly
 * ({@link BilinearResize}), on each {@link DatasetSplit#copyPixels} call, into the caller's array
 * (through one scratch array per thread and task, allocated on that thread's first call).
 * {@link #describe()} says what was done to each task.
 *
 * <p>To fix each task's class count and shape, the first call to {@link #shape()},
 * {@link #numClasses()}, {@link #train()} or {@link #test()} reads both splits of every task, test
 * split first. {@link StreamOrder#MULTI_TASK} streams the tasks in sequence;
 * {@link StreamOrder#CLASS_INCREMENTAL} works too, in stages of classes across the shared head.
 * Safe to share between threads.
 */
public final class MultiTaskDataset implements Dataset {

    /** The name of the train split: the tasks' train splits. */
    public static final String TRAIN_SPLIT = "train";
    /** The name of the test split: the tasks' test splits. */
    public static final String TEST_SPLIT = "test";

    private final List<Dataset> tasks;
    private final String name;
    private Layout layout;
    private DatasetSplit train;
    private DatasetSplit test;

    /**
     * @param tasks the tasks, in stream order; at least one. Not read until first needed
     */
    public MultiTaskDataset(List<Dataset> tasks) {
        Objects.requireNonNull(tasks, "tasks");
        if (tasks.isEmpty()) {
            throw new IllegalArgumentException("a multi-task dataset needs at least one task");
        }
        this.tasks = List.copyOf(tasks);
        List<String> names = new ArrayList<>();
        for (Dataset task : this.tasks) {
            names.add(task.name());
        }
        this.name = String.join(",", names);
    }

    /** @return the tasks' names, comma-separated: the spec of the dataset */
    @Override
    public String name() {
        return name;
    }

    /** @return the largest channel count, height and width over the tasks */
    @Override
    public Shape shape() {
        return layout().shape;
    }

    /** @return the classes of every task together */
    @Override
    public int numClasses() {
        int[] offsets = layout().offsets;
        return offsets[offsets.length - 1];
    }

    @Override
    public synchronized DatasetSplit train() {
        if (train == null) {
            List<DatasetSplit> parts = new ArrayList<>();
            for (Dataset task : tasks) {
                parts.add(task.train());
            }
            train = new Split(TRAIN_SPLIT, parts, layout());
        }
        return train;
    }

    @Override
    public synchronized DatasetSplit test() {
        if (test == null) {
            List<DatasetSplit> parts = new ArrayList<>();
            for (Dataset task : tasks) {
                parts.add(task.test());
            }
            test = new Split(TEST_SPLIT, parts, layout());
        }
        return test;
    }

    /** @return the tasks, in stream order */
    public List<Dataset> tasks() {
        return tasks;
    }

    /** @return how many tasks there are */
    public int taskCount() {
        return tasks.size();
    }

    /**
     * @return a fresh array of {@code taskCount()} class offsets, the first class of each task:
     *     task {@code t} owns the labels {@code [offsets[t], offsets[t + 1])}, the last task those
     *     from its offset up to {@link #numClasses()}
     */
    @Override
    public int[] taskClassOffsets() {
        return firstClasses(layout().offsets);
    }

    /** The first class of each task: all but the last of the task boundaries. */
    private static int[] firstClasses(int[] boundaries) {
        return Arrays.copyOf(boundaries, boundaries.length - 1);
    }

    /**
     * @param label a label of the shared head, {@code [0, numClasses())}
     * @return the task it belongs to
     * @throws IllegalArgumentException if the label is outside the head
     */
    public int taskOf(int label) {
        int[] offsets = layout().offsets;
        if (label < 0 || label >= offsets[offsets.length - 1]) {
            throw new IllegalArgumentException("label was " + label + " but must be in [0, "
                    + offsets[offsets.length - 1] + ")");
        }
        int t = Arrays.binarySearch(offsets, label);
        return t >= 0 ? t : -t - 2;
    }

    /**
     * @return one clause per task, such as {@code "task 0 idx:/data/fm 1x28x28 -> 3x32x32 (channels
     *     replicated, resized), classes 0-9; task 1 cifar100:/data/c 3x32x32, classes 10-109"}
     */
    public String describe() {
        return layout().description;
    }

    @Override
    public synchronized String toString() {
        return "MultiTaskDataset[" + name + ", " + tasks.size() + " tasks]";
    }

    private synchronized Layout layout() {
        if (layout == null) {
            layout = new Layout(tasks);
        }
        return layout;
    }

    /** Each task's class offset and shape, and the shape they are brought to. */
    private static final class Layout {

        /** Task t's classes are [offsets[t], offsets[t + 1]); the last is the number of classes. */
        final int[] offsets;
        final Shape[] shapes;
        final Shape shape;
        final String description;

        Layout(List<Dataset> tasks) {
            int n = tasks.size();
            offsets = new int[n + 1];
            shapes = new Shape[n];
            int channels = 0;
            int height = 0;
            int width = 0;
            for (int t = 0; t < n; t++) {
                Dataset task = tasks.get(t);
                task.test();
                task.train();
                shapes[t] = task.shape();
                long next = (long) offsets[t] + task.numClasses();
                if (next > Integer.MAX_VALUE) {
                    throw new ConfigurationException("data: the tasks have more than " + Integer.MAX_VALUE
                            + " classes together");
                }
                offsets[t + 1] = (int) next;
                channels = Math.max(channels, shapes[t].channels());
                height = Math.max(height, shapes[t].height());
                width = Math.max(width, shapes[t].width());
            }
            shape = new Shape(channels, height, width);
            List<String> problems = new ArrayList<>();
            List<String> clauses = new ArrayList<>();
            for (int t = 0; t < n; t++) {
                Shape s = shapes[t];
                if (s.channels() != channels && s.channels() != 1) {
                    problems.add("data: task " + t + " (" + tasks.get(t).name() + ") has " + s.channels()
                            + " channels but the tasks are brought to " + channels + " channels, which only a"
                            + " task of 1 or " + channels + " channels can be (greyscale is replicated)");
                }
                List<String> done = new ArrayList<>();
                if (s.channels() != channels) {
                    done.add("channels replicated");
                }
                if (s.height() != height || s.width() != width) {
                    done.add("resized");
                }
                clauses.add("task " + t + " " + tasks.get(t).name() + " " + s
                        + (done.isEmpty() ? "" : " -> " + shape + " (" + String.join(", ", done) + ")")
                        + ", classes " + offsets[t] + "-" + (offsets[t + 1] - 1));
            }
            if (!problems.isEmpty()) {
                throw new ConfigurationException(problems);
            }
            description = String.join("; ", clauses);
        }
    }

    /** The tasks' splits one after another, labels offset, pixels brought to one shape. */
    private static final class Split implements DatasetSplit {

        private final String name;
        private final DatasetSplit[] parts;
        private final int[] starts;
        private final int[] offsets;
        private final Shape shape;
        private final Conversion[] conversions;
        private final String location;
        private final String description;

        Split(String name, List<DatasetSplit> parts, Layout layout) {
            this.name = name;
            this.parts = parts.toArray(new DatasetSplit[0]);
            this.offsets = layout.offsets;
            this.shape = layout.shape;
            this.starts = new int[this.parts.length + 1];
            this.conversions = new Conversion[this.parts.length];
            List<String> locations = new ArrayList<>();
            for (int t = 0; t < this.parts.length; t++) {
                DatasetSplit part = this.parts[t];
                long next = (long) starts[t] + part.size();
                if (next > Integer.MAX_VALUE - 8) {
                    throw new ConfigurationException("data: the tasks' " + name + " splits hold more than "
                            + (Integer.MAX_VALUE - 8) + " examples together");
                }
                starts[t + 1] = (int) next;
                if (!part.shape().equals(layout.shapes[t])) {
                    throw new ConfigurationException("data: task " + t + "'s " + part.name() + " split has examples"
                            + " of " + part.shape() + " but the task's shape is " + layout.shapes[t]
                            + "; both splits must have one shape");
                }
                conversions[t] = part.shape().equals(shape) ? null : new Conversion(part.shape(), shape);
                locations.add(part.location());
            }
            this.location = String.join(",", locations);
            this.description = "multi-task: " + layout.description;
        }

        @Override
        public String name() {
            return name;
        }

        /** @return the tasks' split locations, comma-separated */
        @Override
        public String location() {
            return location;
        }

        @Override
        public int size() {
            return starts[parts.length];
        }

        @Override
        public Shape shape() {
            return shape;
        }

        @Override
        public int numClasses() {
            return offsets[offsets.length - 1];
        }

        @Override
        public long decodedImages() {
            return Arrays.stream(parts).mapToLong(DatasetSplit::decodedImages).sum();
        }

        @Override
        public long decodeNanos() {
            return Arrays.stream(parts).mapToLong(DatasetSplit::decodeNanos).sum();
        }

        private int task(int index) {
            Objects.checkIndex(index, size());
            int t = Arrays.binarySearch(starts, index);
            if (t < 0) {
                return -t - 2;
            }
            while (t + 1 < parts.length && starts[t + 1] == index) {
                t++; // skip tasks with an empty split (a split is never empty, but stay safe)
            }
            return t;
        }

        @Override
        public int label(int index) {
            int t = task(index);
            return offsets[t] + parts[t].label(index - starts[t]);
        }

        @Override
        public int[] labels() {
            int[] result = new int[size()];
            for (int t = 0; t < parts.length; t++) {
                int[] local = parts[t].labels();
                for (int i = 0; i < local.length; i++) {
                    result[starts[t] + i] = offsets[t] + local[i];
                }
            }
            return result;
        }

        @Override
        public void copyPixels(int index, byte[] dst, int dstOffset) {
            int t = task(index);
            Objects.checkFromIndexSize(dstOffset, shape.elementCount(), dst.length);
            if (conversions[t] == null) {
                parts[t].copyPixels(index - starts[t], dst, dstOffset);
            } else {
                conversions[t].copy(parts[t], index - starts[t], dst, dstOffset);
            }
        }

        @Override
        public Example example(int index, StreamPosition position) {
            byte[] copy = new byte[shape.elementCount()];
            copyPixels(index, copy, 0);
            return new Example(index, label(index), shape, copy, position);
        }

        /** @return every task's names, in label order, when every task has them */
        @Override
        public Optional<List<String>> labelNames() {
            List<String> names = new ArrayList<>();
            for (DatasetSplit part : parts) {
                Optional<List<String>> own = part.labelNames();
                if (own.isEmpty() || own.get().size() != part.numClasses()) {
                    return Optional.empty();
                }
                names.addAll(own.get());
            }
            return Optional.of(List.copyOf(names));
        }

        @Override
        public int[] taskClassOffsets() {
            return firstClasses(offsets);
        }

        @Override
        public String describe() {
            return description;
        }

        @Override
        public String toString() {
            return "MultiTaskDataset.Split[" + name + ", " + size() + " examples of " + shape + ", "
                    + parts.length + " tasks]";
        }
    }

    /** Brings one task's examples to the shared shape: greyscale replicated, enlarged bilinearly. */
    private static final class Conversion {

        private final Shape from;
        private final Shape to;
        private final BilinearResize resize;
        private final ThreadLocal<byte[]> scratch;

        Conversion(Shape from, Shape to) {
            this.from = from;
            this.to = to;
            boolean resized = from.height() != to.height() || from.width() != to.width();
            this.resize = resized ? new BilinearResize(from.height(), from.width(), to.height(), to.width()) : null;
            this.scratch = resized ? ThreadLocal.withInitial(() -> new byte[from.elementCount()]) : null;
        }

        void copy(DatasetSplit part, int index, byte[] dst, int dstOffset) {
            if (resize == null) {
                part.copyPixels(index, dst, dstOffset);
            } else {
                byte[] source = scratch.get();
                part.copyPixels(index, source, 0);
                resize.resize(source, 0, dst, dstOffset, from.channels());
            }
            int plane = to.planeSize();
            for (int c = from.channels(); c < to.channels(); c++) {
                System.arraycopy(dst, dstOffset, dst, dstOffset + c * plane, plane);
            }
        }
    }
}
