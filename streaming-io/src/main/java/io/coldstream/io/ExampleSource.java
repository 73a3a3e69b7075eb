package io.coldstream.io;

import io.coldstream.core.Example;
import io.coldstream.core.Shape;
import java.util.OptionalLong;

/**
 * A stream of labelled examples, pulled one at a time by the trainer.
 *
 * <p>Each example carries its {@link io.coldstream.core.StreamPosition}, so that a checkpoint can
 * record where the stream stood. A bounded source (a file) returns {@code null} once exhausted;
 * an unbounded one (a Kafka topic) blocks or returns {@code null} when nothing has arrived,
 * as its own documentation says.
 *
 * <p>Not thread-safe: one source belongs to one reading thread.
 */
public interface ExampleSource extends AutoCloseable {

    /**
     * Pulls the next example.
     *
     * @return the next example, or {@code null} once a bounded source is exhausted
     */
    Example next();

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
