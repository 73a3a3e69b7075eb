package io.coldstream.eval.internal;

import io.coldstream.core.ColdstreamException;
import io.coldstream.eval.BenchReport;
import io.coldstream.eval.MethodResult;
import io.coldstream.eval.ReportFiles;
import java.awt.Color;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Writes a benchmark suite's folder; {@link BenchReport#write(Path)} is its public face. */
public final class BenchWriter {

    private BenchWriter() {
    }

    /**
     * @param report the suite
     * @param dir the folder, created if needed
     * @return {@code bench.md} and the plots
     * @throws ColdstreamException when a file cannot be written
     */
    public static ReportFiles write(BenchReport report, Path dir) {
        Charts.headless();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new ColdstreamException("could not create the benchmark folder " + dir + ": " + e, e);
        }
        Map<String, Color> colours = new LinkedHashMap<>();
        for (MethodResult r : report.results()) {
            colours.computeIfAbsent(r.method(), m -> Charts.COLOURS[colours.size() % Charts.COLOURS.length]);
        }
        Map<String, List<ReportPlots.Plot>> plots = new LinkedHashMap<>();
        Map<String, String> slugs = slugs(report.scenarios());
        List<Path> written = new ArrayList<>();
        for (String scenario : report.scenarios()) {
            List<ReportPlots.Plot> scenarioPlots = BenchPlots.scenario(scenario, slugs.get(scenario),
                    report.resultsOf(scenario), colours);
            plots.put(scenario, scenarioPlots);
            for (ReportPlots.Plot plot : scenarioPlots) {
                written.add(writePng(dir.resolve(plot.fileName()), plot));
            }
        }
        ReportWriter.replace(dir.resolve(BenchReport.JSON_FILE), report.toJson().getBytes(StandardCharsets.UTF_8));
        ReportWriter.replace(dir.resolve(BenchReport.CSV_FILE),
                BenchTables.csv(report).getBytes(StandardCharsets.UTF_8));
        Path md = dir.resolve(BenchReport.MARKDOWN_FILE);
        ReportWriter.replace(md, BenchTables.markdown(report, plots).getBytes(StandardCharsets.UTF_8));
        return new ReportFiles(md, written);
    }

    private static Path writePng(Path target, ReportPlots.Plot plot) {
        try {
            ReportWriter.replace(target, Charts.png(plot.chart()));
        } catch (IOException e) {
            throw new ColdstreamException("could not encode the plot " + target + " as PNG: " + e, e);
        }
        return target;
    }

    /**
     * @return each scenario's name made safe for a file name: lower case, runs of other characters than
     *     {@code a-z 0-9 . _ -} as one {@code -}; a number appended where two would be the same
     */
    static Map<String, String> slugs(List<String> scenarios) {
        Map<String, String> slugs = new LinkedHashMap<>();
        Set<String> taken = new HashSet<>();
        for (String scenario : scenarios) {
            String base = scenario.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]+", "-")
                    .replaceAll("^[-.]+|-+$", "");
            if (base.isEmpty()) {
                base = "scenario";
            }
            String slug = base;
            for (int n = 2; !taken.add(slug); n++) {
                slug = base + "-" + n;
            }
            slugs.put(scenario, slug);
        }
        return slugs;
    }
}
