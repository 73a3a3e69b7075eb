package io.coldstream.learner;

import io.coldstream.core.DataException;
import io.coldstream.eval.HoldoutPoint;
import io.coldstream.eval.PrequentialAccuracy;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A run's progress that a checkpoint carries besides the model and the replay buffer: the counters,
 * the prequential record, the holdout history, the augmentation generator's state and the source
 * positions of the last example included. Written as {@code trainer.bin} in every checkpoint; this
 * type both writes ({@link #toBytes}) and reads ({@link #read}) it.
 *
 * <p>Format 1, big-endian ({@link DataOutputStream}): magic {@code "CSTS"}, format version, the
 * settings fingerprint (modified UTF-8), examples seen, augmentation generator state, the
 * prequential record ({@link PrequentialAccuracy#writeTo}), the holdout points (count, then
 * examples seen and accuracy each), whether a latest holdout accuracy exists and its value, the
 * examples seen at the last snapshot, the journal length, and the source positions (count, then
 * partition and offset each, by partition name).
 *
 * <p>Format 2 (written since the counters became part of the checkpoint) is format 1 with version
 * 2, followed by: the {@code --limit} the stream order was built with ({@code -1} when unknown),
 * the bad-record counts (count of reasons, then reason and count each, by reason name) and the
 * skipped-step counts (the same layout). Format 1 is still read, with no counts and an unknown limit.
 *
 * <p>Owned by the training thread.
 */
final class TrainerState {

    static final int MAGIC = 0x43535453; // "CSTS"
    static final int VERSION = 2;
    /** The first format, still read: no counters, no limit. */
    static final int VERSION_1 = 1;

    long seen;
    long augmentRandomState;
    PrequentialAccuracy prequential = new PrequentialAccuracy(1000);
    final List<HoldoutPoint> holdout = new ArrayList<>();
    Double lastHoldout;
    long lastSnapshotAt;
    long journalLength;
    final Map<String, Long> positions = new TreeMap<>();
    /** The {@code --limit} the stream order was built with; {@code -1} when unknown (format 1). */
    long orderLimit = -1;
    /** Bad records skipped so far, by reason ({@code BadRecordReason.metricName()}). */
    final Map<String, Long> badRecords = new TreeMap<>();
    /** Steps skipped so far (their update never reached the weights), by reason. */
    final Map<String, Long> skippedSteps = new TreeMap<>();
    /** The settings fingerprint read with a saved state; {@code null} for a fresh run. */
    String savedFingerprint;

    /**
     * @param fingerprint the run's settings fingerprint ({@link ConfigFingerprint})
     * @return the state as {@code trainer.bin}'s bytes
     */
    byte[] toBytes(String fingerprint) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(256);
        try (DataOutputStream out = new DataOutputStream(buffer)) {
            out.writeInt(MAGIC);
            out.writeInt(VERSION);
            out.writeUTF(fingerprint);
            out.writeLong(seen);
            out.writeLong(augmentRandomState);
            prequential.writeTo(out);
            out.writeInt(holdout.size());
            for (HoldoutPoint p : holdout) {
                out.writeLong(p.examplesSeen());
                out.writeDouble(p.accuracy());
            }
            out.writeBoolean(lastHoldout != null);
            out.writeDouble(lastHoldout == null ? Double.NaN : lastHoldout);
            out.writeLong(lastSnapshotAt);
            out.writeLong(journalLength);
            writeCounts(out, positions);
            out.writeLong(orderLimit);
            writeCounts(out, badRecords);
            writeCounts(out, skippedSteps);
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory cannot fail", e);
        }
        return buffer.toByteArray();
    }

    /**
     * Reads a checkpoint's {@code trainer.bin}.
     *
     * @param file the file
     * @param manifest the checkpoint's manifest, which must agree on examples seen and journal length
     * @return the state, with {@link #savedFingerprint} set
     * @throws DataException naming the file and what is wrong
     */
    static TrainerState read(Path file, CheckpointManifest manifest) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(Files.readAllBytes(file)))) {
            if (in.readInt() != MAGIC) {
                throw new DataException(file + " is not a Coldstream trainer state (bad magic number)");
            }
            int version = in.readInt();
            if (version != VERSION && version != VERSION_1) {
                throw new DataException(file + " has trainer state format " + version + " but this version reads "
                        + VERSION_1 + " and " + VERSION);
            }
            TrainerState s = new TrainerState();
            s.savedFingerprint = in.readUTF();
            s.seen = in.readLong();
            s.augmentRandomState = in.readLong();
            s.prequential = PrequentialAccuracy.readFrom(in);
            int points = in.readInt();
            if (points < 0 || points > s.seen + 1) {
                throw new DataException(file + " lists " + points + " holdout evaluations for " + s.seen + " examples");
            }
            for (int i = 0; i < points; i++) {
                s.holdout.add(new HoldoutPoint(in.readLong(), in.readDouble()));
            }
            boolean hasLast = in.readBoolean();
            double last = in.readDouble();
            s.lastHoldout = hasLast ? last : null;
            s.lastSnapshotAt = in.readLong();
            s.journalLength = in.readLong();
            readCounts(in, s.positions, file, "stream partitions");
            if (version >= 2) {
                s.orderLimit = in.readLong();
                readCounts(in, s.badRecords, file, "bad-record reasons");
                readCounts(in, s.skippedSteps, file, "skipped-step reasons");
            }
            if (in.available() > 0) {
                throw new DataException(file + " has " + in.available() + " bytes after its trainer state");
            }
            if (manifest != null
                    && (s.seen != manifest.examplesSeen() || s.journalLength != manifest.journalLength())) {
                throw new DataException(file + " disagrees with its manifest on examples seen or journal length");
            }
            return s;
        } catch (IOException | IllegalArgumentException e) {
            throw new DataException("could not read the trainer state " + file + ": " + e.getMessage(), e);
        }
    }

    private static void writeCounts(DataOutputStream out, Map<String, Long> counts) throws IOException {
        out.writeInt(counts.size());
        for (Map.Entry<String, Long> c : counts.entrySet()) {
            out.writeUTF(c.getKey());
            out.writeLong(c.getValue());
        }
    }

    private static void readCounts(DataInputStream in, Map<String, Long> into, Path file, String what)
            throws IOException {
        int n = in.readInt();
        if (n < 0 || n > 1_000_000) {
            throw new DataException(file + " lists " + n + " " + what);
        }
        for (int i = 0; i < n; i++) {
            into.put(in.readUTF(), in.readLong());
        }
    }

    /**
     * @return bad records skipped so far, whatever their reason
     */
    long badRecordTotal() {
        return badRecords.values().stream().mapToLong(Long::longValue).sum();
    }
}
