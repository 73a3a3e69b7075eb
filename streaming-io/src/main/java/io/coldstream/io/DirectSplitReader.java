package io.coldstream.io;

import io.coldstream.core.Example;
import io.coldstream.core.StreamPosition;
import java.util.NoSuchElementException;

/**
 * The {@link SplitReader} of a split held in memory: {@link DatasetSplit#example} on the reading
 * thread, one index of the order after the other. An example that throws a
 * {@link BadRecordException} goes to the bad-record handler, with no raw bytes.
 */
final class DirectSplitReader implements SplitReader {

    private static final byte[] NO_BYTES = new byte[0];

    private final DatasetSplit data;
    private final int[] order;
    private final int to;
    private int next;
    private boolean closed;

    /** @param order read, not copied; {@code [from, to)} is read */
    DirectSplitReader(DatasetSplit data, int[] order, int from, int to) {
        this.data = data;
        this.order = order;
        this.next = from;
        this.to = to;
    }

    @Override
    public Example next(StreamPosition position, BadRecordHandler badRecords) {
        if (closed) {
            throw new IllegalStateException("reader of " + data.location() + " is closed");
        }
        if (next >= to) {
            throw new NoSuchElementException("reader of " + data.location() + " is at the end of its range, " + to);
        }
        int index = order[next++];
        try {
            return data.example(index, position);
        } catch (BadRecordException e) {
            badRecords.handle(NO_BYTES, 0, 0, position, e);
            return null;
        }
    }

    @Override
    public void close() {
        closed = true;
    }
}
