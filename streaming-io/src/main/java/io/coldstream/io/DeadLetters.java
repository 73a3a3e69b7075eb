package io.coldstream.io;

import io.coldstream.core.DataException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Reads back the bad records that {@link BadRecordHandlers#skip(Path)} quarantined, oldest first
 * (entry layout in {@link DeadLetter}). It may read while a handler is still appending.
 *
 * <p>Not thread-safe.
 */
public final class DeadLetters implements AutoCloseable {

    static {
        ChronicleProperties.apply();
    }

    private final Path dir;
    private final SingleChronicleQueue queue;
    private final ExcerptTailer tailer;
    private byte[] buffer = new byte[256];
    private boolean closed;

    private DeadLetters(Path dir) {
        this.dir = dir;
        this.queue = ChronicleQueues.openForReading(dir, "quarantine");
        try {
            this.tailer = queue.createTailer();
            tailer.singleThreadedCheckDisabled(true);
        } catch (RuntimeException e) {
            queue.close();
            throw new DataException("could not read the quarantine queue in " + dir + ": " + e, e);
        }
    }

    /**
     * @param quarantineDir the folder given to {@link BadRecordHandlers#skip(Path)}
     * @return a reader positioned at the first entry
     * @throws io.coldstream.core.DatasetNotFoundException if the folder does not exist (no bad
     *     record was ever quarantined there)
     */
    public static DeadLetters open(Path quarantineDir) {
        return new DeadLetters(Objects.requireNonNull(quarantineDir, "quarantineDir"));
    }

    /**
     * @param quarantineDir the folder given to {@link BadRecordHandlers#skip(Path)}
     * @return every entry there, oldest first
     */
    public static List<DeadLetter> readAll(Path quarantineDir) {
        try (DeadLetters letters = open(quarantineDir)) {
            List<DeadLetter> all = new ArrayList<>();
            for (DeadLetter letter = letters.next(); letter != null; letter = letters.next()) {
                all.add(letter);
            }
            return all;
        }
    }

    /**
     * @return the next entry, or {@code null} at the current end
     * @throws DataException if an entry is malformed
     */
    public DeadLetter next() {
        if (closed) {
            throw new IllegalStateException("dead-letter reader of " + dir + " is closed");
        }
        try (DocumentContext dc = tailer.readingDocument()) {
            if (!dc.isPresent()) {
                return null;
            }
            Bytes<?> bytes = dc.wire().bytes();
            int length = (int) bytes.readRemaining();
            if (buffer.length < length) {
                buffer = new byte[Math.max(length, 2 * buffer.length)];
            }
            bytes.read(buffer, 0, length);
            return DeadLetter.decode(buffer, length, dc.index(), dir);
        }
    }

    /** Releases the queue; idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            tailer.close();
        } finally {
            queue.close();
        }
    }
}
