package io.coldstream.learner;

import io.coldstream.core.AtomicFiles;
import io.coldstream.core.ConfigurationException;
import io.coldstream.core.DataException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The policy for a run's output folder ({@code --out}): it is new, empty, or holds checkpoints of
 * the same run, which is then resumed from the newest complete one. A folder that holds only what a
 * run writes before its first checkpoint (the run crashed before committing anything) starts over.
 * One process at a time owns a folder ({@link #lock}).
 */
final class RunFolder {

    /** The lock file inside the output folder; holds the owner's PID. */
    static final String LOCK = ".lock";

    /**
     * What a run writes before its first checkpoint is complete: a folder holding nothing else (and
     * no complete checkpoint) is left over from a run that committed no example, and starts over.
     */
    static final Set<String> BEFORE_FIRST_CHECKPOINT = Set.of(LOCK, "metrics.jsonl", "snapshots", "checkpoints",
            CheckpointStore.JOURNAL, "quarantine");

    /** Folders locked by this JVM: a second channel's close would drop the OS lock of the first. */
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    private RunFolder() {
    }

    /**
     * An exclusive hold on an output folder for as long as it is open: {@code <out>/.lock}, locked
     * with {@link FileChannel#tryLock()} and holding this process's PID. The operating system drops
     * the lock when the process dies, so a lock file left by a killed run never blocks a resume.
     * Closed by the thread that took it.
     */
    static final class Lock implements AutoCloseable {
        private final Path out;
        private final Path key;
        private final FileChannel channel;
        private final FileLock lock;
        private final boolean createdFolder;
        private boolean closed;

        private Lock(Path out, Path key, FileChannel channel, FileLock lock, boolean createdFolder) {
            this.out = out;
            this.key = key;
            this.channel = channel;
            this.lock = lock;
            this.createdFolder = createdFolder;
        }

        /**
         * Releases the lock after a run that never started (its preparation failed): if this lock
         * created the folder, the lock file and the folder go too, so bad input writes nothing.
         */
        void abandon() {
            try {
                if (createdFolder) {
                    Files.deleteIfExists(out.resolve(LOCK));
                    try (Stream<Path> entries = Files.list(out)) {
                        if (entries.findAny().isEmpty()) {
                            Files.deleteIfExists(out);
                        }
                    }
                }
            } catch (IOException e) {
                // best effort: what is left is an empty folder or a lock file, which never blocks
            } finally {
                close();
            }
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            try {
                lock.release();
                channel.close();
            } catch (IOException e) {
                // the lock goes with the channel or, at worst, with the process
            } finally {
                HELD.remove(key);
            }
        }
    }

    /**
     * Takes the exclusive lock on an output folder, creating the folder if it is missing.
     *
     * @param out the output folder
     * @return the lock, to close when the run ends
     * @throws ConfigurationException if the folder is a file, cannot be created, or another process
     *     (or another trainer in this JVM) holds it: the message names the folder and the holder's PID
     */
    static Lock lock(Path out) {
        if (Files.isRegularFile(out)) {
            throw new ConfigurationException("out was '" + out + "' but that is a file; it must be a folder");
        }
        boolean created = !Files.exists(out);
        create(out);
        Path key = out.toAbsolutePath().normalize();
        Path file = out.resolve(LOCK);
        if (!HELD.add(key)) {
            throw inUse(out, file, Long.toString(ProcessHandle.current().pid()) + ", this process");
        }
        FileChannel channel = null;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                throw inUse(out, file, holder(file));
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)),
                    0);
            channel.force(true);
            if (created) {
                AtomicFiles.fsync(out);
            }
            return new Lock(out, key, channel, lock, created);
        } catch (IOException e) {
            HELD.remove(key);
            closeQuietly(channel);
            throw new ConfigurationException("out was '" + out + "' but its lock file " + file + " cannot be taken: "
                    + e.getMessage());
        } catch (RuntimeException e) {
            HELD.remove(key);
            throw e;
        }
    }

    private static ConfigurationException inUse(Path out, Path file, String holder) {
        return new ConfigurationException("out '" + out + "' is in use by another coldstream train (PID " + holder
                + ", lock file " + file + "); wait for that run to end or stop it, or choose another --out");
    }

    /** @return the PID written in a lock file by its holder, as text */
    private static String holder(Path file) {
        // read by another process than the holder's: closing this descriptor drops no lock of ours
        try {
            String pid = Files.readString(file, StandardCharsets.US_ASCII).trim();
            return pid.isEmpty() ? "unknown" : pid;
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // already failing
            }
        }
    }

    /**
     * Finds the checkpoint to resume from, or checks that the folder may start a fresh run. A folder
     * holding only what a run writes before its first complete checkpoint
     * ({@link #BEFORE_FIRST_CHECKPOINT}) is emptied so that the run starts over: no example was
     * committed, so nothing is lost or trained twice. Call it with the folder {@link #lock locked}.
     *
     * @param out the output folder
     * @param removed receives the names of what was removed to start over
     * @return the newest complete checkpoint, or {@code null} for a fresh run
     * @throws ConfigurationException if the folder is a file or holds other files but no checkpoint
     * @throws DataException if it holds checkpoints but none is complete
     */
    static CheckpointStore.Found checkpointToResume(Path out, List<String> removed) {
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
        startOver(out, removed);
        return null;
    }

    private static void startOver(Path out, List<String> removed) {
        if (Files.isRegularFile(out)) {
            throw new ConfigurationException("out was '" + out + "' but that is a file; it must be a folder");
        }
        if (!Files.isDirectory(out)) {
            return;
        }
        List<Path> leftovers = new ArrayList<>();
        try (Stream<Path> entries = Files.list(out)) {
            for (Path p : (Iterable<Path>) entries::iterator) {
                String name = p.getFileName().toString();
                if (!BEFORE_FIRST_CHECKPOINT.contains(name)) {
                    throw new ConfigurationException("out was '" + out + "' but that folder already holds files ("
                            + name + ") and no checkpoint to resume from; choose a new folder or remove it");
                }
                if (!name.equals(LOCK)) {
                    leftovers.add(p);
                }
            }
        } catch (IOException e) {
            throw new ConfigurationException("out was '" + out + "' but it cannot be read: " + e.getMessage());
        }
        try {
            for (Path p : leftovers) {
                AtomicFiles.deleteRecursively(p);
                removed.add(p.getFileName().toString());
            }
            if (!leftovers.isEmpty()) {
                AtomicFiles.fsync(out);
            }
        } catch (IOException e) {
            throw new DataException("out '" + out + "' holds what a run wrote before its first checkpoint, but it"
                    + " cannot be removed to start over: " + e.getMessage(), e);
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
     * @return its name, for meter tags
     */
    static String name(Path out) {
        Path name = out.toAbsolutePath().normalize().getFileName();
        return name == null ? "run" : name.toString();
    }

    /**
     * The default Kafka consumer group of a run: {@code coldstream-<folder name>-<8 hex digits>},
     * the digits from the SHA-256 of the folder's absolute, normalised path, so that two runs in
     * folders of the same name ({@code a/run}, {@code b/run}) never move each other's offsets.
     *
     * @param out the output folder
     * @return the group id
     */
    static String kafkaGroup(Path out) {
        String path = out.toAbsolutePath().normalize().toString();
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(path.getBytes(StandardCharsets.UTF_8));
            return "coldstream-" + name(out) + "-" + HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
