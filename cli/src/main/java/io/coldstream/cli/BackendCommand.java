package io.coldstream.cli;

import io.coldstream.backend.Backend;
import io.coldstream.backend.BackendReport;
import io.coldstream.backend.BackendSettings;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code coldstream backend}: which ND4J backend, device and threads, and why. */
@Command(name = "backend", mixinStandardHelpOptions = true,
        description = "Show which ND4J backend, device, data type and threads are used, and why.")
final class BackendCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        BackendReport report = Backend.start(BackendSettings.defaults());
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
