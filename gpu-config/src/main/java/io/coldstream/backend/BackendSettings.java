package io.coldstream.backend;

import io.coldstream.core.ConfigurationException;

/**
 * How the ND4J backend should run.
 *
 * @param threads threads for ND4J's own parallel loops and BLAS; {@code 0} keeps ND4J's choice
 *     (OMP_NUM_THREADS, or the number of cores). Results are bit-identical run to run only for
 *     the same thread count, so a run records the count it used.
 */
public record BackendSettings(int threads) {

    /** Validates the thread count. */
    public BackendSettings {
        if (threads < 0) {
            throw new ConfigurationException("threads was " + threads + " but must be >= 0 (0 = backend default)");
        }
    }

    /** @return settings that keep every backend default */
    public static BackendSettings defaults() {
        return new BackendSettings(0);
    }
}
