package io.coldstream.io;

import io.coldstream.core.Example;

/**
 * Writes examples, or records already encoded, to a stream: the other end of an
 * {@link ExampleSource}. Examples are written in the {@link ExampleCodec} record format.
 *
 * <p>Not thread-safe: one sink belongs to one writing thread.
 */
public interface ExampleSink extends AutoCloseable {

    /**
     * Appends one example as a uint8 tensor record that carries its id ({@link ExampleCodec#encode}).
     *
     * @param e the example; its position is not written (the stream gives it a new one)
     */
    void write(Example e);

    /**
     * Appends one record as it is, unchecked: for records encoded elsewhere (float32 tensors,
     * images), and for tests that need bad records in a stream.
     *
     * @param record the record's bytes; not kept after the call
     */
    void writeRecord(byte[] record);

    /** @return records this sink has written since it was opened */
    long written();

    /** @return a short description for logs, such as {@code "queue:/data/stream"} */
    String describe();

    /** Makes what was written durable and releases the sink; idempotent; throws no checked exception. */
    @Override
    void close();
}
