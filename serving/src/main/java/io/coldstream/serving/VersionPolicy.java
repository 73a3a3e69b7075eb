package io.coldstream.serving;

import io.coldstream.core.ConfigurationException;
import io.coldstream.model.SnapshotStore;
import java.util.Optional;

/**
 * Which snapshot a {@link ModelHandle} serves: {@code latest} (the version {@code LATEST} names,
 * following it as training goes on) or {@code pinned:<version>} (that one only, never swapped).
 *
 * @param pinned the pinned version, or {@code null} for {@code latest}
 */
public record VersionPolicy(String pinned) {

    /** Checks that a pinned version is a version name such as {@code v000042}. */
    public VersionPolicy {
        if (pinned != null) {
            try {
                SnapshotStore.versionNumber(pinned);
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException("version was 'pinned:" + pinned
                        + "' but a pinned version must be a snapshot version such as pinned:v000042");
            }
        }
    }

    /** @return follow {@code LATEST} */
    public static VersionPolicy latest() {
        return new VersionPolicy(null);
    }

    /**
     * @param version a version name such as {@code v000042}
     * @return serve that version only
     */
    public static VersionPolicy pinned(String version) {
        return new VersionPolicy(version);
    }

    /**
     * @param text {@code latest} or {@code pinned:<version>}
     * @return the policy
     * @throws ConfigurationException naming the text and what is allowed
     */
    public static VersionPolicy parse(String text) {
        String t = text == null ? "" : text.trim();
        if (t.equals("latest")) {
            return latest();
        }
        if (t.startsWith("pinned:")) {
            return pinned(t.substring("pinned:".length()));
        }
        throw new ConfigurationException("version was '" + text + "' but allowed values are latest, pinned:<version>"
                + " (such as pinned:v000042)");
    }

    /** @return the pinned version, empty for {@code latest} */
    public Optional<String> pinnedVersion() {
        return Optional.ofNullable(pinned);
    }

    @Override
    public String toString() {
        return pinned == null ? "latest" : "pinned:" + pinned;
    }
}
