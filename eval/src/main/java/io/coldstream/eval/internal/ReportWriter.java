package io.coldstream.eval.internal;

import io.coldstream.core.ColdstreamException;
import io.coldstream.core.DataException;
import io.coldstream.eval.MetricsRecord;
import io.coldstream.eval.ReportFiles;
import io.coldstream.eval.RunReport;
import io.coldstream.eval.RunResults;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/** Builds a run's {@code report/} folder; {@link RunReport#write(Path)} is its public face. */
public final class ReportWriter {

    static final String REPORT_FOLDER = "report";
    static final String SUMMARY_FILE = "summary.md";

    private ReportWriter() {
    }

    /**
     * @param runDir the run folder
     * @return the files written
     * @throws DataException when the run's files are missing or malformed
     * @throws ColdstreamException when the report cannot be written
     */
    public static ReportFiles write(Path runDir) {
        if (!Files.isDirectory(runDir)) {
            throw new DataException("run folder " + runDir + " does not exist or is not a folder; a training run"
                    + " (coldstream train --out " + runDir + ") writes it, with " + MetricsRecord.FILE_NAME
                    + " inside");
        }
        List<MetricsRecord.Line> lines = MetricsRecord.readLines(runDir.resolve(MetricsRecord.FILE_NAME));
        Path resultsFile = runDir.resolve(RunResults.FILE_NAME);
        RunResults results = Files.isRegularFile(resultsFile) ? RunResults.read(resultsFile) : null;
        Charts.headless();
        Path folder = runDir.resolve(REPORT_FOLDER);
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw new ColdstreamException("could not create the report folder " + folder + ": " + e, e);
        }
        List<ReportPlots.Plot> plots = ReportPlots.all(lines.stream().map(MetricsRecord.Line::record).toList(),
                results == null ? List.of() : results.holdout());
        List<Path> written = new ArrayList<>();
        for (ReportPlots.Plot plot : plots) {
            Path target = folder.resolve(plot.fileName());
            byte[] png;
            try {
                png = ReportPlots.png(plot.chart());
            } catch (IOException e) {
                throw new ColdstreamException("could not encode the plot " + target + " as PNG: " + e, e);
            }
            replace(target, png);
            written.add(target);
        }
        String name = runDir.toAbsolutePath().normalize().getFileName() == null ? runDir.toString()
                : runDir.toAbsolutePath().normalize().getFileName().toString();
        Path summary = folder.resolve(SUMMARY_FILE);
        replace(summary, SummaryMarkdown.render(name, lines, results, plots).getBytes(StandardCharsets.UTF_8));
        return new ReportFiles(summary, written);
    }

    /**
     * Writes under a temporary name in the same folder, then renames over the target. The temporary name is
     * fixed (a stray one from an interrupted run is reused) and the file gets the process's default
     * permissions, as the target would. The benchmark's and the snapshot evaluation's writers use it too.
     */
    static void replace(Path target, byte[] content) {
        Path temp = null;
        try {
            temp = target.resolveSibling("." + target.getFileName() + ".tmp");
            Files.write(temp, content);
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            temp = null;
        } catch (IOException e) {
            throw new ColdstreamException("could not write " + target + ": " + e, e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // The write already failed and says so; a stray temporary file is the lesser problem.
                }
            }
        }
    }
}
