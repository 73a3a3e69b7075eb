package io.coldstream.io;

import io.coldstream.core.Example;
import io.coldstream.core.Shape;
import java.util.Map;
import java.util.OptionalLong;

/**
 * A stream of labelled examples, pulled one at a time by the trainer. A source owns its protocol:
 * where it stands ({@link #lastPositions()}), how to resume from a checkpoint ({@link #seek}),
 * what to tell the stream once a checkpoint is durable ({@link #commit}), and what a {@code null}
 * from {@link #next()} means ({@link #bounded()}). Open one from a spec with {@link Sources#open}.
 *
 * <p>Each example carries its {@link io.coldstream.core.StreamPosition}: a partition name and an
 * offset in that partition, increasing within the partition. Partition names are the source's
 * own: {@code "train"} for a dataset's train split (offsets are stream indices 0, 1, 2, ...),
 * {@code "queue"} for a Chronicle Queue (offsets are queue indices), {@code "topic-p"} for Kafka
 * partition {@code p} (offsets are Kafka offsets). A position map, as {@link #lastPositions()}
 * returns and {@link #seek} and {@link #commit} take, holds per partition the offset of the last
 * example included; that is what a checkpoint saves.
 *
 * <p>Not thread-safe: one source belongs to one reading thread, which calls every method but
 * {@link #close()} (a source's own documentation may let another thread close it).
 */
public interface ExampleSource extends AutoCloseable {

    /**
     * Pulls the next example.
     *
     * @return the next example; {@code null} once a {@link #bounded()} source is exhausted, or when
     *     nothing has arrived (yet) at an unbounded one, after its idle wait
     */
    Example next();

    /**
     * Where the stream stands: per partition, the offset of the last example {@link #next()} has
     * returned, or that {@link #seek} resumed after where nothing was returned since. Partitions
     * from which nothing has come are absent. Records that did not decode (see
     * {@link BadRecordHandler}) are not examples and do not count. Call it on the reading thread;
     * it allocates a small map, so call it per checkpoint rather than per example.
     *
     * @return an unmodifiable map from partition name to offset, in partition order; empty before
     *     the first example
     */
    Map<String, Long> lastPositions();

    /**
     * Resumes right after the given positions: the next example returned is, in each partition
     * named, the first one after the offset given, and in a partition not named, the partition's
     * first. An empty map reads from the start. Afterwards {@link #lastPositions()} returns the
     * positions given (for this source's partitions). Call it on the reading thread, before the
     * first {@link #next()}.
     *
     * @param lastIncluded per partition name, the offset of the last example a checkpoint includes
     *     (as {@link #lastPositions()} gave it then), each {@code >= 0}
     * @throws io.coldstream.core.DataException if the stream cannot resume there (the positions
     *     belong to another stream, or the records are gone), as the source's documentation says
     */
    void seek(Map<String, Long> lastIncluded);

    /**
     * Tells the stream that a checkpoint including these positions is durable, so that the
     * stream's own record of progress (a Kafka consumer group's committed offsets) never runs ahead
     * of a saved model. A no-op for files and queues, whose position lives in the checkpoint alone.
     * Call it on the reading thread.
     *
     * @param lastIncluded per partition name, the offset of the last example the durable
     *     checkpoint includes; partitions absent are left as they are
     */
    default void commit(Map<String, Long> lastIncluded) {
    }

    /**
     * @return {@code true} when {@link #next()} returning {@code null} means the stream has ended
     *     (a dataset read in an order); {@code false} when it means only that nothing arrived in
     *     the idle wait (a queue, a topic), so that the reader should ask again
     */
    boolean bounded();

    /**
     * @return one line per loss of stream records that a resume accepted instead of refusing (only a
     *     Kafka source told to, {@code KafkaSource#acceptLostRecords()}: records that retention deleted
     *     before they were trained on), naming the partition and the offsets; empty for every other
     *     source
     */
    default java.util.List<String> acceptedLosses() {
        return java.util.List.of();
    }

    /**
     * @return for a source that decodes images from files (an {@code imagefolder:} dataset), how many
     *     images one decoding thread has decoded per second so far; empty for every other source,
     *     and before the first image
     */
    default java.util.OptionalDouble decodeImagesPerSecond() {
        return java.util.OptionalDouble.empty();
    }

    /**
     * @return how many examples are left, if the source knows; for an unbounded stream, the
     *     backlog it can tell (records written but not read yet), else empty
     */
    OptionalLong remaining();

    /** @return the shape of every example this source returns */
    Shape shape();

    /** @return the number of classes labels are drawn from; labels lie in {@code [0, numClasses)} */
    int numClasses();

    /**
     * @return a short description for logs, such as
     *     {@code "idx:/usr/share/datasets/fashion-mnist (iid, 60000 examples)"}
     */
    String describe();

    /** Releases whatever the source holds (files, consumers); idempotent; throws no checked exception. */
    @Override
    void close();
}
