package io.coldstream.learner;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.coldstream.core.SnapshotException;
import io.coldstream.core.AtomicFiles;
import io.coldstream.learner.internal.BackgroundWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import io.coldstream.model.Network;
import io.coldstream.model.SnapshotManifest;
import io.coldstream.model.SnapshotStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes versioned model snapshots into a store folder, off the training thread.
 *
 * <p>Layout ({@link SnapshotStore}, which reads it): {@code <store>/<version>/model.zip} (the
 * engine's model file, without optimiser state) and {@code <store>/<version>/manifest.json}
 * ({@link SnapshotManifest}); {@code <store>/LATEST} names the newest complete version. A snapshot becomes visible only once complete: it is written under a
 * hidden temporary name, every file and the folder fsynced, renamed atomically to its version, and
 * only then is {@code LATEST} replaced (write, fsync, atomic rename). A reader that follows
 * {@code LATEST} therefore never sees a partial snapshot, even after a crash.
 *
 * <p>With a {@link SnapshotRetention} ({@code train --snapshot-keep N --snapshot-grace D}) old
 * versions are deleted after each publish: beyond the newest N, never the one {@code LATEST} names,
 * never one replaced less than D ago.
 *
 * <p>{@link #publish} is called by the training thread with a private copy of the network; the
 * writing happens on one background thread, in order. {@link #close()} waits for it and reports a
 * failed write.
 */
public final class SnapshotPublisher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SnapshotPublisher.class);

    private final Path store;
    private final Clock clock;
    private final BackgroundWriter<SnapshotManifest> writer;
    private final Consumer<SnapshotManifest> onPublished;
    private final SnapshotRetention retention;
    private long nextVersion;
    private SnapshotManifest latest;

    /**
     * @param store the snapshot folder; created if missing. Versions continue after the highest present.
     * @param clock the source of {@code createdAt}
     */
    public SnapshotPublisher(Path store, Clock clock) {
        this(store, clock, m -> { });
    }

    /**
     * @param store the snapshot folder; created if missing. Versions continue after the highest present.
     * @param clock the source of {@code createdAt}
     * @param onPublished called on the writer thread once a snapshot is complete and {@code LATEST} names it
     */
    public SnapshotPublisher(Path store, Clock clock, Consumer<SnapshotManifest> onPublished) {
        this(store, clock, SnapshotRetention.keepAll(), onPublished);
    }

    /**
     * @param store the snapshot folder; created if missing. Versions continue after the highest present.
     * @param clock the source of {@code createdAt}, and of "now" for the retention's grace period
     * @param retention which old versions to delete after each publish
     * @param onPublished called on the writer thread once a snapshot is complete and {@code LATEST} names it
     */
    public SnapshotPublisher(Path store, Clock clock, SnapshotRetention retention,
            Consumer<SnapshotManifest> onPublished) {
        this.retention = retention;
        this.store = store;
        this.clock = clock;
        this.onPublished = onPublished;
        try {
            Files.createDirectories(store);
            this.nextVersion = SnapshotStore.highestVersion(store) + 1;
            removeLeftovers(store);
        } catch (IOException e) {
            throw new SnapshotException("could not create the snapshot folder " + store + ": " + e.getMessage(), e);
        }
        this.writer = new BackgroundWriter<>("coldstream-snapshot-writer", "a snapshot to " + store);
    }

    /**
     * Removes what a process stopped mid-write left in the store: a hidden {@code .vN.tmp} (a
     * snapshot not yet renamed to its version) or {@code .vN.deleting} (a version retention had
     * renamed but not yet deleted). Readers never list them; only one trainer writes a store (it
     * holds the run folder's lock), so none is in use.
     */
    private static void removeLeftovers(Path store) throws IOException {
        List<Path> leftovers;
        try (java.util.stream.Stream<Path> list = Files.list(store)) {
            leftovers = list.filter(p -> p.getFileName().toString().matches("\\.v\\d+\\.(tmp|deleting)")).sorted().toList();
        }
        for (Path p : leftovers) {
            AtomicFiles.deleteRecursively(p);
        }
        if (!leftovers.isEmpty()) {
            LOG.info("removed {} left in {} by a run stopped while writing: {}", leftovers.size() == 1
                    ? "a folder" : leftovers.size() + " folders", store,
                    leftovers.stream().map(p -> p.getFileName().toString()).toList());
        }
    }

    /** @return a JSON mapper that writes {@code java.time} values as ISO-8601 text, indented */
    static ObjectMapper mapper() {
        return new ObjectMapper().registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .enable(SerializationFeature.INDENT_OUTPUT);
    }

    /**
     * Queues a snapshot of {@code network}, which becomes owned by the publisher and is closed
     * once written.
     *
     * @param network a private copy of the model ({@link Network#copy()})
     * @param examplesSeen examples trained on so far
     * @param holdoutAccuracy the latest holdout accuracy, or {@code null}
     * @param sourcePositions per partition, the offset of the last example included
     * @param configuration the run's effective configuration
     * @return the version name the snapshot will have
     */
    public synchronized String publish(Network network, long examplesSeen, Double holdoutAccuracy,
            Map<String, Long> sourcePositions, Map<String, Object> configuration) {
        String version = String.format("v%06d", nextVersion++);
        Map<String, Long> positions = Map.copyOf(sourcePositions);
        try {
            writer.submit(() -> {
                try (network) {
                    return write(version, network, examplesSeen, holdoutAccuracy, positions, configuration);
                }
            });
        } catch (SnapshotException e) {
            network.close();
            throw stopping(e);
        }
        return version;
    }

    private SnapshotManifest write(String version, Network network, long examplesSeen, Double holdoutAccuracy,
            Map<String, Long> positions, Map<String, Object> configuration) throws IOException {
        Path tmp = store.resolve("." + version + ".tmp");
        AtomicFiles.deleteRecursively(tmp);
        Files.createDirectories(tmp);
        Path model = tmp.resolve(SnapshotStore.MODEL_FILE);
        network.save(model, false);
        AtomicFiles.fsync(model);
        CrashPoint.here("snapshot-model-written");
        CrashPoint.failHere("snapshot-model-written");
        SnapshotManifest manifest = SnapshotManifest.of(version, clock.instant(), examplesSeen, holdoutAccuracy,
                AtomicFiles.sha256(model), positions, network, configuration);
        Path manifestFile = tmp.resolve(SnapshotStore.MANIFEST_FILE);
        Files.write(manifestFile, manifest.toJson());
        AtomicFiles.fsync(manifestFile);
        AtomicFiles.fsync(tmp);
        Files.move(tmp, store.resolve(version), StandardCopyOption.ATOMIC_MOVE);
        AtomicFiles.fsync(store);
        AtomicFiles.writeAtomically(store.resolve(SnapshotStore.LATEST), version + "\n");
        synchronized (this) {
            latest = manifest;
        }
        prune();
        onPublished.accept(manifest);
        return manifest;
    }

    /**
     * Deletes the versions that {@link SnapshotRetention} lets go: beyond the newest {@code keep},
     * not the one {@code LATEST} names, and replaced at least {@code grace} ago. A version is first
     * renamed to a hidden name (atomically, so a reader listing the store never sees half of it),
     * then deleted. Runs on the writer thread after {@code LATEST} moved.
     */
    private void prune() throws IOException {
        if (retention.keep() <= 0) {
            return;
        }
        SnapshotStore snapshots = new SnapshotStore(store);
        List<String> versions = snapshots.versions();
        String pointed = SnapshotStore.readLatest(store);
        java.time.Instant now = clock.instant();
        for (int i = 0; i < versions.size() - retention.keep(); i++) {
            String version = versions.get(i);
            if (version.equals(pointed)) {
                continue;
            }
            java.time.Instant replaced = replacedAt(snapshots, versions.get(i + 1));
            if (replaced == null || now.isBefore(replaced.plus(retention.grace()))) {
                continue; // still inside its grace period (or its successor's time is unknown)
            }
            Path doomed = store.resolve("." + version + ".deleting");
            AtomicFiles.deleteRecursively(doomed);
            Files.move(store.resolve(version), doomed, StandardCopyOption.ATOMIC_MOVE);
            AtomicFiles.deleteRecursively(doomed);
        }
    }

    /** @return when {@code successor} was published, which is when its predecessor was replaced */
    private static java.time.Instant replacedAt(SnapshotStore snapshots, String successor) {
        try {
            return snapshots.manifest(successor).createdAt();
        } catch (SnapshotException e) {
            return null;
        }
    }

    /** @return the newest snapshot this publisher has finished writing, or {@code null} */
    public synchronized SnapshotManifest latest() {
        return latest;
    }

    /** @return the store folder */
    public Path store() {
        return store;
    }

    /**
     * Waits for every queued snapshot.
     *
     * @return the manifests still pending when called, in version order
     * @throws SnapshotException if any write failed
     */
    public List<SnapshotManifest> awaitAll() {
        try {
            return writer.awaitAll();
        } catch (SnapshotException e) {
            throw stopping(e);
        }
    }

    /**
     * A failed snapshot write stops the run (the policy for every write a run depends on: no retry);
     * the message says what serving still has. The failed version stays in a hidden temporary folder
     * that readers never list and the next publish of that version replaces.
     */
    private SnapshotException stopping(SnapshotException e) {
        SnapshotManifest kept = latest();
        return new SnapshotException(e.getMessage() + "; the run stops: " + (kept == null
                ? "no snapshot was published yet"
                : SnapshotStore.LATEST + " still names " + kept.version() + " (at " + kept.examplesSeen()
                        + " examples), which stays whole for serving")
                + "; a rerun with the same --out resumes from the newest complete checkpoint", e.getCause());
    }

    /** Waits for queued snapshots, then stops the writer thread. */
    @Override
    public void close() {
        writer.close();
    }
}
