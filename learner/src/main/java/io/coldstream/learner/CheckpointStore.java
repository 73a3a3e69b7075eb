package io.coldstream.learner;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.coldstream.core.DataException;
import io.coldstream.core.SnapshotException;
import io.coldstream.core.AtomicFiles;
import io.coldstream.learner.internal.BackgroundWriter;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.coldstream.model.Network;
import io.coldstream.replay.ReplayBuffer;

/**
 * Durable checkpoints of a training run, one atomic unit each, so that a crashed or stopped run
 * resumes where the newest complete checkpoint stood and trains on every stream example exactly
 * once.
 *
 * <p>Layout: {@code <out>/checkpoints/ckpt-000001/} holds {@code model.zip} (parameters and
 * optimiser state), {@code replay.bin} (the replay buffer's whole state), {@code trainer.bin}
 * (counters, generator states, evaluation history, configuration fingerprint), with
 * {@code --ema-decay} {@code average.zip} (the weight average's parameters), and
 * {@code manifest.json} (with the SHA-256 of the others and the source positions).
 * {@code <out>/trained-ids.bin} is a journal of the ids of the examples trained on, in order, as
 * big-endian longs; each checkpoint records how many of its entries it covers.
 *
 * <p>Writing happens on one background thread, in order: append the new ids to the journal and
 * fsync it (and, when the journal is new, the output folder); write the files into a hidden temporary folder and fsync each; write the manifest;
 * fsync the folder; rename it atomically to its name; fsync the parent; delete checkpoints beyond
 * the newest {@code keep}. Only then is the checkpoint committed (the callback runs, such as a
 * Kafka offset commit). The previous checkpoint stays until the new one is complete, so a crash at
 * any moment leaves at least one complete checkpoint once the first has been written.
 *
 * <p>Reading ({@link #newest()}) takes the newest checkpoint whose checksums verify, skipping (and
 * reporting) corrupt ones, and cuts the journal back to its length.
 */
public final class CheckpointStore implements AutoCloseable {

    /** The model file inside a checkpoint. */
    public static final String MODEL = "model.zip";
    /** The replay buffer's whole state inside a checkpoint (a base). */
    public static final String REPLAY = "replay.bin";
    /** The weight average's parameters ({@code --ema-decay}), in a checkpoint of a run that keeps one. */
    public static final String AVERAGE = "average.zip";
    /** What changed in the replay buffer since the previous checkpoint, inside a checkpoint. */
    public static final String REPLAY_INCREMENT = "replay-increment.bin";
    /**
     * The most increments that follow one base: the next checkpoint after that many writes a base,
     * so that a resume reads at most a base and this many increments.
     */
    public static final int MAX_INCREMENTS = 16;
    /** The trainer state inside a checkpoint. */
    public static final String TRAINER = "trainer.bin";
    /** The manifest inside a checkpoint. */
    public static final String MANIFEST = "manifest.json";
    /** The journal of trained example ids, in the run's output folder. */
    public static final String JOURNAL = "trained-ids.bin";

    /** Told when a checkpoint has become durable; called on the writer thread. */
    @FunctionalInterface
    public interface Listener {
        /**
         * @param manifest the committed checkpoint
         * @param nanos how long writing it took
         */
        void committed(CheckpointManifest manifest, long nanos);
    }

    private static final Logger LOG = LoggerFactory.getLogger(CheckpointStore.class);
    private static final Pattern NAME = Pattern.compile("ckpt-(\\d{6,})");

    private final Path dir;
    private final Path journal;
    private final int keep;
    private final Clock clock;
    private final Listener onCommitted;
    private final ObjectMapper json = SnapshotPublisher.mapper();
    private final BackgroundWriter<CheckpointManifest> writer;
    private long nextSequence;
    private volatile CheckpointManifest latest;
    /** The replay chain of the newest checkpoint written or found, as in its manifest. */
    private List<String> chain = List.of();

    /** What {@link #newest()} found. */
    public record Found(Path folder, CheckpointManifest manifest) {
        /** @return the model zip */
        public Path model() {
            return folder.resolve(MODEL);
        }

        /** @return the weight average's zip, if the run keeps one ({@code --ema-decay}) */
        public Optional<Path> average() {
            return manifest.sha256().containsKey(AVERAGE) ? Optional.of(folder.resolve(AVERAGE)) : Optional.empty();
        }

        /** @return this checkpoint's own replay file: a base ({@link #REPLAY}) or an increment */
        public Path replay() {
            List<String> chain = manifest.replayChain();
            return folder.getParent().resolve(chain.get(chain.size() - 1));
        }

        /**
         * @return the replay files that rebuild the buffer, in order: a base ({@link #REPLAY}), then
         *     the increments after it, the last this checkpoint's own
         */
        public List<Path> replayChain() {
            return manifest.replayChain().stream().map(folder.getParent()::resolve).toList();
        }

        /**
         * Rebuilds the replay buffer: reads the base of {@link #replayChain()}, then applies each
         * increment after it, in order.
         *
         * @param budget the run's replay budget
         * @param shape the run's example shape
         * @param numClasses the run's number of classes
         * @param policy the run's eviction policy
         * @param codec the run's codec
         * @return the buffer as it stood when this checkpoint was taken
         * @throws DataException if a file cannot be read or is corrupt
         * @throws io.coldstream.core.ConfigurationException if the settings differ from the checkpoint's
         */
        public ReplayBuffer readReplay(io.coldstream.core.ByteSize budget, io.coldstream.core.Shape shape,
                int numClasses, io.coldstream.replay.EvictionPolicy policy, io.coldstream.replay.ReplayCodec codec) {
            ReplayBuffer buffer = null;
            for (Path file : replayChain()) {
                try (DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(
                        Files.newInputStream(file), 1 << 16))) {
                    if (buffer == null) {
                        buffer = io.coldstream.replay.ReplayBuffers.readState(in, budget, shape, numClasses, policy,
                                codec);
                    } else {
                        io.coldstream.replay.ReplayBuffers.applyIncrement(in, buffer);
                    }
                } catch (IOException e) {
                    throw new DataException("could not read the replay buffer state " + file + ": " + e.getMessage(),
                            e);
                }
            }
            return buffer;
        }

        /** @return the trainer state */
        public Path trainer() {
            return folder.resolve(TRAINER);
        }
    }

    /**
     * @param dir the checkpoint folder ({@code <out>/checkpoints}); created if missing
     * @param journal the trained-ids journal ({@code <out>/trained-ids.bin})
     * @param keep how many complete checkpoints to keep, {@code >= 1}
     * @param clock the source of {@code createdAt}
     * @param onCommitted told on the writer thread once a checkpoint is durable
     */
    public CheckpointStore(Path dir, Path journal, int keep, Clock clock, Listener onCommitted) {
        if (keep < 1) {
            throw new IllegalArgumentException("keep was " + keep + " but must be >= 1");
        }
        this.dir = dir;
        this.journal = journal;
        this.keep = keep;
        this.clock = clock;
        this.onCommitted = onCommitted;
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir);
                fsyncParent(dir); // the new folder's entry is durable before any checkpoint in it
            }
            this.nextSequence = highest(dir) + 1;
        } catch (IOException e) {
            throw new SnapshotException("could not create the checkpoint folder " + dir + ": " + e.getMessage(), e);
        }
        this.writer = new BackgroundWriter<>("coldstream-checkpoint-writer", "a checkpoint to " + dir);
    }

    /**
     * Queues a checkpoint. Everything passed is owned by the store from here on; the network copy
     * is closed once written.
     *
     * @param network a private copy of the model with its optimiser state
     * @param replayState the replay buffer's state
     * @param trainerState the trainer's state
     * @param examplesSeen examples trained on
     * @param positions per partition, the offset of the last example included
     * @param newIds ids of the examples trained on since the previous checkpoint, in order
     * @param journalLength the journal's length once {@code newIds} are appended
     * @return the checkpoint's name
     */
    public synchronized String write(Network network, byte[] replayState, byte[] trainerState, long examplesSeen,
            Map<String, Long> positions, long[] newIds, long journalLength) {
        return write(network, null, replayState, trainerState, examplesSeen, positions, newIds, journalLength);
    }

    /**
     * Queues a checkpoint of a run that keeps a weight average, as {@link #write(Network, byte[], byte[],
     * long, Map, long[], long)} does.
     *
     * @param network a private copy of the model with its optimiser state
     * @param average a private copy of the weight average, written as {@link #AVERAGE}; {@code null} for none
     * @param replayState the replay buffer's state
     * @param trainerState the trainer's state
     * @param examplesSeen examples trained on
     * @param positions per partition, the offset of the last example included
     * @param newIds ids of the examples trained on since the previous checkpoint, in order
     * @param journalLength the journal's length once {@code newIds} are appended
     * @return the checkpoint's name
     */
    public synchronized String write(Network network, Network average, byte[] replayState, byte[] trainerState,
            long examplesSeen, Map<String, Long> positions, long[] newIds, long journalLength) {
        String name = String.format("ckpt-%06d", nextSequence++);
        Map<String, Long> pos = Map.copyOf(positions);
        chain = List.of(name + "/" + REPLAY);
        try {
            writer.submit(() -> {
                try (network; average) {
                    return writeNow(name, network, average, file -> Files.write(file, replayState), REPLAY,
                            List.of(name + "/" + REPLAY), trainerState, examplesSeen, pos, newIds, journalLength);
                }
            });
        } catch (SnapshotException e) {
            closeAll(network, average);
            throw stopping(e);
        }
        return name;
    }

    /**
     * The write-failure policy: a checkpoint that cannot be written stops the run (no retry, since a
     * full or failing disk rarely heals by itself). The failed one is left in its hidden temporary
     * folder, which resuming ignores; the message says which complete checkpoint a rerun resumes from.
     */
    private SnapshotException stopping(SnapshotException e) {
        CheckpointManifest kept = latest;
        return new SnapshotException(e.getMessage() + "; the run stops: " + (kept == null
                ? "no checkpoint is complete yet, so a rerun with the same --out starts over"
                : "the newest complete checkpoint, " + kept.name() + " at " + kept.examplesSeen()
                        + " examples, is kept and a rerun with the same --out resumes from it"), e.getCause());
    }

    /**
     * Takes a checkpoint whose replay state is streamed to disk, off the calling thread, rather than
     * gathered in memory, with at most one checkpoint pending. On the calling thread: waits until
     * the previous checkpoint is written (so a step waits only when checkpoints come faster than
     * they can be written, and then at most one checkpoint's write time), then captures the replay
     * buffer ({@link ReplayBuffer#captureState}: copies of its per-entry arrays, not of its payloads).
     * On the writer thread: streams the capture through a 64 KiB buffer into the checkpoint's
     * temporary folder while training goes on (a slot that training overwrites before it is
     * written is first copied aside, see there), then the rest as {@link #write} does. The replay
     * state never exists as one array, so a buffer over 2 GiB can be checkpointed.
     *
     * <p>Incremental: the replay file is a whole state (a base) for the first checkpoint, after
     * {@link #MAX_INCREMENTS} increments, or once the increments since the base add up to half the
     * base's bytes; otherwise only what changed since the previous checkpoint (an increment), and
     * the manifest lists the base and the increments that rebuild the buffer. A checkpoint's replay
     * bytes then follow the examples stored since the previous one, and a base costs its full size
     * only every so often. Pruning keeps every base and increment that a kept checkpoint needs (of
     * an older checkpoint, only its replay file and manifest).
     *
     * @param network a private copy of the model with its optimiser state
     * @param replay captures the replay buffer's whole state or its increment, called once on this
     *     thread before returning; the capture is written on the writer thread
     * @param trainerState the trainer's state
     * @param examplesSeen examples trained on
     * @param positions per partition, the offset of the last example included
     * @param newIds ids of the examples trained on since the previous checkpoint, in order
     * @param journalLength the journal's length once {@code newIds} are appended
     * @return the checkpoint's name
     * @throws SnapshotException if the previous checkpoint failed
     */
    synchronized String writeStreaming(Network network, Network average, ReplayWriter replay, byte[] trainerState,
            long examplesSeen, Map<String, Long> positions, long[] newIds, long journalLength) {
        try {
            awaitAll(); // a failed previous checkpoint stops the run here, by the write-failure policy
        } catch (SnapshotException e) {
            closeAll(network, average);
            throw e;
        }
        String name = String.format("ckpt-%06d", nextSequence++);
        boolean base = needsBase();
        String file = base ? REPLAY : REPLAY_INCREMENT;
        ReplayBuffer.PendingWrite capture;
        try {
            capture = replay.capture(base);
        } catch (RuntimeException e) {
            closeAll(network, average);
            throw e;
        }
        List<String> newChain = new java.util.ArrayList<>(base ? List.of() : chain);
        newChain.add(name + "/" + file);
        chain = List.copyOf(newChain);
        Map<String, Long> pos = Map.copyOf(positions);
        List<String> replayChain = chain;
        try {
            writer.submit(() -> {
                try (network; average; capture) {
                    return writeNow(name, network, average, target -> {
                        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(
                                Files.newOutputStream(target), 1 << 16))) {
                            capture.writeTo(out);
                        }
                    }, file, replayChain, trainerState, examplesSeen, pos, newIds, journalLength);
                }
            });
        } catch (SnapshotException e) {
            capture.close();
            closeAll(network, average);
            throw stopping(e);
        }
        return name;
    }

    private static void closeAll(Network network, Network average) {
        try {
            network.close();
        } finally {
            if (average != null) {
                average.close();
            }
        }
    }

    /**
     * Whether the next checkpoint writes a base: there is no chain yet, it holds
     * {@link #MAX_INCREMENTS} increments, or its increments add up to half its base's bytes (read from
     * the files, which are durable once the previous checkpoint is; a file that cannot be read asks
     * for a base).
     */
    private boolean needsBase() {
        if (chain.isEmpty() || chain.size() > MAX_INCREMENTS) {
            return true;
        }
        try {
            long base = Files.size(dir.resolve(chain.get(0)));
            long increments = 0;
            for (String entry : chain.subList(1, chain.size())) {
                increments += Files.size(dir.resolve(entry));
            }
            return increments * 2 >= base;
        } catch (IOException e) {
            return true;
        }
    }

    /** Captures the replay buffer's whole state ({@code full}) or what changed since the previous checkpoint. */
    @FunctionalInterface
    interface ReplayWriter {
        ReplayBuffer.PendingWrite capture(boolean full);

        /** @return a capturer of the buffer's {@linkplain ReplayBuffer#captureState state} or {@linkplain ReplayBuffer#captureIncrement increment} */
        static ReplayWriter of(ReplayBuffer buffer) {
            return full -> full ? buffer.captureState() : buffer.captureIncrement();
        }
    }

    /** Puts the replay state into a checkpoint's temporary folder. */
    @FunctionalInterface
    private interface ReplayFile {
        void writeTo(Path file) throws IOException;
    }

    private CheckpointManifest writeNow(String name, Network network, Network average, ReplayFile replayState,
            String replayFile,
            List<String> replayChain, byte[] trainerState, long examplesSeen, Map<String, Long> positions,
            long[] newIds, long journalLength) throws IOException {
        long started = System.nanoTime();
        appendJournal(newIds, journalLength);
        CrashPoint.here("journal-appended");
        Path tmp = dir.resolve("." + name + ".tmp");
        AtomicFiles.deleteRecursively(tmp);
        Files.createDirectories(tmp);
        network.save(tmp.resolve(MODEL), true);
        CrashPoint.failHere("checkpoint-model-written");
        List<String> files = new java.util.ArrayList<>(List.of(MODEL, replayFile, TRAINER));
        if (average != null) {
            average.save(tmp.resolve(AVERAGE), false);
            files.add(AVERAGE);
        }
        replayState.writeTo(tmp.resolve(replayFile));
        Files.write(tmp.resolve(TRAINER), trainerState);
        Map<String, String> sums = new LinkedHashMap<>();
        for (String file : files) {
            AtomicFiles.fsync(tmp.resolve(file));
            sums.put(file, AtomicFiles.sha256(tmp.resolve(file)));
        }
        CheckpointManifest manifest = new CheckpointManifest(name, clock.instant(), examplesSeen, positions,
                journalLength, sums, replayChain);
        Files.write(tmp.resolve(MANIFEST), json.writeValueAsBytes(manifest));
        AtomicFiles.fsync(tmp.resolve(MANIFEST));
        AtomicFiles.fsync(tmp);
        Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
        AtomicFiles.fsync(dir);
        CrashPoint.here("checkpoint-renamed");
        latest = manifest;
        prune();
        long nanos = System.nanoTime() - started;
        LOG.debug("checkpoint {} written in {} ms", name, nanos / 1_000_000);
        onCommitted.committed(manifest, nanos);
        return manifest;
    }

    private void appendJournal(long[] ids, long expectedLength) throws IOException {
        boolean created = !Files.exists(journal);
        try (FileChannel channel = FileChannel.open(journal, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            long start = (expectedLength - ids.length) * Long.BYTES;
            if (channel.size() < start) {
                throw new IOException("the journal " + journal + " has " + channel.size() / Long.BYTES
                        + " entries but " + (expectedLength - ids.length) + " were expected before this checkpoint");
            }
            channel.truncate(start);
            channel.position(start);
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(ids.length * Long.BYTES);
            for (long id : ids) {
                buf.putLong(id);
            }
            buf.flip();
            while (buf.hasRemaining()) {
                channel.write(buf);
            }
            channel.force(true);
        }
        if (created) {
            fsyncParent(journal); // a power loss must not leave a durable checkpoint without its journal
        }
    }

    private static void fsyncParent(Path path) throws IOException {
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null) {
            AtomicFiles.fsync(parent);
        }
    }

    /**
     * Deletes the checkpoints beyond the newest {@code keep}; of one whose replay base or increment
     * a kept checkpoint's chain needs, only the model and trainer state, so that it holds its
     * replay file and manifest alone (and no longer resumes by itself).
     */
    private void prune() throws IOException {
        List<Path> complete = list(dir);
        java.util.Set<String> needed = new java.util.HashSet<>();
        for (int i = 0; i < Math.min(keep, complete.size()); i++) {
            Path manifest = complete.get(i).resolve(MANIFEST);
            if (Files.isRegularFile(manifest)) {
                try {
                    for (String entry : json.readValue(manifest.toFile(), CheckpointManifest.class).replayChain()) {
                        needed.add(entry.substring(0, entry.indexOf('/')));
                    }
                } catch (IOException | RuntimeException e) {
                    // An unreadable manifest needs nothing; resuming skips that checkpoint.
                }
            }
        }
        for (int i = keep; i < complete.size(); i++) {
            Path folder = complete.get(i);
            if (needed.contains(folder.getFileName().toString())) {
                // Only its replay file and manifest are still needed: it no longer resumes by itself.
                Files.deleteIfExists(folder.resolve(MODEL));
                Files.deleteIfExists(folder.resolve(AVERAGE));
                Files.deleteIfExists(folder.resolve(TRAINER));
            } else {
                AtomicFiles.deleteRecursively(folder);
            }
        }
    }

    /**
     * Finds the newest checkpoint whose files match their checksums, cuts the journal back to its
     * length, and returns it. Corrupt checkpoints are reported in the log and skipped.
     *
     * @return the checkpoint, or empty if none is complete
     * @throws DataException if the journal is shorter than the checkpoint says
     */
    public Optional<Found> newest() {
        try {
            for (Path folder : list(dir)) {
                String problem = verify(folder);
                if (problem == null) {
                    CheckpointManifest m = json.readValue(folder.resolve(MANIFEST).toFile(), CheckpointManifest.class);
                    cutJournal(m.journalLength());
                    latest = m;
                    synchronized (this) {
                        chain = m.replayChain();
                    }
                    return Optional.of(new Found(folder, m));
                }
                LOG.warn("skipping checkpoint {}: {}", folder, problem);
            }
            return Optional.empty();
        } catch (IOException e) {
            throw new DataException("could not read the checkpoints in " + dir + ": " + e.getMessage(), e);
        }
    }

    private String verify(Path folder) {
        try {
            CheckpointManifest m = json.readValue(folder.resolve(MANIFEST).toFile(), CheckpointManifest.class);
            List<String> chain = m.replayChain();
            String own = chain.get(chain.size() - 1);
            if (!own.equals(m.name() + "/" + REPLAY) && !own.equals(m.name() + "/" + REPLAY_INCREMENT)) {
                return "its replay chain ends with " + own + ", not with its own replay file";
            }
            if (!chain.get(0).endsWith("/" + REPLAY)) {
                return "its replay chain starts with " + chain.get(0) + ", not with a base (" + REPLAY + ")";
            }
            for (String entry : chain.subList(0, chain.size() - 1)) {
                int slash = entry.indexOf('/');
                if (slash < 0 || !NAME.matcher(entry.substring(0, slash)).matches()) {
                    return "its replay chain names " + entry + ", which is not <checkpoint>/<file>";
                }
                Path other = dir.resolve(entry.substring(0, slash));
                if (!Files.isDirectory(other)) {
                    return "its replay chain needs " + entry + ", which is missing";
                }
                CheckpointManifest o = json.readValue(other.resolve(MANIFEST).toFile(), CheckpointManifest.class);
                String file = entry.substring(slash + 1);
                String expected = o.sha256().get(file);
                String actual = Files.isRegularFile(other.resolve(file)) ? AtomicFiles.sha256(other.resolve(file)) : null;
                if (expected == null || !expected.equals(actual)) {
                    return "its replay chain needs " + entry + ", which is missing or does not match its checksum";
                }
            }
            List<String> files = new java.util.ArrayList<>(List.of(MODEL, own.substring(own.indexOf('/') + 1),
                    TRAINER));
            if (m.sha256().containsKey(AVERAGE)) {
                files.add(AVERAGE);
            }
            for (String file : files) {
                String expected = m.sha256().get(file);
                if (expected == null) {
                    return "its manifest has no checksum for " + file;
                }
                Path p = folder.resolve(file);
                if (!Files.isRegularFile(p)) {
                    return file + " is missing";
                }
                String actual = AtomicFiles.sha256(p);
                if (!actual.equals(expected)) {
                    return file + " has SHA-256 " + actual + " but the manifest says " + expected;
                }
            }
            return null;
        } catch (IOException | RuntimeException e) {
            return "its manifest cannot be read (" + e.getMessage() + ")";
        }
    }

    private void cutJournal(long length) throws IOException {
        long bytes = length * Long.BYTES;
        long size = Files.exists(journal) ? Files.size(journal) : 0;
        if (size < bytes) {
            throw new DataException("the journal " + journal + " has " + size / Long.BYTES + " entries but the"
                    + " checkpoint covers " + length + "; the run's folder is damaged");
        }
        if (size > bytes) {
            try (FileChannel channel = FileChannel.open(journal, StandardOpenOption.WRITE)) {
                channel.truncate(bytes);
                channel.force(true);
            }
        }
    }

    /**
     * Reads the ids of a run's journal.
     *
     * @param journal a {@code trained-ids.bin}
     * @return the ids in order
     * @throws DataException if the file cannot be read or is not whole longs
     */
    public static long[] readJournal(Path journal) {
        try {
            long size = Files.size(journal);
            if (size % Long.BYTES != 0 || size / Long.BYTES > Integer.MAX_VALUE) {
                throw new DataException("journal " + journal + " has " + size + " bytes, not a whole number of ids");
            }
            long[] ids = new long[(int) (size / Long.BYTES)];
            try (InputStream raw = Files.newInputStream(journal);
                 DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(raw))) {
                for (int i = 0; i < ids.length; i++) {
                    ids[i] = in.readLong();
                }
            }
            return ids;
        } catch (IOException e) {
            throw new DataException("could not read the journal " + journal + ": " + e.getMessage(), e);
        }
    }

    /** @return the newest checkpoint written or found, or {@code null} */
    public CheckpointManifest latest() {
        return latest;
    }

    /**
     * Waits for every queued checkpoint.
     *
     * @throws SnapshotException if a write failed
     */
    public void awaitAll() {
        try {
            writer.awaitAll();
        } catch (SnapshotException e) {
            throw stopping(e);
        }
    }

    /** Waits for queued checkpoints, then stops the writer thread. */
    @Override
    public void close() {
        writer.close();
    }

    /**
     * @param dir a checkpoint folder
     * @return its complete checkpoints, newest first
     * @throws IOException if it cannot be listed
     */
    static List<Path> list(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(p -> NAME.matcher(p.getFileName().toString()).matches())
                    .sorted(Comparator.comparingLong(CheckpointStore::sequence).reversed()).toList();
        }
    }

    private static long sequence(Path p) {
        Matcher m = NAME.matcher(p.getFileName().toString());
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }

    private static long highest(Path dir) throws IOException {
        List<Path> all = list(dir);
        return all.isEmpty() ? 0 : sequence(all.get(0));
    }

    /**
     * Serialises with a {@link DataOutputStream} into a byte array.
     *
     * @param writer what to write
     * @return the bytes
     */
    static byte[] bytes(IoWriter writer) {
        java.io.ByteArrayOutputStream buffer = new java.io.ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(buffer))) {
            writer.write(out);
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory cannot fail", e);
        }
        return buffer.toByteArray();
    }

    /** Writes state to a data output. */
    @FunctionalInterface
    interface IoWriter {
        void write(DataOutputStream out) throws IOException;
    }
}
