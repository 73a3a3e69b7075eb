package io.coldstream.io;

import io.coldstream.core.Example;
import io.coldstream.core.StreamPosition;

/**
 * Reads a {@link DatasetSplit}'s examples in a stream order, one after the other: what
 * {@link DatasetSplit#streamInOrder} returns and {@link IdxSource} reads from. A split held in
 * memory copies each example when asked; a split that decodes its examples from files (an
 * {@link ImageFolderSplit}) decodes the coming ones on background threads, so that the reading
 * thread finds them ready.
 *
 * <p>One reading thread calls {@link #next}; {@link #close} may come from any thread.
 */
public interface SplitReader extends AutoCloseable {

    /**
     * Reads the example at the next index of the order, and moves on by one, whether it returns or
     * throws.
     *
     * @param position where the example sits in its stream; becomes its position
     * @param badRecords receives the example's raw record, with a {@link BadRecordException}, when
     *     the example cannot be decoded (an image file that is not an image)
     * @return the example, with a fresh pixel array of its own; {@code null} when it could not be
     *     decoded and {@code badRecords} skipped it
     * @throws io.coldstream.core.DataException from {@code badRecords} (the {@code fail} policy), or
     *     if a background decoder failed
     * @throws java.util.NoSuchElementException if the reader is past the end of its range
     * @throws IllegalStateException if the reader is closed
     */
    Example next(StreamPosition position, BadRecordHandler badRecords);

    /** Stops whatever the reader runs in the background; idempotent; the split stays usable. */
    @Override
    void close();
}
