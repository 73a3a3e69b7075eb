package io.coldstream.backend;

import io.coldstream.backend.internal.CpuOnlyClassLoader;
import io.coldstream.backend.internal.CudaProbe;
import io.coldstream.core.ConfigurationException;
import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.nd4j.common.config.ND4JClassLoading;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.environment.Nd4jEnvironment;
import org.nd4j.linalg.factory.Environment;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses and starts the ND4J backend with Coldstream's settings and reports what it got.
 *
 * <p>Which backends can run is decided by the build: the default build has ND4J's CPU backend only
 * ({@code nd4j-native}, {@code linux-x86_64-onednn} native build); a build with {@code -Pcuda} adds
 * the CUDA backend ({@code nd4j-cuda-11.6}, {@code linux-x86_64-cudnn} native build) beside it. Before
 * ND4J starts, this class asks the CUDA runtime whether a usable GPU is there ({@link CudaProbe}):
 * if so ND4J starts on CUDA, on the chosen device; if not, it starts on the CPU with one WARN line
 * saying why, or, with {@link BackendSettings#requireGpu()}, refuses to start. It then fixes the
 * default data type to {@code FLOAT}, applies the thread count, and says what is in use and why, so
 * that a run's log and results name the backend they came from.
 *
 * <p>Call {@link #start(BackendSettings)} from the main thread before any network is built; later
 * calls report the backend already running. Thread-safe (synchronised).
 */
public final class Backend {

    private static final Logger LOG = LoggerFactory.getLogger(Backend.class);
    private static final String CUDA_ENVIRONMENT = "org.nd4j.jita.conf.CudaEnvironment";

    /** What the CUDA probe found, once per JVM: ND4J picks its backend only once. */
    private static CudaProbe.Result probe;
    private static boolean fallbackDone;
    private static boolean forcedCpu;

    /**
     * The system property that, set to {@code cpu}, makes a CUDA build start ND4J on the CPU even
     * where a GPU is usable (for comparisons such as the CPU-versus-GPU parity test); no WARN line.
     */
    public static final String BACKEND_PROPERTY = "coldstream.backend";
    private static final String CPU = "cpu";

    private Backend() {
    }

    /**
     * Probes for a GPU (once per JVM), initialises ND4J (loading its native library on first use)
     * and applies the settings.
     *
     * @param settings thread count, device and other choices
     * @return what is in use, with the reasons
     * @throws ConfigurationException when {@link BackendSettings#requireGpu()} is set and no GPU can be
     *     used, when the device index is not one of this host's GPUs, or when the thread count cannot be
     *     honoured
     */
    public static synchronized BackendReport start(BackendSettings settings) {
        List<String> reasons = new ArrayList<>();
        CudaProbe.Result gpu = probe();
        if (!gpu.usable() && settings.requireGpu()) {
            throw new ConfigurationException("--require-gpu was given but there is no usable GPU: " + gpu.problem());
        }
        String warning = null;
        if (gpu.onClassPath() && !gpu.usable()) {
            warning = forcedCpu ? null
                    : "no usable GPU, training on the CPU: " + gpu.problem() + " (--require-gpu stops instead)";
            fallBackToCpuOnce(warning);
        }
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        Environment env = Nd4j.getEnvironment();
        boolean cpu = env.isCPU();
        if (!cpu && settings.device() >= gpu.devices()) {
            throw new ConfigurationException("device was " + settings.device() + " but this host has "
                    + gpu.devices() + " CUDA device" + (gpu.devices() == 1 ? "" : "s") + " (0 to "
                    + (gpu.devices() - 1) + ")");
        }
        reasons.add(backendReason(gpu, cpu));
        reasons.add("data type FLOAT: 32-bit floats, what Coldstream trains in and what the kernels are"
                + " fastest at; half precision is refused (see --dtype)");
        applyThreads(settings, env, cpu, reasons);
        Properties info = Nd4j.getExecutioner().getEnvironmentInformation();
        String blas = String.valueOf(info.getOrDefault(Nd4jEnvironment.BLAS_VENDOR_KEY, "BLAS"));
        if (env.blasMajorVersion() > 0) {
            blas += " " + env.blasMajorVersion() + "." + env.blasMinorVersion() + "." + env.blasPatchVersion();
        }
        if (cpu) {
            if (settings.device() != 0) {
                reasons.add("device " + settings.device() + ": ignored, the CPU backend has no devices");
            }
            boolean oneDnn = enableOneDnnLayers(settings.oneDnnLayers(), reasons);
            String device = info.getOrDefault(Nd4jEnvironment.CPU_CORES_KEY, Runtime.getRuntime().availableProcessors())
                    + " cores, " + System.getProperty("os.arch");
            return new BackendReport("CPU", nativeBuild(), device, env.maxThreads(),
                    Nd4j.defaultFloatingPointType().name(), blas, oneDnn, reasons, "CPU", -1, "n/a", "not reported",
                    warning);
        }
        useDevice(settings.device(), reasons);
        Map<?, ?> dev = deviceInformation(info, settings.device());
        String name = String.valueOf(dev.get(Nd4jEnvironment.CUDA_DEVICE_NAME_KEY));
        long memory = dev.get(Nd4jEnvironment.CUDA_TOTAL_MEMORY_KEY) instanceof Number n ? n.longValue() : -1;
        String capability = dev.get(Nd4jEnvironment.CUDA_DEVICE_MAJOR_VERSION_KEY) + "."
                + dev.get(Nd4jEnvironment.CUDA_DEVICE_MINOR_VERSION_KEY);
        reasons.add("oneDNN layers: not used on CUDA; layers run on ND4J's CUDA kernels and cuBLAS, with cuDNN"
                + " where libnd4j's -cudnn build has a platform helper for the op");
        return new BackendReport("CUDA", cudaNativeBuild(), "GPU " + settings.device() + " of " + gpu.devices(),
                env.maxThreads(), Nd4j.defaultFloatingPointType().name(), blas, false, reasons, name, memory,
                capability, "not reported", null);
    }

    /**
     * Whether ND4J can start on a GPU here, asked before ND4J starts (and answered the same for the
     * rest of the JVM, since ND4J chooses its backend once).
     *
     * @return empty when a usable GPU and the CUDA backend are there; otherwise why not, such as
     *     {@code "this build has no CUDA backend (build with mvn -Pcuda)"}
     */
    public static Optional<String> whyNoGpu() {
        return Optional.ofNullable(probe().problem());
    }

    /** @return what the probe found, probing on the first call */
    static synchronized CudaProbe.Result probe() {
        if (probe == null) {
            CudaProbe.Result found = CudaProbe.probe(ND4JClassLoading.getNd4jClassloader());
            if (found.onClassPath() && CPU.equals(System.getProperty(BACKEND_PROPERTY))) {
                found = new CudaProbe.Result(true, 0, found.driverVersion(), found.runtimeVersion(),
                        "-D" + BACKEND_PROPERTY + "=cpu was given");
                forcedCpu = true;
            }
            probe = found;
        }
        return probe;
    }

    /**
     * Hides the CUDA backend from ND4J's backend search, so that ND4J starts on the CPU without trying
     * CUDA (which, in M2.1, prints a stack trace before falling back), and logs the one WARN line.
     */
    private static void fallBackToCpuOnce(String warning) {
        if (fallbackDone) {
            return;
        }
        fallbackDone = true;
        ClassLoader current = ND4JClassLoading.getNd4jClassloader();
        String cudaJar = CpuOnlyClassLoader.cudaBackendLocation(current);
        if (cudaJar != null) {
            ND4JClassLoading.setNd4jClassloader(new CpuOnlyClassLoader(current, cudaJar));
        }
        if (warning != null) {
            LOG.warn(warning);
        }
    }

    private static String backendReason(CudaProbe.Result gpu, boolean cpu) {
        if (!cpu) {
            return "backend CUDA: the CUDA backend is in this build and the CUDA runtime "
                    + CudaProbe.version(gpu.runtimeVersion()) + " (driver " + CudaProbe.version(gpu.driverVersion())
                    + ") found " + gpu.devices() + " device" + (gpu.devices() == 1 ? "" : "s");
        }
        if (!gpu.onClassPath()) {
            return "backend CPU: the only ND4J backend in this build (build with mvn -Pcuda for the CUDA backend)";
        }
        return "backend CPU: " + gpu.problem();
    }

    private static void applyThreads(BackendSettings settings, Environment env, boolean cpu, List<String> reasons) {
        String omp = System.getenv("OMP_NUM_THREADS");
        if (settings.threads() > 0) {
            // libnd4j sizes its thread pool when the native library loads; setMaxThreads cannot shrink it
            // afterwards (M2.1), so a mismatch is reported rather than silently ignored.
            env.setMaxThreads(settings.threads());
            Nd4j.factory().blas().setMaxThreads(settings.threads());
            if (cpu && env.maxThreads() != settings.threads()) {
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
        if (cpu && !"PASSIVE".equalsIgnoreCase(waitPolicy) && env.maxThreads() > 1) {
            reasons.add("warning: OMP_WAIT_POLICY is " + (waitPolicy == null ? "unset" : waitPolicy)
                    + "; with more than one thread ND4J runs slower unless it is PASSIVE (bin/coldstream sets it)");
        }
    }

    /**
     * Pins ND4J to one GPU: only that device for every thread ({@code allowMultiGPU(false)},
     * {@code useDevice}), and the calling thread on it now.
     */
    private static void useDevice(int device, List<String> reasons) {
        try {
            Class<?> cudaEnvironment = Class.forName(CUDA_ENVIRONMENT, true, ND4JClassLoading.getNd4jClassloader());
            Object configuration = cudaEnvironment.getMethod("getConfiguration")
                    .invoke(cudaEnvironment.getMethod("getInstance").invoke(null));
            configuration.getClass().getMethod("allowMultiGPU", boolean.class).invoke(configuration, false);
            configuration.getClass().getMethod("useDevice", Integer.class).invoke(configuration, device);
        } catch (InvocationTargetException e) {
            throw new ConfigurationException("could not select CUDA device " + device + ": " + e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new ConfigurationException("could not select CUDA device " + device + " (ND4J's CUDA configuration"
                    + " is not as expected): " + e);
        }
        Nd4j.getAffinityManager().unsafeSetDevice(device);
        reasons.add("device " + device + ": " + (device == 0 ? "the default (--device N picks another)" : "asked for")
                + "; one GPU per run (DL4J's data-parallel wrapper for several is not used)");
    }

    private static Map<?, ?> deviceInformation(Properties info, int device) {
        if (info.get(Nd4jEnvironment.CUDA_DEVICE_INFORMATION_KEY) instanceof List<?> devices
                && device < devices.size() && devices.get(device) instanceof Map<?, ?> one) {
            return one;
        }
        return Map.of();
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
        return platform() + extension("org/nd4j/linalg/cpu/nativecpu/bindings/", "-onednn");
    }

    private static String cudaNativeBuild() {
        return platform() + extension("org/nd4j/linalg/jcublas/bindings/", "-cudnn");
    }

    private static String platform() {
        return System.getProperty("org.bytedeco.javacpp.platform",
                System.getProperty("os.name").toLowerCase(Locale.ROOT).startsWith("linux") ? "linux-" + arch() : arch());
    }

    private static String extension(String bindings, String known) {
        String extension = System.getProperty("org.bytedeco.javacpp.platform.extension", "");
        if (extension.isEmpty() && Backend.class.getClassLoader().getResource(bindings + platform() + known + "/") != null) {
            extension = known;
        }
        return extension;
    }

    private static String arch() {
        String arch = System.getProperty("os.arch");
        return "amd64".equals(arch) ? "x86_64" : arch;
    }
}
