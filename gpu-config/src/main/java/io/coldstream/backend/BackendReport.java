package io.coldstream.backend;

import java.util.List;

/**
 * What the ND4J backend is, as found at start-up.
 *
 * @param backend the backend's name, such as {@code CPU} or {@code CUDA}
 * @param nativeBuild the native build in use, such as {@code linux-x86_64-onednn}
 * @param device the device description (CPU model and cores, or the GPU)
 * @param threads threads ND4J's parallel loops use
 * @param dataType the default floating-point type of new arrays
 * @param blas the BLAS library and version
 * @param reasons one line per decision, saying what was chosen and why
 */
public record BackendReport(String backend, String nativeBuild, String device, int threads, String dataType,
        String blas, List<String> reasons) {

    /** Copies the reasons. */
    public BackendReport {
        reasons = List.copyOf(reasons);
    }

    /** @return a one-line summary for logs: {@code "CPU linux-x86_64-onednn, 2 threads, FLOAT, OpenBLAS 0.3.19"} */
    public String summary() {
        return backend + " " + nativeBuild + ", " + threads + " thread" + (threads == 1 ? "" : "s") + ", " + dataType
                + ", " + blas + " on " + device;
    }
}
