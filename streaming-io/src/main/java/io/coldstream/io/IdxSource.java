package io.coldstream.io;

import io.coldstream.core.Example;
import io.coldstream.core.SeededRandom;
import io.coldstream.core.Shape;
import io.coldstream.core.StreamPosition;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * Streams a {@link DatasetSplit} (such as an {@link IdxDataset}) in a given order, at most
 * {@code limit} examples: a {@link #bounded()} source.
 *
 * <p>The example at stream index {@code i} (0-based, in stream order) is
 * {@code data.example(order[i], new StreamPosition(partitionName, i))}: its id is its index in
 * the split, its position its index in the stream. To resume after a checkpoint that recorded
 * position {@code p}, rebuild the source with the same order and {@link #seek(Map) seek} with
 * the checkpoint's positions (the same as {@link #seek(long) seek(p + 1)}). {@link #commit} does
 * nothing: the position lives in the checkpoint alone.
 *
 * <p>The split is read through its {@link DatasetSplit#streamInOrder reader}, opened at the first
 * {@link #next()} and again after a {@link #seek(long) seek} elsewhere, and closed with the
 * source: a split held in memory copies each example then; an {@link ImageFolderSplit} decodes
 * the coming examples on background threads. An example that cannot be decoded (an image file
 * that is not an image) goes to the bad-record handler ({@link #withBadRecords}, by default
 * {@link BadRecordHandlers#fail()}) and, when skipped, is passed over: its stream index counts in
 * {@link #emitted()} and {@link #lastPositions()}, but no example is returned for it.
 *
 * <p>Each call to {@link #next()} allocates the returned example (its pixel array, as
 * {@link Example} requires) and nothing else. Not thread-safe.
 */
public final class IdxSource implements ExampleSource {

    private final DatasetSplit data;
    private final int[] order;
    private final int end;
    private final String partitionName;
    private final String orderName;
    private final BadRecordHandler badRecords;
    private long next;
    private boolean closed;
    private SplitReader reader;

    /**
     * @param data the dataset
     * @param order indices into {@code data} in stream order, each in {@code [0, data.size())};
     *     copied. Usually from {@link StreamOrders#order}
     * @param limit the most examples to stream; {@code <= 0} streams the whole order
     * @param partitionName the partition name of every {@link StreamPosition}, not blank
     */
    public IdxSource(DatasetSplit data, int[] order, long limit, String partitionName) {
        this(data, order, limit, partitionName, "given order");
    }

    private IdxSource(DatasetSplit data, int[] order, long limit, String partitionName, String orderName) {
        this.data = Objects.requireNonNull(data, "data");
        this.order = Objects.requireNonNull(order, "order").clone();
        Objects.requireNonNull(partitionName, "partitionName");
        if (partitionName.isBlank()) {
            throw new IllegalArgumentException("partition name must not be blank");
        }
        for (int i = 0; i < this.order.length; i++) {
            if (this.order[i] < 0 || this.order[i] >= data.size()) {
                throw new IllegalArgumentException("order[" + i + "] was " + this.order[i]
                        + " but must be an index in [0, " + data.size() + ")");
            }
        }
        this.end = limit <= 0 ? this.order.length : (int) Math.min(limit, this.order.length);
        this.partitionName = partitionName;
        this.orderName = orderName;
        this.badRecords = BadRecordHandlers.fail();
    }

    private IdxSource(IdxSource source, BadRecordHandler badRecords) {
        this.data = source.data;
        this.order = source.order;
        this.end = source.end;
        this.partitionName = source.partitionName;
        this.orderName = source.orderName;
        this.badRecords = Objects.requireNonNull(badRecords, "badRecords");
    }

    /**
     * @param handler where examples that cannot be decoded go (the run's handler); not closed by
     *     the source
     * @return a source of the same split, order and limit, at the start of the stream, that gives
     *     such examples to {@code handler}; this source is left as it is
     */
    public IdxSource withBadRecords(BadRecordHandler handler) {
        return new IdxSource(this, handler);
    }

    /**
     * Streams {@code data} in the given ordering.
     *
     * @param data the dataset split; its {@link DatasetSplit#taskClassOffsets() tasks} are the
     *     stages of a {@code multi-task} order
     * @param order the ordering
     * @param stageClasses classes per class-incremental stage, {@code >= 1} (see {@link StreamOrders#order})
     * @param random the generator the ordering draws from; advanced
     * @param limit the most examples to stream; {@code <= 0} streams all. A limited class-incremental
     *     stream, or multi-task stream of several tasks, is a seeded random subset of {@code limit}
     *     examples arranged in stages, so every class (every task) still arrives
     * @param partitionName the partition name of every {@link StreamPosition}, not blank
     * @return the source
     */
    public static IdxSource ordered(DatasetSplit data, StreamOrder order, int stageClasses, SeededRandom random,
            long limit, String partitionName) {
        int[] tasks = data.taskClassOffsets();
        String name = switch (order) {
            case CLASS_INCREMENTAL -> order.cliName() + ", " + stageClasses + " class" + (stageClasses == 1 ? "" : "es")
                    + " per stage";
            case MULTI_TASK -> order.cliName() + ", " + tasks.length + " task" + (tasks.length == 1 ? "" : "s");
            default -> order.cliName();
        };
        if (subsetted(order, limit, data.size(), tasks.length)) {
            name += ", over a seeded subset of " + limit;
        }
        return new IdxSource(data, arrangement(data, order, stageClasses, random, limit), limit, partitionName, name);
    }

    /**
     * The indices {@link #ordered} streams, without opening a source: for a caller that plans
     * around the stream (which example arrives when), such as a benchmark's stage boundaries.
     *
     * @param data the dataset split
     * @param order the ordering
     * @param stageClasses classes per class-incremental stage, {@code >= 1}
     * @param random the generator the ordering draws from; advanced exactly as {@link #ordered} advances it
     * @param limit the most examples; {@code <= 0} all
     * @return a fresh array of the indices into {@code data} in stream order, at most {@code limit}
     *     long: element {@code i} is the id of the example {@link #ordered} streams at index {@code i}
     */
    public static int[] streamOrder(DatasetSplit data, StreamOrder order, int stageClasses, SeededRandom random,
            long limit) {
        int[] indices = arrangement(data, order, stageClasses, random, limit);
        return limit > 0 && limit < indices.length ? Arrays.copyOf(indices, (int) limit) : indices;
    }

    /**
     * Whether a limited stream is a seeded subset arranged in stages rather than the full order cut
     * short: a class-incremental one, or a multi-task one of several tasks (over one task it is
     * exactly the iid order, limit included).
     */
    private static boolean subsetted(StreamOrder order, long limit, int size, int tasks) {
        return staged(order, tasks) && limit > 0 && limit < size;
    }

    /**
     * Whether {@code order} over a split of {@code tasks} tasks arranges its examples in stages, so
     * that a limited stream of it is a seeded subset of {@code limit} examples rather than the full
     * order cut short: another limit is then another stream (which a resume must refuse).
     *
     * @param order the ordering
     * @param tasks the split's task count ({@link DatasetSplit#taskClassOffsets()}'s length)
     * @return {@code true} for class-incremental, and for multi-task over several tasks
     */
    public static boolean staged(StreamOrder order, int tasks) {
        return order == StreamOrder.CLASS_INCREMENTAL || order == StreamOrder.MULTI_TASK && tasks > 1;
    }

    private static int[] arrangement(DatasetSplit data, StreamOrder order, int stageClasses, SeededRandom random,
            long limit) {
        int[] labels = data.labels();
        int[] tasks = data.taskClassOffsets();
        if (!subsetted(order, limit, labels.length, tasks.length)) {
            return StreamOrders.order(labels, order, stageClasses, tasks, random);
        }
        // A limited staged stream is a seeded random subset of `limit` examples arranged in stages, so
        // that every class still arrives; cutting the full arrangement short would stream only the
        // first stages' classes.
        int[] subset = Arrays.copyOf(StreamOrders.order(labels, StreamOrder.IID, stageClasses, random), (int) limit);
        int[] subsetLabels = new int[subset.length];
        for (int i = 0; i < subset.length; i++) {
            subsetLabels[i] = labels[subset[i]];
        }
        int[] local = StreamOrders.order(subsetLabels, order, stageClasses, tasks, random);
        int[] indices = new int[local.length];
        for (int i = 0; i < local.length; i++) {
            indices[i] = subset[local[i]];
        }
        return indices;
    }

    /**
     * @return the next example in stream order, or {@code null} once {@code limit} examples (or
     *     the whole order) have been returned or passed over
     * @throws IllegalStateException if the source is closed
     * @throws io.coldstream.core.DataException from the bad-record handler (the {@code fail}
     *     policy) at an example that cannot be decoded
     */
    @Override
    public Example next() {
        if (closed) {
            throw new IllegalStateException("source " + describe() + " is closed");
        }
        if (next >= end) {
            return null;
        }
        while (next < end) {
            if (reader == null) {
                reader = data.streamInOrder(order, (int) next, end);
            }
            StreamPosition position = new StreamPosition(partitionName, next);
            next++; // the reader moves on by one whether it returns or throws
            Example example = reader.next(position, badRecords);
            if (example != null) {
                return example;
            }
        }
        return null;
    }

    /** @return examples left before the end or the limit */
    @Override
    public OptionalLong remaining() {
        return OptionalLong.of(end - next);
    }

    /**
     * @return {@code {partitionName: emitted() - 1}}, or empty while {@link #emitted()} is 0
     */
    @Override
    public Map<String, Long> lastPositions() {
        return next == 0 ? Map.of() : Map.of(partitionName, next - 1);
    }

    /**
     * Resumes after this source's partition in {@code lastIncluded}: {@link #seek(long)
     * seek(offset + 1)}, or {@code seek(0)} when the map does not name it. Other partitions are
     * ignored.
     *
     * @param lastIncluded per partition, the offset of the last example a checkpoint includes
     * @throws IllegalArgumentException if the offset is at or past the end of this stream's order
     *     (a checkpoint of a longer stream)
     */
    @Override
    public void seek(Map<String, Long> lastIncluded) {
        Long last = lastIncluded.get(partitionName);
        seek(last == null ? 0 : last + 1);
    }

    /** @return {@code true}: {@code null} from {@link #next()} means the order (or the limit) is exhausted */
    @Override
    public boolean bounded() {
        return true;
    }

    /**
     * Moves the stream so that the next example returned is the one at stream index
     * {@code nextOffset}.
     *
     * @param nextOffset in {@code [0, streamLength()]}; {@code streamLength()} leaves nothing to read
     */
    public void seek(long nextOffset) {
        if (nextOffset < 0 || nextOffset > end) {
            throw new IllegalArgumentException("seek offset was " + nextOffset + " but must be in [0, " + end + "]");
        }
        if (nextOffset != next && reader != null) {
            reader.close();
            reader = null;
        }
        next = nextOffset;
    }

    /** @return the stream index of the next example: how many examples have been passed, counting seeks */
    public long emitted() {
        return next;
    }

    /** @return how many examples the whole stream holds: the order's length, capped by the limit */
    public long streamLength() {
        return end;
    }

    @Override
    public Shape shape() {
        return data.shape();
    }

    @Override
    public int numClasses() {
        return data.numClasses();
    }

    /**
     * @return the split's {@link DatasetSplit#describe()} and the order, such as
     *     {@code "idx:/usr/share/datasets/fashion-mnist (iid, 60000 examples)"}
     */
    @Override
    public java.util.OptionalDouble decodeImagesPerSecond() {
        long images = data.decodedImages();
        long nanos = data.decodeNanos();
        return images == 0 || nanos == 0 ? java.util.OptionalDouble.empty()
                : java.util.OptionalDouble.of(images * 1e9 / nanos);
    }

    @Override
    public String describe() {
        return data.describe() + " (" + orderName + ", " + end + " examples)";
    }

    /**
     * Marks the source closed and closes the split's reader (stopping its decoding threads); the
     * dataset stays in memory for whoever else holds it.
     */
    @Override
    public void close() {
        closed = true;
        if (reader != null) {
            reader.close();
            reader = null;
        }
    }

    @Override
    public String toString() {
        return "IdxSource[" + describe() + ", next=" + next + "]";
    }
}
