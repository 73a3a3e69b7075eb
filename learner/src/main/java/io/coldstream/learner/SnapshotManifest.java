package io.coldstream.learner;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * What a published snapshot holds, written beside its model as {@code manifest.json}.
 *
 * @param version the snapshot's name and folder, such as {@code v000003}; versions increase
 * @param createdAt when it was made (the run's clock)
 * @param examplesSeen stream examples the model had been trained on
 * @param holdoutAccuracy the latest holdout accuracy at that point, or {@code null} if none yet
 * @param sha256 SHA-256 of {@code model.zip}, lower-case hex
 * @param sourcePositions per stream partition, the offset of the last example included
 * @param network the architecture's name, such as {@code small-cnn}
 * @param parameterCount trainable parameters
 * @param configuration the run's effective configuration
 */
public record SnapshotManifest(String version, Instant createdAt, long examplesSeen, Double holdoutAccuracy,
        String sha256, Map<String, Long> sourcePositions, String network, long parameterCount,
        Map<String, Object> configuration) {

    /** Validates and copies the maps. */
    public SnapshotManifest {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(sha256, "sha256");
        sourcePositions = Map.copyOf(sourcePositions);
        configuration = configuration == null ? Map.of() : configuration;
    }
}
