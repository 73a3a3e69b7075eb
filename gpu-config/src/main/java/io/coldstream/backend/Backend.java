package io.coldstream.backend;

import io.coldstream.core.ConfigurationException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Environment;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Starts the ND4J backend with Coldstream's settings and reports what it got.
 *
 * <p>Which backend runs is decided by the class path (exactly one ND4J backend with exactly one
 * native build: {@code nd4j-native} with the {@code linux-x86_64-onednn} classifier by default).
 * This class fixes the default data type to {@code FLOAT}, applies the thread count, and says
 * what is in use and why, so that a run's log and results name the backend they came from.
 *
 * <p>Call {@link #start(BackendSettings)} once, from the main thread, before any network is built.
 */
public final class Backend {

    private Backend() {
    }

    /**
     * Initialises ND4J (loading its native library on first use) and applies the settings.
     *
     * @param settings thread count and other choices
     * @return what is in use, with the reasons
     */
    public static BackendReport start(BackendSettings settings) {
        List<String> reasons = new ArrayList<>();
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        reasons.add("data type FLOAT: 32-bit floats are what the convolution kernels are fastest at and enough for SGD");
        Environment env = Nd4j.getEnvironment();
        String omp = System.getenv("OMP_NUM_THREADS");
        if (settings.threads() > 0) {
            // libnd4j sizes its thread pool when the native library loads; setMaxThreads cannot shrink it
            // afterwards (M2.1), so a mismatch is reported rather than silently ignored.
            env.setMaxThreads(settings.threads());
            Nd4j.factory().blas().setMaxThreads(settings.threads());
            if (env.maxThreads() != settings.threads()) {
                throw new ConfigurationException("threads was " + settings.threads() + " but ND4J started with "
                        + env.maxThreads() + " threads; set OMP_NUM_THREADS=" + settings.threads()
                        + " in the environment before the JVM starts (bin/coldstream does this for --threads)");
            }
            reasons.add("threads " + settings.threads() + ": asked for");
        } else {
            reasons.add("threads " + env.maxThreads() + ": backend default ("
                    + (omp == null ? "number of cores" : "OMP_NUM_THREADS=" + omp) + ")");
        }
        String waitPolicy = System.getenv("OMP_WAIT_POLICY");
        if (!"PASSIVE".equalsIgnoreCase(waitPolicy) && env.maxThreads() > 1) {
            reasons.add("warning: OMP_WAIT_POLICY is " + (waitPolicy == null ? "unset" : waitPolicy)
                    + "; with more than one thread ND4J runs slower unless it is PASSIVE (bin/coldstream sets it)");
        }
        boolean oneDnn = enableOneDnnLayers(settings.oneDnnLayers(), reasons);
        Properties info = Nd4j.getExecutioner().getEnvironmentInformation();
        String backend = env.isCPU() ? "CPU" : "CUDA";
        String nativeBuild = nativeBuild();
        reasons.add("backend " + backend + " (" + nativeBuild + "): the only ND4J backend on the class path");
        String device = env.isCPU()
                ? info.getOrDefault("cores", Runtime.getRuntime().availableProcessors()) + " cores, "
                        + System.getProperty("os.arch")
                : String.valueOf(info.getOrDefault("cuda.devicesInformation", "GPU"));
        String blas = String.valueOf(info.getOrDefault("blas.vendor", "BLAS"));
        if (env.blasMajorVersion() > 0) {
            blas += " " + env.blasMajorVersion() + "." + env.blasMinorVersion() + "." + env.blasPatchVersion();
        }
        return new BackendReport(backend, nativeBuild, device, env.maxThreads(),
                Nd4j.defaultFloatingPointType().name(), blas, oneDnn, reasons);
    }

    /** The system property with which Deeplearning4j M2.1 turns its layer helpers on or off (default: off). */
    static final String HELPERS_DISABLE_PROPERTY = "org.eclipse.deeplearning4j.helpers.disable";

    /**
     * Lets DL4J's layers use oneDNN: helpers must not be disabled (DL4J M2.1 disables them unless
     * told otherwise) and DL4J's check must find the native build's oneDNN flag, which the bridge
     * {@code org.nd4j.nativeblas.Nd4jCpu} makes visible.
     */
    private static boolean enableOneDnnLayers(boolean wanted, List<String> reasons) {
        if (!wanted) {
            System.setProperty(HELPERS_DISABLE_PROPERTY, "true");
            reasons.add("oneDNN layers off: asked for; convolutions use DL4J's Java im2col path");
            return false;
        }
        String userChoice = System.getProperty(HELPERS_DISABLE_PROPERTY);
        if (userChoice != null && Boolean.parseBoolean(userChoice)) {
            reasons.add("oneDNN layers off: -D" + HELPERS_DISABLE_PROPERTY + "=true was given");
            return false;
        }
        System.setProperty(HELPERS_DISABLE_PROPERTY, "false");
        Nd4j.getEnvironment().allowHelpers(true);
        boolean on = org.deeplearning4j.nn.layers.mkldnn.BaseMKLDNNHelper.mklDnnEnabled();
        reasons.add(on
                ? "oneDNN layers on: convolution, pooling and batch norm run on oneDNN, several times faster than"
                        + " DL4J's Java im2col path"
                : "oneDNN layers off: the native build has no oneDNN; convolutions use DL4J's Java im2col path");
        return on;
    }

    /**
     * The native build JavaCPP loaded, read from the platform properties it used.
     *
     * @return such as {@code linux-x86_64-onednn}
     */
    static String nativeBuild() {
        String platform = System.getProperty("org.bytedeco.javacpp.platform",
                System.getProperty("os.name").toLowerCase(Locale.ROOT).startsWith("linux") ? "linux-" + arch() : arch());
        String extension = System.getProperty("org.bytedeco.javacpp.platform.extension", "");
        if (extension.isEmpty() && Backend.class.getClassLoader()
                .getResource("org/nd4j/linalg/cpu/nativecpu/bindings/" + platform + "-onednn/") != null) {
            extension = "-onednn";
        }
        return platform + extension;
    }

    private static String arch() {
        String arch = System.getProperty("os.arch");
        return "amd64".equals(arch) ? "x86_64" : arch;
    }
}
