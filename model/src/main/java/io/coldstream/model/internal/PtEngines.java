package io.coldstream.model.internal;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import io.coldstream.backend.BackendReport;
import java.util.ArrayList;
import java.util.List;

/**
 * Loads DJL's PyTorch engine offline. Its native library comes from the {@code pytorch-native-cpu}
 * and {@code pytorch-jni} jars on the class path and is unpacked into DJL's cache folder
 * ({@code DJL_CACHE_DIR}, default {@code ~/.djl.ai}); {@code ai.djl.offline=true} makes DJL fail
 * rather than download anything.
 */
public final class PtEngines {

    /** The libtorch version of the {@code pytorch-native-cpu} jar this build uses. */
    public static final String LIBTORCH_VERSION = "2.7.1";

    private PtEngines() {
    }

    /**
     * Sets libtorch's intra-op thread count for when the engine loads; a later call, or one after the
     * engine has loaded, changes nothing (libtorch sizes its pool once).
     *
     * @param threads threads, {@code 0} for libtorch's default (OMP_NUM_THREADS, else the cores)
     */
    public static synchronized void configure(int threads) {
        System.setProperty("ai.djl.offline", "true");
        if (threads > 0 && System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
        }
    }

    /** @return the PyTorch engine, loaded on first use */
    public static synchronized Engine get() {
        System.setProperty("ai.djl.offline", "true");
        return Engine.getEngine("PyTorch");
    }

    /** @return e.g. {@code PyTorch 2.7.1 through DJL 0.36.0} */
    public static String describe() {
        return "PyTorch " + get().getVersion() + " through DJL " + djlVersion();
    }

    /** @return DJL's version from its jar manifest, or the one this build pins when the manifest lacks it */
    private static String djlVersion() {
        String djl = Engine.class.getPackage().getImplementationVersion();
        return djl == null ? "0.36.0" : djl;
    }

    /**
     * Loads the engine with {@code threads} and says what runs, in the same form as the ND4J backend.
     *
     * @param threads intra-op threads, {@code 0} for libtorch's default
     * @return the report
     */
    public static BackendReport start(int threads) {
        configure(threads);
        Engine engine = get();
        List<String> reasons = new ArrayList<>();
        reasons.add("engine pytorch: asked for with --engine pytorch");
        String omp = System.getenv("OMP_NUM_THREADS");
        reasons.add("threads " + JniUtils.getNumThreads() + ": " + (threads > 0 ? "asked for"
                : "libtorch default (" + (omp == null ? "number of cores" : "OMP_NUM_THREADS=" + omp) + ")"));
        reasons.add("native library from the pytorch-native-cpu jar, unpacked into " + ai.djl.util.Utils.getEngineCacheDir(
                "pytorch") + "; nothing is downloaded (ai.djl.offline=true)");
        reasons.add("convolutions run on oneDNN inside libtorch (batches of two rows or more; see PtNetwork)");
        reasons.add("device CPU: the only libtorch this build has; no CUDA build of libtorch " + LIBTORCH_VERSION
                + " for DJL is served from Maven Central");
        return new BackendReport("PyTorch", engine.getVersion() + " via DJL " + djlVersion()
                + " (pytorch-native-cpu linux-x86_64)", "CPU", JniUtils.getNumThreads(), "FLOAT", "libtorch", true,
                reasons);
    }
}
