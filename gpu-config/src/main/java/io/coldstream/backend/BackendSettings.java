package io.coldstream.backend;

import io.coldstream.core.ConfigurationException;
import java.util.Locale;

/**
 * How the ND4J backend should run.
 *
 * @param threads threads for ND4J's own parallel loops and BLAS; {@code 0} keeps ND4J's choice
 *     (OMP_NUM_THREADS, or the number of cores). Results are bit-identical run to run only for
 *     the same thread count, so a run records the count it used.
 * @param oneDnnLayers let Deeplearning4j's convolution, pooling and batch-norm layers run on
 *     oneDNN (when the native build has it); {@code false} keeps DL4J's built-in Java paths
 * @param device the CUDA device to run on, counted from 0 as {@code nvidia-smi} lists them (within
 *     {@code CUDA_VISIBLE_DEVICES}); ignored by the CPU backend
 * @param requireGpu stop rather than fall back to the CPU when no usable GPU is found
 */
public record BackendSettings(int threads, boolean oneDnnLayers, int device, boolean requireGpu) {

    /** The only floating-point type Coldstream trains in. */
    public static final String FLOAT32 = "float32";

    /** Validates the thread count and device. */
    public BackendSettings {
        if (threads < 0) {
            throw new ConfigurationException("threads was " + threads + " but must be >= 0 (0 = backend default)");
        }
        if (device < 0) {
            throw new ConfigurationException("device was " + device + " but must be >= 0 (a CUDA device index)");
        }
    }

    /**
     * Device 0, falling back to the CPU when there is no GPU.
     *
     * @param threads threads, {@code 0} = backend default
     * @param oneDnnLayers run DL4J's layers on oneDNN (CPU)
     */
    public BackendSettings(int threads, boolean oneDnnLayers) {
        this(threads, oneDnnLayers, 0, false);
    }

    /** @return the backend's thread count, oneDNN layers on, device 0, CPU fallback allowed */
    public static BackendSettings defaults() {
        return new BackendSettings(0, true);
    }

    /**
     * @param threads the thread count, {@code 0} = backend default
     * @return these settings with another thread count
     */
    public BackendSettings withThreads(int threads) {
        return new BackendSettings(threads, oneDnnLayers, device, requireGpu);
    }

    /**
     * @param device a CUDA device index
     * @return these settings with another device
     */
    public BackendSettings withDevice(int device) {
        return new BackendSettings(threads, oneDnnLayers, device, requireGpu);
    }

    /**
     * @param require stop when there is no usable GPU
     * @return these settings with that choice
     */
    public BackendSettings withRequireGpu(boolean require) {
        return new BackendSettings(threads, oneDnnLayers, device, require);
    }

    /**
     * Checks a requested training data type. Only 32-bit floats are accepted: half precision
     * ({@code float16}, {@code bfloat16}) is refused, because neither engine has been shown to
     * train Coldstream's networks correctly with it (Deeplearning4j M2.1 has no loss scaling, and a
     * plain FP16 SGD step underflows small gradients; the PyTorch engine runs on the CPU, where
     * libtorch has no fast half-precision convolutions).
     *
     * @param text {@code float32} (also {@code float}, {@code fp32}), any case
     * @return {@value #FLOAT32}
     * @throws ConfigurationException for any other type, saying what is allowed
     */
    public static String dataType(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        return switch (t) {
            case "float32", "float", "fp32" -> FLOAT32;
            case "float16", "half", "fp16", "bfloat16", "bf16" -> throw new ConfigurationException("half precision ('"
                    + text + "') is refused: only float32 is supported until an engine is shown to train correctly"
                    + " with it (see README, Training on a GPU)");
            default -> throw new ConfigurationException("'" + text + "' is not a data type; the allowed value is float32");
        };
    }
}
