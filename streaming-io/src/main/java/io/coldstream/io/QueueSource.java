package io.coldstream.io;

import io.coldstream.core.DataException;
import io.coldstream.core.Example;
import io.coldstream.core.Shape;
import io.coldstream.core.StreamPosition;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.locks.LockSupport;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Tails a Chronicle Queue of {@link ExampleCodec} records, from its first record or from just
 * after a checkpointed index ({@link #seek(Map)}, {@link #seekAfter}). An unbounded source:
 * others may append at any time, so {@code null} from {@link #next()} never means the end.
 * {@link #commit} does nothing: the position lives in the checkpoint alone.
 *
 * <p>Each returned example has the position {@code StreamPosition("queue", index)}, where
 * {@code index} is its Chronicle queue index (cycle and sequence number in one {@code long};
 * increasing, but not by one across a roll to a new cycle file). A record that does not decode
 * goes to the {@link BadRecordHandler} and is never returned; with the {@code skip} policy the
 * source goes on with the next record.
 *
 * <p>With {@code follow = true} the source waits for records that a writer (a {@link QueueSink},
 * in this process or another) has yet to append, polling with a short park (at most 1 ms), and
 * {@link #next()} returns {@code null} only after {@link #close()} or once {@code idle} has passed
 * with nothing new. With {@code follow = false} {@link #next()} returns {@code null} at the current
 * end of the queue.
 *
 * <p>Not thread-safe: one reading thread, which need not be the thread that built the source.
 * The exception is {@link #close()}, which any thread may call to stop a {@link #next()} that is
 * waiting: that call then returns {@code null}, and the reading thread releases the queue on its
 * way out. An interrupted reading thread also makes a waiting {@link #next()} return
 * {@code null} (the interrupt flag stays set), so that a shutdown never spins. Reading a tensor record allocates only the returned example (its pixels and position)
 * once the read buffer has grown to the largest record.
 */
public final class QueueSource implements ExampleSource {

    static {
        ChronicleProperties.apply();
    }

    /** The partition name of every position this source reports. */
    public static final String PARTITION = "queue";

    private static final long MIN_PARK_NANOS = 20_000;
    private static final long MAX_PARK_NANOS = 1_000_000;

    private final Path dir;
    private final ExampleCodec codec;
    private final BadRecordHandler handler;
    private final boolean follow;
    private final long idleNanos;
    private final SingleChronicleQueue queue;
    private final ExcerptTailer tailer;
    private final ReaderGuard guard;
    private byte[] buffer = new byte[1024];
    private long documentIndex;
    private long lastIndexRead = -1;
    /** The queue index of the last example returned or sought past; -1 before any. */
    private long lastExampleIndex = -1;
    private long examples;

    /**
     * Opens the queue in {@code dir} to read from its first record.
     *
     * @param dir the queue folder; it may be empty still (a writer will fill it), but must exist
     * @param codec decodes records, and gives {@link #shape()} and {@link #numClasses()}
     * @param handler receives every record that does not decode; not closed by this source
     * @param follow whether to wait for new records at the end of the queue
     * @param idle with {@code follow}, how long to wait with nothing new before returning
     *     {@code null}; {@code null} waits until {@link #close()}. Ignored without {@code follow}
     * @throws io.coldstream.core.DatasetNotFoundException if {@code dir} does not exist
     * @throws DataException if {@code dir} holds files but no queue, or the queue cannot be opened
     */
    public QueueSource(Path dir, ExampleCodec codec, BadRecordHandler handler, boolean follow, Duration idle) {
        this.dir = Objects.requireNonNull(dir, "dir");
        this.codec = Objects.requireNonNull(codec, "codec");
        this.handler = Objects.requireNonNull(handler, "handler");
        if (idle != null && idle.isNegative()) {
            throw new IllegalArgumentException("idle was " + idle + " but must be >= 0 (or null to wait forever)");
        }
        this.follow = follow;
        this.idleNanos = idle == null ? -1 : ReaderGuard.saturatedNanos(idle);
        this.queue = ChronicleQueues.openForReading(dir, "queue source");
        try {
            this.tailer = queue.createTailer();
            tailer.singleThreadedCheckDisabled(true);
        } catch (RuntimeException e) {
            queue.close();
            throw new DataException("could not read the Chronicle Queue in " + dir + ": " + e, e);
        }
        // a tailer only polls, so there is nothing to wake: the reader sees the close within a park
        this.guard = new ReaderGuard(this::releaseNow, () -> { });
    }

    /**
     * @return the next example that decodes, or {@code null}: at the end of the queue without
     *     {@code follow}; with it, after {@code idle} with nothing new, or once closed
     * @throws DataException if the bad-record handler stops the stream ({@code fail} policy)
     */
    @Override
    public Example next() {
        if (!guard.enter()) {
            return null;
        }
        try {
            return read();
        } finally {
            guard.exit();
        }
    }

    private Example read() {
        boolean waiting = false;
        long waitStart = 0;
        long park = MIN_PARK_NANOS;
        while (guard.reading()) {
            int length = readDocument();
            if (length >= 0) {
                long index = documentIndex;
                lastIndexRead = index;
                StreamPosition position = new StreamPosition(PARTITION, index);
                try {
                    Example example = codec.decode(buffer, 0, length, position);
                    lastExampleIndex = index;
                    examples++;
                    return example;
                } catch (BadRecordException problem) {
                    handler.handle(buffer, 0, length, position, problem);
                    waiting = false;
                    park = MIN_PARK_NANOS;
                    continue;
                }
            }
            if (!follow || Thread.currentThread().isInterrupted()) {
                return null;
            }
            long now = System.nanoTime();
            if (!waiting) {
                waiting = true;
                waitStart = now;
            } else if (idleNanos >= 0 && now - waitStart >= idleNanos) {
                return null;
            }
            LockSupport.parkNanos(park);
            park = Math.min(MAX_PARK_NANOS, 2 * park);
        }
        return null;
    }

    /** Copies the next document into {@link #buffer}; returns its length, or -1 if none is there yet. */
    private int readDocument() {
        try (DocumentContext dc = tailer.readingDocument()) {
            if (!dc.isPresent()) {
                return -1;
            }
            Bytes<?> bytes = dc.wire().bytes();
            int length = (int) bytes.readRemaining();
            if (buffer.length < length) {
                buffer = new byte[Math.max(length, 2 * buffer.length)];
            }
            bytes.read(buffer, 0, length);
            documentIndex = dc.index();
            return length;
        } catch (RuntimeException e) {
            throw new DataException("could not read the Chronicle Queue in " + dir + " after index 0x"
                    + Long.toHexString(lastIndexRead) + ": " + e, e);
        }
    }

    /**
     * Moves the source so that the next record read is the one just after queue index
     * {@code index}: how to resume from a checkpoint that recorded the position of its last
     * example. Call it on the reading thread, before or between reads.
     *
     * @param index the queue index of a record in this queue, {@code >= 0}
     * @throws DataException if the queue holds no record at {@code index} (a checkpoint of
     *     another queue, or records deleted since)
     * @throws IllegalStateException if the source is closed
     */
    public void seekAfter(long index) {
        if (index < 0) {
            throw new IllegalArgumentException("queue index was " + index + " but must be >= 0");
        }
        if (!guard.enter()) {
            throw new IllegalStateException("source " + describe() + " is closed");
        }
        try {
            moveAfter(index);
        } finally {
            guard.exit();
        }
    }

    private void moveAfter(long index) {
        boolean found = tailer.moveToIndex(index);
        if (found) {
            try (DocumentContext dc = tailer.readingDocument()) {
                found = dc.isPresent() && dc.index() == index;
            }
        }
        if (!found) {
            long first = queue.firstIndex();
            long last = queue.lastIndex();
            throw new DataException("cannot resume " + describe() + " after queue index " + index + " (0x"
                    + Long.toHexString(index) + "): the queue holds no record there; it holds "
                    + (last < 0 ? "no records" : "indices 0x" + Long.toHexString(first) + " to 0x"
                    + Long.toHexString(last)));
        }
        lastIndexRead = index;
        lastExampleIndex = index;
    }

    /**
     * Resumes after this source's partition ({@link #PARTITION}) in {@code lastIncluded}:
     * {@link #seekAfter seekAfter(offset)}; when the map does not name it, from the queue's first
     * record. Other partitions are ignored. Call it on the reading thread.
     *
     * @param lastIncluded per partition, the offset of the last example a checkpoint includes
     * @throws DataException if the queue holds no record at that index
     * @throws IllegalStateException if the source is closed
     */
    @Override
    public void seek(Map<String, Long> lastIncluded) {
        Long last = lastIncluded.get(PARTITION);
        if (last != null) {
            seekAfter(last);
            return;
        }
        if (!guard.enter()) {
            throw new IllegalStateException("source " + describe() + " is closed");
        }
        try {
            if (lastIndexRead >= 0) {
                tailer.toStart();
                lastIndexRead = -1;
                lastExampleIndex = -1;
            }
        } finally {
            guard.exit();
        }
    }

    /**
     * @return {@code {"queue": index}} for the last example returned (or the index sought past),
     *     or empty before any; bad records do not count
     */
    @Override
    public Map<String, Long> lastPositions() {
        return lastExampleIndex < 0 ? Map.of() : Map.of(PARTITION, lastExampleIndex);
    }

    /** @return {@code false}: {@code null} from {@link #next()} means nothing new arrived in the idle wait */
    @Override
    public boolean bounded() {
        return false;
    }

    /**
     * Records appended but not yet read, counted by Chronicle from its index files
     * ({@code countExcerpts} between the last index read and the queue's last index). It is exact
     * when taken, and cheap (arithmetic within one cycle file, one look per file across them);
     * writers may have appended more by the time it returns. Call it on the reading thread.
     *
     * @return the backlog, or empty if the queue could not tell (closed, or a cycle file gone)
     */
    @Override
    public OptionalLong remaining() {
        if (!guard.enter()) {
            return OptionalLong.empty();
        }
        try {
            long last = queue.lastIndex();
            if (last < 0) {
                return OptionalLong.of(0);
            }
            if (lastIndexRead < 0) {
                return OptionalLong.of(queue.countExcerpts(queue.firstIndex(), last) + 1);
            }
            return OptionalLong.of(last <= lastIndexRead ? 0 : queue.countExcerpts(lastIndexRead, last));
        } catch (RuntimeException e) {
            return OptionalLong.empty();
        } finally {
            guard.exit();
        }
    }

    /** @return the queue index of the last record read (decoded or bad) or sought past; {@code -1} before any */
    public long lastIndexRead() {
        return lastIndexRead;
    }

    /** @return examples returned by {@link #next()} so far (bad records not counted) */
    public long examplesRead() {
        return examples;
    }

    /** @return the codec's shape */
    @Override
    public Shape shape() {
        return codec.shape();
    }

    /** @return the codec's number of classes */
    @Override
    public int numClasses() {
        return codec.numClasses();
    }

    /** @return such as {@code "queue:/data/stream (follow, bad records: skip)"} */
    @Override
    public String describe() {
        return "queue:" + dir + " (" + (follow ? "follow" : "to current end") + ", bad records: "
                + handler.describe() + ")";
    }

    /**
     * Closes the source; idempotent; any thread. If {@link #next()} is running on another thread
     * it returns {@code null} within about a millisecond and that thread releases the queue;
     * otherwise the queue is released before this returns. The handler stays open.
     */
    @Override
    public void close() {
        guard.close();
    }

    private void releaseNow() {
        try {
            tailer.close();
        } finally {
            queue.close();
        }
    }

    @Override
    public String toString() {
        return "QueueSource[" + describe() + ", lastIndexRead=0x" + Long.toHexString(lastIndexRead) + "]";
    }
}
