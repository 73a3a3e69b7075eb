package io.coldstream.learner;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Describes one complete checkpoint, written as {@code manifest.json} inside it.
 *
 * @param name the checkpoint's folder name, such as {@code ckpt-000004}
 * @param createdAt when it was written (the run's clock)
 * @param examplesSeen stream examples trained on when it was taken
 * @param sourcePositions per partition, the offset of the last example it includes; a resumed run
 *     reads on from the next offset
 * @param journalLength entries of {@code trained-ids.bin} that belong to it (the ids of the
 *     examples trained on, in order); a resumed run cuts the journal back to this length
 * @param sha256 SHA-256 of each file in the checkpoint, by file name
 * @param replayChain the replay files that rebuild the buffer, in order, as {@code <checkpoint>/<file>}:
 *     a base ({@code replay.bin}), then the increments after it ({@code replay-increment.bin}), the last
 *     this checkpoint's own; a manifest without it (written before increments) means its own
 *     {@code replay.bin} alone
 */
public record CheckpointManifest(String name, Instant createdAt, long examplesSeen, Map<String, Long> sourcePositions,
        long journalLength, Map<String, String> sha256, List<String> replayChain) {

    /** Validates and copies the maps. */
    public CheckpointManifest {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(createdAt, "createdAt");
        sourcePositions = Map.copyOf(sourcePositions);
        sha256 = Map.copyOf(sha256);
        replayChain = replayChain == null || replayChain.isEmpty() ? List.of(name + "/" + CheckpointStore.REPLAY)
                : List.copyOf(replayChain);
        if (examplesSeen < 0 || journalLength < 0) {
            throw new IllegalArgumentException("checkpoint counters must be >= 0");
        }
    }
}
