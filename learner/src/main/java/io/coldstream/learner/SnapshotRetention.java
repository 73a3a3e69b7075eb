package io.coldstream.learner;

import io.coldstream.core.ConfigurationException;
import java.time.Duration;

/**
 * Which published snapshots {@link SnapshotPublisher} deletes: it keeps the newest {@code keep}
 * versions, never the one {@code LATEST} names, and never one replaced less than {@code grace}
 * ago (a version is replaced when the next one is published, at that one's {@code createdAt}), so
 * that a reader that has just opened it can finish loading.
 *
 * @param keep versions to keep, {@code 0} = keep every version (no deletion)
 * @param grace how long a replaced version stays, at least; zero or positive
 */
public record SnapshotRetention(int keep, Duration grace) {

    /** Checks both values. */
    public SnapshotRetention {
        if (keep < 0) {
            throw new ConfigurationException("snapshot.keep was " + keep + " but it must be >= 0 (0 = keep all)");
        }
        if (grace == null || grace.isNegative()) {
            throw new ConfigurationException("snapshot.grace was " + grace + " but it must be zero or positive");
        }
    }

    /** @return keep every version */
    public static SnapshotRetention keepAll() {
        return new SnapshotRetention(0, Duration.ZERO);
    }
}
