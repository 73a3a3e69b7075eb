package io.coldstream.io;

import io.coldstream.core.DataException;
import io.coldstream.core.Example;
import java.nio.file.Path;
import java.util.Objects;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Appends records to a Chronicle Queue (the embedded durable log) in a folder, one Chronicle
 * document per record holding exactly the record's bytes. The position of a written record is
 * its queue index ({@link #lastIndexWritten()}), the position a {@link QueueSource} reports for it.
 *
 * <p>Appends go to memory-mapped files, so they survive a crash of this process as soon as
 * {@link #write} returns; {@link #sync()} and {@link #close()} also force them to disk, so that
 * they survive a crash of the machine. A {@link QueueSource} may tail the same folder at the same
 * time, in this process or another.
 *
 * <p>Writing an example encodes it into a reused buffer: no allocation per record once the
 * buffer has grown to the largest record. Not thread-safe: one writing thread (which need not be
 * the thread that built the sink).
 */
public final class QueueSink implements ExampleSink {

    static {
        ChronicleProperties.apply();
    }

    private final Path dir;
    private final SingleChronicleQueue queue;
    private final ExcerptAppender appender;
    private byte[] buffer = new byte[1024];
    private long written;
    private long lastIndex = -1;
    private boolean closed;

    /**
     * Opens the queue in {@code dir} for appending, creating the folder and the queue if needed;
     * records already there stay, and new ones follow them.
     *
     * @param dir the queue folder
     * @throws DataException if the folder cannot be created or the queue cannot be opened
     */
    public QueueSink(Path dir) {
        this.dir = Objects.requireNonNull(dir, "dir");
        this.queue = ChronicleQueues.openForWriting(dir, "queue sink");
        try {
            this.appender = queue.createAppender();
            appender.singleThreadedCheckDisabled(true);
        } catch (RuntimeException e) {
            queue.close();
            throw new DataException("could not append to the Chronicle Queue in " + dir + ": " + e, e);
        }
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalStateException if the sink is closed
     */
    @Override
    public void write(Example e) {
        Objects.requireNonNull(e, "e");
        int length = ExampleCodec.encodedLength(e);
        if (buffer.length < length) {
            buffer = new byte[Math.max(length, 2 * buffer.length)];
        }
        ExampleCodec.encode(e, buffer, 0);
        append(buffer, length);
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException if the record is empty (a Chronicle document cannot hold
     *     zero bytes: it would read back as one padding byte)
     * @throws IllegalStateException if the sink is closed
     */
    @Override
    public void writeRecord(byte[] record) {
        Objects.requireNonNull(record, "record");
        if (record.length == 0) {
            throw new IllegalArgumentException("a record must hold at least one byte; the record written to "
                    + describe() + " was empty");
        }
        append(record, record.length);
    }

    private void append(byte[] bytes, int length) {
        if (closed) {
            throw new IllegalStateException("sink " + describe() + " is closed");
        }
        try (DocumentContext dc = appender.writingDocument()) {
            dc.wire().bytes().write(bytes, 0, length);
        }
        lastIndex = appender.lastIndexAppended();
        written++;
    }

    /** @return the queue index of the last record this sink wrote, or {@code -1} before the first */
    public long lastIndexWritten() {
        return lastIndex;
    }

    /** Forces every record written so far to disk (msync); a no-op once closed. */
    public void sync() {
        if (!closed) {
            appender.sync();
        }
    }

    @Override
    public long written() {
        return written;
    }

    /** @return {@code "queue:<folder>"} */
    @Override
    public String describe() {
        return "queue:" + dir;
    }

    /** Forces what was written to disk, then releases the queue's files; idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            appender.sync();
        } finally {
            appender.close();
            queue.close();
        }
    }

    @Override
    public String toString() {
        return "QueueSink[" + describe() + ", written=" + written + "]";
    }
}
