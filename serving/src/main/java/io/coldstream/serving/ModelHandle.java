package io.coldstream.serving;

import io.coldstream.core.ColdstreamException;
import io.coldstream.core.Shape;
import io.coldstream.model.Network;
import io.coldstream.model.SnapshotManifest;
import io.coldstream.model.SnapshotStore;
import io.coldstream.serving.internal.Batcher;
import io.coldstream.serving.internal.LoadedModel;
import io.coldstream.serving.internal.StoreWatcher;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The in-process API of a JVM inference service: follows a snapshot store while a trainer publishes
 * into it and answers predictions from one whole, verified model at a time.
 *
 * <p><b>Loading.</b> A candidate version is loaded off the request path (on the watcher thread, or
 * the caller of {@link #refresh()}): its manifest is read, the model file's SHA-256 checked against
 * it ({@link SnapshotStore#load}), the network restored on the engine that wrote it, and its input
 * shape and classes compared with the model being served. A snapshot that fails any of these (bad
 * checksum, truncated or unreadable model file, malformed manifest, unknown engine, format 1,
 * another shape or class count) is <em>refused</em>: logged at WARN with the reason, counted in
 * {@code coldstream.serving.refused{reason}}, listed in {@link #status()}, never retried, and the
 * previous model keeps serving.
 *
 * <p><b>Swapping.</b> A loaded model replaces the current one with one atomic reference write
 * between requests. A request takes the current model once and computes every row on it, so it
 * sees one whole model; a replaced model is closed only when its last in-flight request is done.
 * Versions only ever move forward (a {@code LATEST} that names an older version than the one served
 * is ignored), so the versions one caller sees never go backwards.
 *
 * <p><b>Policies.</b> {@code latest}: the version {@code LATEST} names, or if that one is refused the
 * newest valid version below it that is newer than the one served. {@code pinned:v}: that version,
 * loaded once; never swapped.
 *
 * <p><b>Threads.</b> {@link #predict} may be called from any number of threads. A network is not
 * thread-safe, so the forward passes of concurrent requests run one at a time on the served model
 * (each engine already uses every core for one pass). By default (unless
 * {@link ServingOptions.Builder#noBatching()}), concurrent calls are gathered into one forward pass of
 * up to {@code maxBatch} rows (dynamic batching): a pass takes the calls that queued while the one
 * before it ran, waiting {@link ServingOptions#maxDelay()} (default 0) for more. A batch is computed
 * on one model, so every guarantee above holds per call. Rows of a batch may differ from the same
 * rows predicted alone in the last bits (other kernels run); unbatched, an answer equals the
 * snapshot's offline {@code predictProbabilities} bit for bit.
 * The engine's native runtime is started by the caller ({@code Networks.startEngine}) for
 * Deeplearning4j's oneDNN path; otherwise the defaults apply.
 */
public final class ModelHandle implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ModelHandle.class);

    private final SnapshotStore store;
    private final ServingOptions options;
    private final MeterRegistry registry;
    private final AtomicReference<LoadedModel> current = new AtomicReference<>();
    private final Map<String, String> refused = new LinkedHashMap<>();
    private final Counter swaps;
    private final Timer predictTimer;
    private final DistributionSummary rowsPerCall;
    private final StoreWatcher watcher;
    private final Batcher<Prediction> batcher;
    private final Object refreshLock = new Object();
    private String lastLatestSeen;
    private volatile boolean closed;

    private ModelHandle(SnapshotStore store, ServingOptions options, MeterRegistry registry, boolean watch) {
        this.store = store;
        this.options = options;
        this.registry = registry;
        this.swaps = Counter.builder("coldstream.serving.swaps").description("models swapped in").register(registry);
        this.predictTimer = Timer.builder("coldstream.serving.predict")
                .description("one predict call on the model, forward pass included").publishPercentileHistogram()
                .register(registry);
        this.rowsPerCall = DistributionSummary.builder("coldstream.serving.batch.size")
                .description("rows per forward pass").baseUnit("rows").publishPercentileHistogram().register(registry);
        Gauge.builder("coldstream.serving.model.version", current, c -> c.get() == null ? 0 : c.get().number())
                .description("number of the version being served, 0 before one is loaded").register(registry);
        this.batcher = options.batching() ? new Batcher<>(options.maxBatch(), options.maxDelay().toNanos(),
                this::runBatch) : null;
        this.watcher = watch ? new StoreWatcher(store.dir(), options.pollInterval(), options.watch(), this::refresh) : null;
    }

    /**
     * Opens a store, loads the version the policy names if one is there, and starts following the
     * store (file-system events plus polling every {@link ServingOptions#pollInterval()}).
     *
     * @param storeDir a training run's output folder (holding {@code snapshots/}, or about to) or a
     *     store folder that holds {@code LATEST} or a version; the snapshots need not exist yet
     * @param options policy, batch, top-k, polling
     * @return the handle; {@link #ready()} says whether a model is loaded
     */
    public static ModelHandle open(Path storeDir, ServingOptions options) {
        return open(storeDir, options, new SimpleMeterRegistry());
    }

    /**
     * As {@link #open(Path, ServingOptions)}, registering the handle's meters in {@code registry}.
     *
     * @param storeDir a run's output folder or a store folder
     * @param options policy, batch, top-k, polling
     * @param registry where the meters go
     * @return the handle
     */
    public static ModelHandle open(Path storeDir, ServingOptions options, MeterRegistry registry) {
        ModelHandle handle = new ModelHandle(resolve(storeDir), options, registry, true);
        handle.refresh();
        handle.watcher.start();
        return handle;
    }

    /**
     * Opens a store without a watcher thread: the store is read only on {@link #refresh()}. For
     * callers that decide when to swap (and for tests).
     *
     * @param storeDir a run's output folder or a store folder
     * @param options policy, batch, top-k (polling settings are unused)
     * @param registry where the meters go
     * @return the handle, with the policy's version loaded if present
     */
    public static ModelHandle openUnwatched(Path storeDir, ServingOptions options, MeterRegistry registry) {
        ModelHandle handle = new ModelHandle(resolve(storeDir), options, registry, false);
        handle.refresh();
        return handle;
    }

    /**
     * The store a folder names: the folder itself if it holds {@code LATEST} or a version folder,
     * otherwise its {@code snapshots/} (a run's output folder, possibly before the trainer's first
     * snapshot).
     */
    private static SnapshotStore resolve(Path folder) {
        SnapshotStore direct = new SnapshotStore(folder);
        if (java.nio.file.Files.exists(folder.resolve(SnapshotStore.LATEST)) || !direct.versions().isEmpty()) {
            return direct;
        }
        return new SnapshotStore(folder.resolve("snapshots"));
    }

    /**
     * Predicts {@code count} rows on the model being served.
     *
     * @param features NCHW floats in {@code [0, 1]}, exactly {@code count * inputShape().elementCount()}
     * @param count rows, {@code >= 1}
     * @return probabilities, top-k and the version that answered
     * @throws ServingException if no model is loaded yet
     * @throws BadInputException if the features do not have the model's shape
     */
    public Prediction predict(float[] features, int count) {
        if (closed) {
            throw new ServingException("the model handle of " + store.dir() + " is closed");
        }
        if (batcher != null) {
            int row = inputShape().elementCount();
            if (count < 1 || features.length != (long) count * row) {
                throw new BadInputException("input had " + features.length + " values for " + count + " rows but "
                        + "the model takes rows of " + row + " values (" + shapeText(inputShape()) + ")");
            }
            try {
                return batcher.submit(features, count).get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ServingException("interrupted while waiting for a batched prediction", e);
            } catch (java.util.concurrent.ExecutionException e) {
                if (e.getCause() instanceof ServingException se) {
                    throw se;
                }
                throw new ServingException("a batched prediction failed: " + e.getCause(), e.getCause());
            }
        }
        LoadedModel model = acquire();
        try {
            Network net = model.network();
            int row = net.inputShape().elementCount();
            if (count < 1 || features.length != (long) count * row) {
                throw new BadInputException("input had " + features.length + " values for " + count + " rows but "
                        + model.version() + " takes rows of " + row + " values (" + shapeText(net.inputShape()) + ")");
            }
            float[] probabilities = new float[count * net.numClasses()];
            long t0 = System.nanoTime();
            synchronized (net) {
                for (int start = 0; start < count; start += options.maxBatch()) {
                    int n = Math.min(options.maxBatch(), count - start);
                    if (start == 0 && n == count) {
                        net.predictProbabilities(features, n, probabilities);
                    } else {
                        float[] part = java.util.Arrays.copyOfRange(features, start * row, (start + n) * row);
                        float[] out = new float[n * net.numClasses()];
                        net.predictProbabilities(part, n, out);
                        System.arraycopy(out, 0, probabilities, start * net.numClasses(), out.length);
                    }
                    rowsPerCall.record(n);
                }
            }
            predictTimer.record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
            return new Prediction(model.version(), count, net.numClasses(), options.topK(), probabilities);
        } finally {
            model.release();
        }
    }

    /** Dynamic batching: one forward pass for every queued call, on one model. */
    private void runBatch(List<Batcher.Job<Prediction>> jobs) {
        LoadedModel model = acquire();
        try {
            Network net = model.network();
            int row = net.inputShape().elementCount();
            int classes = net.numClasses();
            int rows = 0;
            for (Batcher.Job<Prediction> j : jobs) {
                rows += j.count();
            }
            float[] all;
            if (jobs.size() == 1) {
                all = jobs.get(0).features();
            } else {
                all = new float[rows * row];
                int at = 0;
                for (Batcher.Job<Prediction> j : jobs) {
                    System.arraycopy(j.features(), 0, all, at, j.count() * row);
                    at += j.count() * row;
                }
            }
            float[] out = new float[rows * classes];
            long t0 = System.nanoTime();
            synchronized (net) {
                net.predictProbabilities(all, rows, out);
            }
            predictTimer.record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
            rowsPerCall.record(rows);
            int at = 0;
            for (Batcher.Job<Prediction> j : jobs) {
                float[] part = java.util.Arrays.copyOfRange(out, at * classes, (at + j.count()) * classes);
                at += j.count();
                j.result().complete(new Prediction(model.version(), j.count(), classes, options.topK(), part));
            }
        } finally {
            model.release();
        }
    }

    private LoadedModel acquire() {
        while (true) {
            LoadedModel m = current.get();
            if (m == null) {
                throw new ServingException("no model is being served yet: " + describeWaiting());
            }
            if (m.tryAcquire()) {
                return m;
            }
            // closed between the read and the acquire: a newer model is current now
        }
    }

    private String describeWaiting() {
        String latest = safeLatest();
        if (options.policy().pinned() != null) {
            String reason = refusedReason(options.policy().pinned());
            return "the pinned version " + options.policy().pinned() + (reason != null ? " was refused: " + reason
                    : " is not in " + store.dir());
        }
        if (latest == null) {
            return "nothing has been published into " + store.dir() + " yet";
        }
        return "no valid snapshot up to " + latest + " in " + store.dir();
    }

    /** @return whether a model is loaded and answering */
    public boolean ready() {
        return current.get() != null;
    }

    /** @return the version being served, empty before one is loaded */
    public Optional<String> version() {
        LoadedModel m = current.get();
        return m == null ? Optional.empty() : Optional.of(m.version());
    }

    /** @return the manifest of the version being served, empty before one is loaded */
    public Optional<SnapshotManifest> manifest() {
        LoadedModel m = current.get();
        return m == null ? Optional.empty() : Optional.of(m.manifest());
    }

    /**
     * @return the input shape of the served model
     * @throws ServingException if none is loaded yet
     */
    public Shape inputShape() {
        return manifest().map(SnapshotManifest::inputShape)
                .orElseThrow(() -> new ServingException("no model is being served yet: " + describeWaiting()));
    }

    /** @return the options */
    public ServingOptions options() {
        return options;
    }

    /** @return the registry holding this handle's meters */
    public MeterRegistry registry() {
        return registry;
    }

    /**
     * Waits until a model is loaded.
     *
     * @param timeout the longest wait
     * @return whether one is
     * @throws InterruptedException if interrupted while waiting
     */
    public boolean awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!ready() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return ready();
    }

    /** @return the served version, the store's versions, and the refused ones with their reasons */
    public ServingStatus status() {
        List<String> versions;
        try {
            versions = store.versions();
        } catch (ColdstreamException e) {
            versions = List.of();
        }
        Map<String, String> refusedCopy;
        synchronized (refused) {
            refusedCopy = new LinkedHashMap<>(refused);
        }
        return new ServingStatus(version().orElse(null), options.policy(), safeLatest(), versions, refusedCopy);
    }

    /**
     * Reads the store now and swaps to the version the policy names, if it is newer than the one
     * served and valid. Called by the watcher; callable from any thread (checks run one at a time).
     */
    public void refresh() {
        synchronized (refreshLock) {
            if (closed) {
                return;
            }
            LoadedModel served = current.get();
            String pinned = options.policy().pinned();
            if (pinned != null) {
                if (served == null && refusedReason(pinned) == null && store.versions().contains(pinned)) {
                    tryLoad(pinned, null);
                }
                return;
            }
            String latest = safeLatest();
            if (latest == null || (latest.equals(lastLatestSeen) && served != null)) {
                return;
            }
            long latestNumber;
            try {
                latestNumber = SnapshotStore.versionNumber(latest);
            } catch (IllegalArgumentException e) {
                refuse(latest, "bad-pointer", SnapshotStore.LATEST + " names '" + latest + "', which is not a version");
                return;
            }
            lastLatestSeen = latest;
            long servedNumber = served == null ? 0 : served.number();
            if (latestNumber < servedNumber) {
                LOG.warn("{} names {} but {} is being served; versions never go backwards, so it stays",
                        SnapshotStore.LATEST, latest, served.version());
                return;
            }
            List<String> candidates = new ArrayList<>();
            for (String v : store.versions()) {
                long n = SnapshotStore.versionNumber(v);
                if (n > servedNumber && n <= latestNumber && refusedReason(v) == null) {
                    candidates.add(v);
                }
            }
            candidates.sort(Comparator.comparingLong(SnapshotStore::versionNumber).reversed());
            for (String v : candidates) {
                if (tryLoad(v, served)) {
                    return;
                }
            }
        }
    }

    /** What {@link #offer} did with an announced version. */
    public enum Offered {
        /** loaded, verified and now served */
        SWAPPED,
        /** not newer than the version served, or not the pinned one: nothing to do */
        NOT_NEWER,
        /** the store does not hold that version (yet): a replicated store may lag the announcement */
        NOT_PRESENT,
        /** the store's manifest of that version has another checksum: an announcement of another store */
        OTHER_CONTENT,
        /** refused (now or before): see {@link #status()} */
        REFUSED
    }

    /**
     * Offers one announced version, from {@code serve --follow} or any other transport of
     * announcements: it is loaded exactly as {@link #refresh()} loads one (manifest, SHA-256,
     * engine, shape; refused for good if unfit) when it is newer than the version served, the policy
     * allows it, and the store's manifest of it carries the announced checksum. Versions still only
     * move forward.
     *
     * @param version the announced version, such as {@code v000007}
     * @param sha256 the announced SHA-256 of its model file
     * @return what was done
     */
    public Offered offer(String version, String sha256) {
        synchronized (refreshLock) {
            long number;
            try {
                number = SnapshotStore.versionNumber(version);
            } catch (IllegalArgumentException e) {
                return Offered.OTHER_CONTENT;
            }
            LoadedModel served = current.get();
            String pinned = options.policy().pinned();
            if (closed || (pinned != null && (!pinned.equals(version) || served != null))
                    || (served != null && number <= served.number())) {
                return Offered.NOT_NEWER;
            }
            if (refusedReason(version) != null) {
                return Offered.REFUSED;
            }
            if (!store.versions().contains(version)) {
                return Offered.NOT_PRESENT;
            }
            try {
                if (!store.manifest(version).sha256().equalsIgnoreCase(sha256)) {
                    return Offered.OTHER_CONTENT;
                }
            } catch (ColdstreamException e) {
                // an unreadable manifest: tryLoad refuses it with the reason
            }
            return tryLoad(version, served) ? Offered.SWAPPED : Offered.REFUSED;
        }
    }

    /** Loads, checks and swaps in one version; false (and refused) if it is not fit to serve. */
    private boolean tryLoad(String version, LoadedModel served) {
        SnapshotManifest manifest;
        try {
            manifest = store.manifest(version);
        } catch (ColdstreamException e) {
            String msg = String.valueOf(e.getMessage());
            refuse(version, msg.contains("engine") ? "unknown-engine" : "bad-manifest", msg);
            return false;
        }
        if (manifest.inputShape() == null || manifest.engine() == null) {
            refuse(version, "old-format", "manifest format " + manifest.formatVersion()
                    + " does not record the engine and input shape; serve snapshots of format "
                    + SnapshotManifest.FORMAT_VERSION);
            return false;
        }
        if (served != null && (!manifest.inputShape().equals(served.manifest().inputShape())
                || manifest.numClasses() != served.manifest().numClasses())) {
            refuse(version, "wrong-shape", "it takes " + shapeText(manifest.inputShape()) + " with "
                    + manifest.numClasses() + " classes but " + served.version() + ", being served, takes "
                    + shapeText(served.manifest().inputShape()) + " with " + served.manifest().numClasses()
                    + " classes");
            return false;
        }
        Network network;
        try {
            network = store.load(version, options.maxBatch());
        } catch (ColdstreamException e) {
            String msg = String.valueOf(e.getMessage());
            refuse(version, msg.contains("SHA-256") ? "checksum" : msg.contains("engine") ? "unknown-engine"
                    : "unreadable-model", msg);
            return false;
        } catch (RuntimeException e) {
            refuse(version, "unreadable-model", e.getClass().getSimpleName() + ": " + e.getMessage());
            return false;
        }
        if (!network.inputShape().equals(manifest.inputShape()) || network.numClasses() != manifest.numClasses()) {
            network.close();
            refuse(version, "wrong-shape", "its model takes " + shapeText(network.inputShape()) + " with "
                    + network.numClasses() + " classes but its manifest says " + shapeText(manifest.inputShape())
                    + " with " + manifest.numClasses());
            return false;
        }
        LoadedModel next = new LoadedModel(version, SnapshotStore.versionNumber(version), manifest, network);
        LoadedModel previous = current.getAndSet(next);
        if (previous != null) {
            previous.retire();
        }
        swaps.increment();
        LOG.info("serving {} ({} on {}, {} examples seen){}", version, manifest.network(), manifest.engine().cliName(),
                manifest.examplesSeen(), previous == null ? "" : ", replacing " + previous.version());
        return true;
    }

    private void refuse(String version, String reason, String message) {
        synchronized (refused) {
            if (refused.containsKey(version)) {
                return;
            }
            refused.put(version, reason + ": " + message);
        }
        Counter.builder("coldstream.serving.refused").tag("reason", reason)
                .description("snapshots refused, by reason").register(registry).increment();
        LOG.warn("refused snapshot {} in {} ({}): {}; {} keeps serving", version, store.dir(), reason, message,
                version().orElse("no model"));
    }

    private String refusedReason(String version) {
        synchronized (refused) {
            return refused.get(version);
        }
    }

    private String safeLatest() {
        try {
            return store.latest().orElse(null);
        } catch (ColdstreamException e) {
            return null;
        }
    }

    private static String shapeText(Shape s) {
        return s.channels() + "x" + s.height() + "x" + s.width();
    }

    /** Stops following the store; closes the served model once its in-flight requests are done. */
    @Override
    public void close() {
        if (watcher != null) {
            watcher.close();
        }
        if (batcher != null) {
            batcher.close();
        }
        synchronized (refreshLock) {
            closed = true;
            LoadedModel m = current.getAndSet(null);
            if (m != null) {
                m.retire();
            }
        }
    }
}
