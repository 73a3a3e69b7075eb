package io.coldstream.serving;

import io.coldstream.core.ColdstreamException;
import io.coldstream.model.SnapshotManifest;
import io.coldstream.model.SnapshotStore;
import io.micrometer.core.instrument.Counter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Swaps a {@link ModelHandle} on announcements instead of on what it sees in its store: each
 * announcement is a snapshot manifest's JSON, as {@code train --announce} writes it, received by any
 * transport ({@code serve --follow} reads them from Kafka). The files are still read and verified
 * from the handle's store ({@link ModelHandle#offer}); an announcement only says when to look and
 * which version.
 *
 * <ul>
 *   <li>A version the store does not hold yet (a replicated volume can lag the announcement) waits
 *       and is offered again every {@code recheck}; the {@value #MAX_WAITING} newest wait, and
 *       waiting versions not newer than the served one are dropped.
 *   <li>A version whose manifest in the store has another checksum belongs to another store (two
 *       runs announcing on one topic): skipped, and counted.
 *   <li>A malformed announcement is skipped with a WARN line and counted.
 * </ul>
 * Counted in {@code coldstream.serving.announcements{outcome}} as received (the {@link
 * ModelHandle.Offered} names in lower case, and {@code malformed}; offers made again are not
 * counted). Thread-safe.
 */
public final class AnnouncedSnapshots implements AutoCloseable {

    /** The most announced versions that wait for their files at once. */
    public static final int MAX_WAITING = 16;

    private static final Logger LOG = LoggerFactory.getLogger(AnnouncedSnapshots.class);

    private final ModelHandle handle;
    private final TreeMap<Long, SnapshotManifest> waiting = new TreeMap<>();
    private final ScheduledExecutorService timer;
    private final Map<String, Counter> outcomes = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * @param handle the handle to swap, typically opened with {@link ModelHandle#openUnwatched}
     * @param recheck how often waiting versions are offered again
     */
    public AnnouncedSnapshots(ModelHandle handle, Duration recheck) {
        this.handle = handle;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "coldstream-announced-recheck");
            t.setDaemon(true);
            return t;
        });
        long ms = Math.max(1, recheck.toMillis());
        timer.scheduleWithFixedDelay(this::recheck, ms, ms, TimeUnit.MILLISECONDS);
    }

    /**
     * Handles one announcement.
     *
     * @param json the manifest's JSON
     * @param where where it came from, for messages
     * @return what the handle did with it, or {@code null} if it was malformed
     */
    public ModelHandle.Offered accept(byte[] json, String where) {
        SnapshotManifest m;
        try {
            m = SnapshotManifest.parse(json, where);
            SnapshotStore.versionNumber(m.version());
        } catch (ColdstreamException | IllegalArgumentException e) {
            count("malformed");
            LOG.warn("skipped a malformed snapshot announcement: {}", e.getMessage());
            return null;
        }
        ModelHandle.Offered outcome = offer(m);
        count(outcome.name().toLowerCase(java.util.Locale.ROOT));
        if (outcome == ModelHandle.Offered.OTHER_CONTENT) {
            LOG.debug("the announcement of {} at {} is of another store (its checksum differs from {}'s)", m.version(),
                    where, m.version());
        } else if (outcome == ModelHandle.Offered.NOT_PRESENT) {
            LOG.info("announced {} is not in the store yet; offering it again until it is", m.version());
        }
        return outcome;
    }

    /** @return the announced versions waiting for their files, oldest first */
    public List<String> waiting() {
        synchronized (waiting) {
            List<String> out = new ArrayList<>();
            for (SnapshotManifest m : waiting.values()) {
                out.add(m.version());
            }
            return out;
        }
    }

    private ModelHandle.Offered offer(SnapshotManifest m) {
        ModelHandle.Offered outcome = handle.offer(m.version(), m.sha256());
        long number = SnapshotStore.versionNumber(m.version());
        synchronized (waiting) {
            if (outcome == ModelHandle.Offered.NOT_PRESENT) {
                waiting.put(number, m);
                while (waiting.size() > MAX_WAITING) {
                    waiting.pollFirstEntry();
                }
            } else {
                waiting.remove(number);
            }
            long served = handle.version().map(SnapshotStore::versionNumber).orElse(0L);
            waiting.headMap(served, true).clear();
        }
        return outcome;
    }

    private void recheck() {
        List<SnapshotManifest> candidates;
        synchronized (waiting) {
            candidates = new ArrayList<>(waiting.descendingMap().values());
        }
        // the newest first: once it is served, the older ones are not newer any more
        for (Iterator<SnapshotManifest> it = candidates.iterator(); it.hasNext(); ) {
            try {
                if (offer(it.next()) == ModelHandle.Offered.SWAPPED) {
                    break;
                }
            } catch (RuntimeException e) {
                LOG.warn("offering an announced snapshot again failed: {}", e.toString());
            }
        }
    }

    private void count(String outcome) {
        outcomes.computeIfAbsent(outcome, o -> Counter.builder("coldstream.serving.announcements").tag("outcome", o)
                .description("snapshot announcements received, by what was done with them")
                .register(handle.registry())).increment();
    }

    /** Stops offering waiting versions again. */
    @Override
    public void close() {
        timer.shutdownNow();
    }
}
