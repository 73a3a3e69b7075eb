package io.coldstream.cli;

import io.coldstream.backend.Backend;
import io.coldstream.backend.BackendReport;
import io.coldstream.backend.BackendSettings;
import io.coldstream.model.NetworkEngine;
import io.coldstream.model.Networks;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code coldstream backend}: which engine runtime (ND4J backend or libtorch), device and threads, and why. */
@Command(name = "backend", mixinStandardHelpOptions = true,
        description = "Show which ND4J backend (or, with --engine pytorch, which libtorch), device, data type and threads"
                + " are used, and why.")
final class BackendCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--engine", paramLabel = "ENGINE", description = "dl4j (default) or pytorch")
    String engine = NetworkEngine.DL4J.cliName();

    @Option(names = "--threads", paramLabel = "N", description = "threads; bin/coldstream passes it to OMP_NUM_THREADS (default: the runtime's)")
    int threads;

    @Option(names = "--device", paramLabel = "N", description = "the CUDA device to report on (a -Pcuda build; default 0)")
    int device;

    /**
     * Prints the report. Exit status 0 whether the engine got a GPU or fell back to the CPU (a
     * fallback also logs its one WARN line); only a bad option value stops it.
     */
    @Override
    public Integer call() {
        BackendReport report = Networks.startEngine(NetworkEngine.parse(engine),
                new BackendSettings(threads, true, device, false));
        var out = spec.commandLine().getOut();
        out.println("backend:     " + report.backend());
        out.println("native:      " + report.nativeBuild());
        out.println("device:      " + report.device());
        out.println("device name: " + report.deviceName());
        out.println("memory:      " + report.memoryText());
        out.println("compute cap: " + report.computeCapability());
        out.println("threads:     " + report.threads());
        out.println("data type:   " + report.dataType());
        out.println("workspaces:  " + report.workspaceMode());
        out.println("blas:        " + report.blas());
        String gpu = report.gpu() ? "in use"
                : NetworkEngine.parse(engine) == NetworkEngine.PYTORCH ? "none: the PyTorch engine runs on the CPU only"
                : Backend.whyNoGpu().map(w -> "none: " + w).orElse("not used");
        out.println("gpu:         " + gpu);
        out.println("why:");
        report.reasons().forEach(r -> out.println("  - " + r));
        out.flush();
        return 0;
    }
}
