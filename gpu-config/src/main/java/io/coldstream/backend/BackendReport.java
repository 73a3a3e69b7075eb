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
 * @param oneDnnLayers whether Deeplearning4j's convolution, pooling and batch-norm layers run on oneDNN
 * @param reasons one line per decision, saying what was chosen and why
 */
public record BackendReport(String backend, String nativeBuild, String device, int threads, String dataType,
        String blas, boolean oneDnnLayers, List<String> reasons) {

    /** Copies the reasons. */
    public BackendReport {
        reasons = List.copyOf(reasons);
    }

    /** @return a one-line summary for logs: {@code "CPU linux-x86_64-onednn, 2 threads, FLOAT, oneDNN layers on, OPENBLAS on 2 cores, amd64"} */
    public String summary() {
        return backend + " " + nativeBuild + ", " + threads + " thread" + (threads == 1 ? "" : "s") + ", " + dataType
                + ", oneDNN layers " + (oneDnnLayers ? "on" : "off") + ", " + blas + " on " + device;
    }
}
