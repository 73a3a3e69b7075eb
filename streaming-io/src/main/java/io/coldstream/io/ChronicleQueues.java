package io.coldstream.io;

import io.coldstream.core.DataException;
import io.coldstream.core.DatasetNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import net.openhft.chronicle.bytes.SyncMode;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;

/** Opening Chronicle queues the way every class of this module does. */
final class ChronicleQueues {

    /** The file Chronicle Queue keeps in every queue folder. */
    static final String METADATA_FILE = "metadata.cq4t";

    static {
        ChronicleProperties.apply();
    }

    private ChronicleQueues() {
    }

    /**
     * Opens (creating the folder and the queue if needed) a queue to append to, whose
     * {@code sync()} forces appended records to disk.
     *
     * @param dir the queue folder
     * @param what for messages, such as {@code "queue sink"}
     */
    static SingleChronicleQueue openForWriting(Path dir, String what) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new DataException(what + " folder " + dir + " is a file; a Chronicle Queue needs a folder");
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new DataException("could not create " + what + " folder " + dir + ": " + e, e);
        }
        return build(dir, SyncMode.SYNC, what);
    }

    /**
     * Opens an existing folder to read a queue from. The folder may be empty (a writer has not
     * started yet) but must not hold other files without a queue.
     *
     * @param dir the queue folder
     * @param what for messages, such as {@code "queue source"}
     * @throws DatasetNotFoundException if the folder does not exist
     */
    static SingleChronicleQueue openForReading(Path dir, String what) {
        if (!Files.exists(dir)) {
            throw new DatasetNotFoundException(what + " folder " + dir + " does not exist; write a queue there first"
                    + " (coldstream ingest, or a QueueSink) or point at the folder that holds one");
        }
        if (!Files.isDirectory(dir)) {
            throw new DatasetNotFoundException(what + " path " + dir + " is a file; point at the folder that holds"
                    + " a Chronicle Queue (with its " + METADATA_FILE + ")");
        }
        if (!Files.exists(dir.resolve(METADATA_FILE))) {
            try (Stream<Path> entries = Files.list(dir)) {
                if (entries.findAny().isPresent()) {
                    throw new DataException(what + " folder " + dir + " holds files but no Chronicle Queue (no "
                            + METADATA_FILE + "); point at a queue folder, or an empty folder a writer will fill");
                }
            } catch (IOException e) {
                throw new DataException("could not list " + what + " folder " + dir + ": " + e, e);
            }
        }
        return build(dir, SyncMode.NONE, what);
    }

    private static SingleChronicleQueue build(Path dir, SyncMode syncMode, String what) {
        try {
            return SingleChronicleQueueBuilder.binary(dir).syncMode(syncMode).build();
        } catch (RuntimeException e) {
            throw new DataException("could not open the Chronicle Queue of " + what + " " + dir + ": " + e, e);
        }
    }
}
