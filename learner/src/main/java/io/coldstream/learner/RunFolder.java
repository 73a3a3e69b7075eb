package io.coldstream.learner;

import io.coldstream.core.ConfigurationException;
import io.coldstream.core.DataException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.stream.Stream;

/**
 * The policy for a run's output folder ({@code --out}): it is new, empty, or holds checkpoints of
 * the same run, which is then resumed from the newest complete one.
 */
final class RunFolder {

    private RunFolder() {
    }

    /**
     * Finds the checkpoint to resume from, or checks that the folder may start a fresh run.
     *
     * @param out the output folder
     * @return the newest complete checkpoint, or {@code null} for a fresh run
     * @throws ConfigurationException if the folder is a file or holds files but no checkpoint
     * @throws DataException if it holds checkpoints but none is complete
     */
    static CheckpointStore.Found checkpointToResume(Path out) {
        Path dir = out.resolve("checkpoints");
        try {
            if (!CheckpointStore.list(dir).isEmpty()) {
                try (CheckpointStore store = new CheckpointStore(dir, out.resolve(CheckpointStore.JOURNAL), 1,
                        Clock.systemUTC(), (m, nanos) -> { })) {
                    return store.newest().orElseThrow(() -> new DataException("out '" + out + "' holds checkpoints"
                            + " but none is complete (see the warnings above); remove " + dir + " to start afresh"));
                }
            }
        } catch (IOException e) {
            throw new DataException("could not list the checkpoints in " + dir + ": " + e.getMessage(), e);
        }
        requireFresh(out);
        return null;
    }

    private static void requireFresh(Path out) {
        if (Files.isRegularFile(out)) {
            throw new ConfigurationException("out was '" + out + "' but that is a file; it must be a folder");
        }
        if (Files.isDirectory(out)) {
            try (Stream<Path> entries = Files.list(out)) {
                if (entries.findAny().isPresent()) {
                    throw new ConfigurationException("out was '" + out + "' but that folder already holds files and"
                            + " no checkpoint to resume from; choose a new folder or remove it");
                }
            } catch (IOException e) {
                throw new ConfigurationException("out was '" + out + "' but it cannot be read: " + e.getMessage());
            }
        }
    }

    /**
     * Creates the folder if it is missing.
     *
     * @param out the output folder
     * @throws ConfigurationException if it cannot be created
     */
    static void create(Path out) {
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new ConfigurationException("out was '" + out + "' but it cannot be created: " + e.getMessage());
        }
    }

    /**
     * @param out the output folder
     * @return its name, for meter tags and the default Kafka group
     */
    static String name(Path out) {
        Path name = out.toAbsolutePath().normalize().getFileName();
        return name == null ? "run" : name.toString();
    }
}
