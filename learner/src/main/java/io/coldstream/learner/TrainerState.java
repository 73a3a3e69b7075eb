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
 * <p>Owned by the training thread.
 */
final class TrainerState {

    static final int MAGIC = 0x43535453; // "CSTS"
    static final int VERSION = 1;

    long seen;
    long augmentRandomState;
    PrequentialAccuracy prequential = new PrequentialAccuracy(1000);
    final List<HoldoutPoint> holdout = new ArrayList<>();
    Double lastHoldout;
    long lastSnapshotAt;
    long journalLength;
    final Map<String, Long> positions = new TreeMap<>();
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
            out.writeInt(positions.size());
            for (Map.Entry<String, Long> p : positions.entrySet()) {
                out.writeUTF(p.getKey());
                out.writeLong(p.getValue());
            }
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
            if (version != VERSION) {
                throw new DataException(file + " has trainer state format " + version + " but this version reads "
                        + VERSION);
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
            int partitions = in.readInt();
            if (partitions < 0 || partitions > 1_000_000) {
                throw new DataException(file + " lists " + partitions + " stream partitions");
            }
            for (int i = 0; i < partitions; i++) {
                s.positions.put(in.readUTF(), in.readLong());
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
}
