package io.coldstream.io;

import io.coldstream.core.DataException;
import io.coldstream.core.StreamPosition;
import java.nio.file.Path;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;

/** Appends {@link DeadLetter} entries to the dead-letter queue of a quarantine folder. */
final class DeadLetterWriter implements AutoCloseable {

    static {
        ChronicleProperties.apply();
    }

    private final Path dir;
    private final SingleChronicleQueue queue;
    private final ExcerptAppender appender;

    DeadLetterWriter(Path dir) {
        this.dir = dir;
        this.queue = ChronicleQueues.openForWriting(dir, "quarantine");
        try {
            this.appender = queue.createAppender();
            appender.singleThreadedCheckDisabled(true);
        } catch (RuntimeException e) {
            queue.close();
            throw new DataException("could not append to the quarantine queue in " + dir + ": " + e, e);
        }
    }

    void append(byte[] record, int offset, int length, StreamPosition position, BadRecordException problem) {
        byte[] entry = DeadLetter.encode(record, offset, length, position, problem);
        try (DocumentContext dc = appender.writingDocument()) {
            dc.wire().bytes().write(entry, 0, entry.length);
        } catch (RuntimeException e) {
            throw new DataException("could not quarantine the bad record at " + position + " in " + dir + ": " + e, e);
        }
    }

    @Override
    public void close() {
        try {
            appender.sync();
        } finally {
            appender.close();
            queue.close();
        }
    }
}
