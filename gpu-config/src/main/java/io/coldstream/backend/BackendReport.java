package io.coldstream.backend;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the engine's runtime is, as found at start-up: the ND4J backend (CPU or CUDA) or libtorch.
 *
 * @param backend the backend's name, such as {@code CPU}, {@code CUDA} or {@code PyTorch}
 * @param nativeBuild the native build in use, such as {@code linux-x86_64-onednn}
 * @param device the device description (CPU cores and architecture, or the GPU)
 * @param threads threads ND4J's parallel loops use
 * @param dataType the default floating-point type of new arrays, such as {@code FLOAT}
 * @param blas the BLAS library and version
 * @param oneDnnLayers whether Deeplearning4j's convolution, pooling and batch-norm layers run on oneDNN
 * @param reasons one line per decision, saying what was chosen and why
 * @param deviceName the device's name: the GPU's ({@code NVIDIA A100-SXM4-40GB}) or {@code CPU}
 * @param deviceMemoryBytes the device's total memory in bytes; {@code -1} when not known (a CPU)
 * @param computeCapability the GPU's compute capability, such as {@code 8.0}; {@code n/a} on a CPU
 * @param workspaceMode how the engine reuses its working memory, such as
 *     {@code ENABLED (training and inference), cache mode DEVICE}; {@code not reported} when not given
 * @param warning the one WARN line logged at start (a CUDA build that fell back to the CPU), or
 *     {@code null} when there was nothing to warn about
 */
public record BackendReport(String backend, String nativeBuild, String device, int threads, String dataType,
        String blas, boolean oneDnnLayers, List<String> reasons, String deviceName, long deviceMemoryBytes,
        String computeCapability, String workspaceMode, String warning) {

    /** Copies the reasons. */
    public BackendReport {
        reasons = List.copyOf(reasons);
    }

    /**
     * A report without device details: {@code deviceName} is {@code device}, memory unknown,
     * compute capability {@code n/a}, workspace mode not reported, no warning.
     *
     * @param backend the backend's name
     * @param nativeBuild the native build
     * @param device the device description
     * @param threads threads
     * @param dataType the default floating-point type
     * @param blas the BLAS library
     * @param oneDnnLayers whether DL4J's layers run on oneDNN
     * @param reasons one line per decision
     */
    public BackendReport(String backend, String nativeBuild, String device, int threads, String dataType,
            String blas, boolean oneDnnLayers, List<String> reasons) {
        this(backend, nativeBuild, device, threads, dataType, blas, oneDnnLayers, reasons, device, -1, "n/a",
                "not reported", null);
    }

    /** @return whether the engine computes on a GPU */
    public boolean gpu() {
        return "CUDA".equals(backend);
    }

    /**
     * @param mode the engine's workspace mode
     * @param why the reason line for it
     * @return this report with that workspace mode and one more reason
     */
    public BackendReport withWorkspaceMode(String mode, String why) {
        List<String> more = new ArrayList<>(reasons);
        more.add(why);
        return new BackendReport(backend, nativeBuild, device, threads, dataType, blas, oneDnnLayers, more,
                deviceName, deviceMemoryBytes, computeCapability, mode, warning);
    }

    /**
     * @return a one-line summary for logs: {@code "CPU linux-x86_64-onednn, 2 threads, FLOAT, oneDNN layers on,
     *     OPENBLAS on 2 cores, amd64"}; on a GPU followed by the device name, compute capability and memory
     */
    public String summary() {
        String line = backend + " " + nativeBuild + ", " + threads + " thread" + (threads == 1 ? "" : "s") + ", "
                + dataType + ", oneDNN layers " + (oneDnnLayers ? "on" : "off") + ", " + blas + " on " + device;
        return gpu() ? line + " (" + deviceName + ", compute capability " + computeCapability + ", "
                + memoryText() + ")" : line;
    }

    /** @return the device memory in GiB with one decimal, or {@code unknown} */
    public String memoryText() {
        return deviceMemoryBytes < 0 ? "unknown"
                : String.format(Locale.ROOT, "%.1f GiB", deviceMemoryBytes / (1024.0 * 1024 * 1024));
    }
}
