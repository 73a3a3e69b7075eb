package io.coldstream.cli;

import io.coldstream.eval.ReportFiles;
import io.coldstream.eval.RunReport;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code coldstream report OUT_DIR}: rebuilds a run's {@code report/} from its metrics log. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Rebuild OUT_DIR/report/ (PNG plots and summary.md) from OUT_DIR/metrics.jsonl and results.json.")
final class ReportCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "OUT_DIR", description = "a run's output folder")
    Path runDir;

    @Override
    public Integer call() {
        ReportFiles files = RunReport.write(runDir);
        var out = spec.commandLine().getOut();
        out.println("wrote " + files.summary());
        files.plots().forEach(p -> out.println("wrote " + p));
        out.flush();
        return 0;
    }
}
