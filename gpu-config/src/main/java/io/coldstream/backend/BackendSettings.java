package io.coldstream.backend;

import io.coldstream.core.ConfigurationException;

/**
 * How the ND4J backend should run.
 *
 * @param threads threads for ND4J's own parallel loops and BLAS; {@code 0} keeps ND4J's choice
 *     (OMP_NUM_THREADS, or the number of cores). Results are bit-identical run to run only for
 *     the same thread count, so a run records the count it used.
 * @param oneDnnLayers let Deeplearning4j's convolution, pooling and batch-norm layers run on
 *     oneDNN (when the native build has it); {@code false} keeps DL4J's built-in Java paths
 */
public record BackendSettings(int threads, boolean oneDnnLayers) {

    /** Validates the thread count. */
    public BackendSettings {
        if (threads < 0) {
            throw new ConfigurationException("threads was " + threads + " but must be >= 0 (0 = backend default)");
        }
    }

    /** @return the backend's thread count, oneDNN layers on */
    public static BackendSettings defaults() {
        return new BackendSettings(0, true);
    }

    /**
     * @param threads the thread count, {@code 0} = backend default
     * @return these settings with another thread count
     */
    public BackendSettings withThreads(int threads) {
        return new BackendSettings(threads, oneDnnLayers);
    }
}
