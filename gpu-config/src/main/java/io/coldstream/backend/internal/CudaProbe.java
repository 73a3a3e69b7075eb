package io.coldstream.backend.internal;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * Finds out, before ND4J starts, whether its CUDA backend is on the class path and can run here:
 * the CUDA runtime loads, the driver is new enough and there is at least one device. It asks the
 * CUDA runtime the same question ND4J's own {@code JCublasBackend.canRun()} asks (device count, then
 * cuBLAS), through JavaCPP's bindings ({@code org.bytedeco.cuda}), by reflection: those classes are on
 * the class path only in a build with {@code -Pcuda}. Never throws; thread-safe.
 */
public final class CudaProbe {

    /** ND4J's CUDA backend, present only in a {@code -Pcuda} build. */
    public static final String CUDA_BACKEND_CLASS = "org.nd4j.linalg.jcublas.JCublasBackend";
    private static final String CUDART = "org.bytedeco.cuda.global.cudart";
    private static final String CUBLAS = "org.bytedeco.cuda.global.cublas";
    private static final String LOADER = "org.bytedeco.javacpp.Loader";

    /**
     * What the probe found.
     *
     * @param onClassPath whether ND4J's CUDA backend is on the class path
     * @param devices CUDA devices the runtime sees ({@code 0} when it does not load)
     * @param driverVersion the driver's CUDA version as CUDA encodes it ({@code 11060} is 11.6), {@code 0} = none
     * @param runtimeVersion the CUDA runtime's version, same encoding, {@code 0} = not loaded
     * @param problem why the GPU cannot be used, or {@code null} when it can
     */
    public record Result(boolean onClassPath, int devices, int driverVersion, int runtimeVersion, String problem) {

        /** @return whether ND4J's CUDA backend can start here */
        public boolean usable() {
            return problem == null;
        }
    }

    private CudaProbe() {
    }

    /**
     * @param loader the class loader ND4J loads its backends through
     * @return what was found
     */
    public static Result probe(ClassLoader loader) {
        if (loader.getResource(CUDA_BACKEND_CLASS.replace('.', '/') + ".class") == null) {
            return new Result(false, 0, 0, 0, "this build has no CUDA backend (build with mvn -Pcuda)");
        }
        int[] driver = {0};
        int[] runtime = {0};
        try {
            Class<?> cudart = Class.forName(CUDART, true, loader);
            call(cudart, "cudaDriverGetVersion", driver);
            call(cudart, "cudaRuntimeGetVersion", runtime);
            int[] count = {0};
            int code = call(cudart, "cudaGetDeviceCount", count);
            if (code != 0 || count[0] <= 0) {
                return new Result(true, 0, driver[0], runtime[0], "the CUDA runtime " + version(runtime[0])
                        + " found no usable device: " + explain(code, driver[0]));
            }
            Class<?> javacpp = Class.forName(LOADER, true, loader);
            javacpp.getMethod("load", Class.class).invoke(null, Class.forName(CUBLAS, false, loader));
            return new Result(true, count[0], driver[0], runtime[0], null);
        } catch (InvocationTargetException e) {
            return new Result(true, 0, driver[0], runtime[0], "the CUDA libraries did not load: "
                    + rootMessage(e.getCause()));
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            String root = rootMessage(e);
            if (root.contains("libcuda.so")) {
                return new Result(true, 0, 0, 0, "no NVIDIA driver on this host (libcuda.so.1 is missing: " + root + ")");
            }
            return new Result(true, 0, driver[0], runtime[0], "the CUDA 11.6 runtime did not load (" + root
                    + "); it comes from the host (CUDA 11.x libraries on the library path) or from a build with"
                    + " -Pcuda,cuda-redist");
        }
    }

    private static int call(Class<?> cudart, String name, int[] out) throws ReflectiveOperationException {
        Method m = cudart.getMethod(name, int[].class);
        return (Integer) m.invoke(null, (Object) out);
    }

    /**
     * @param encoded a CUDA version as the runtime reports it, such as {@code 11060}
     * @return such as {@code 11.6}, or {@code none} for {@code 0}
     */
    public static String version(int encoded) {
        return encoded <= 0 ? "none" : (encoded / 1000) + "." + (encoded % 1000) / 10;
    }

    /** The CUDA runtime's error codes that a host without a usable GPU gives. */
    static String explain(int code, int driver) {
        return switch (code) {
            case 0 -> "no CUDA device";
            case 35 -> driver == 0 ? "no NVIDIA driver is installed (cudaErrorInsufficientDriver)"
                    : "the driver (CUDA " + version(driver) + ") is older than the runtime (cudaErrorInsufficientDriver)";
            case 100 -> "no CUDA device (cudaErrorNoDevice)";
            case 34 -> "only the driver's stub library was found (cudaErrorStubLibrary)";
            case 3 -> "the driver failed to initialise (cudaErrorInitializationError)";
            default -> "CUDA error " + code;
        };
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return root.getClass().getSimpleName() + (message == null ? "" : ": " + message.lines().findFirst().orElse(""));
    }
}
