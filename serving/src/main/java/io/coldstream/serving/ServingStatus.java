package io.coldstream.serving;

import java.util.List;
import java.util.Map;

/**
 * What a {@link ModelHandle} serves and what its store holds, at one moment.
 *
 * @param serving the version answering requests, or {@code null} before one is loaded
 * @param policy the version policy
 * @param latest the version {@code LATEST} names, or {@code null} if none was published
 * @param versions the version folders in the store, oldest first
 * @param refused versions refused, each with the reason (in the order refused)
 */
public record ServingStatus(String serving, VersionPolicy policy, String latest, List<String> versions,
        Map<String, String> refused) {

    /** Copies the collections. */
    public ServingStatus {
        versions = List.copyOf(versions);
        refused = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(refused));
    }
}
