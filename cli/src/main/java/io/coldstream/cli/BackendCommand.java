package io.coldstream.cli;

import io.coldstream.backend.BackendReport;
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

    @Override
    public Integer call() {
        BackendReport report = Networks.startEngine(NetworkEngine.parse(engine), threads, true);
        var out = spec.commandLine().getOut();
        out.println("backend:     " + report.backend());
        out.println("native:      " + report.nativeBuild());
        out.println("device:      " + report.device());
        out.println("threads:     " + report.threads());
        out.println("data type:   " + report.dataType());
        out.println("blas:        " + report.blas());
        out.println("why:");
        report.reasons().forEach(r -> out.println("  - " + r));
        out.flush();
        return 0;
    }
}
