package io.coldstream.eval.internal;

import io.coldstream.eval.BenchMetrics;
import io.coldstream.eval.BenchReport;
import io.coldstream.eval.MethodResult;
import io.coldstream.eval.StageAccuracy;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/** Writes a benchmark's {@code bench.csv} and {@code bench.md}. */
final class BenchTables {

    /** The columns of {@code bench.csv}, in order. */
    static final List<String> CSV_COLUMNS = List.of("suite", "scenario", "method", "stage", "examplesSeen",
            "seenClasses", "examples", "top1", "top5", "perGroupTop1", "wallMillis", "examplesTrained");

    private static final String NONE = "—";

    private BenchTables() {
    }

    /**
     * @return {@code bench.csv}: a header row, then one row per method x scenario x stage in the report's
     *     order; numbers as Java writes them, {@code NaN} as an empty field, {@code perGroupTop1} as the
     *     groups' accuracies joined by {@code ;}
     */
    static String csv(BenchReport report) {
        StringBuilder csv = new StringBuilder(String.join(",", CSV_COLUMNS)).append('\n');
        for (MethodResult r : report.results()) {
            for (StageAccuracy s : r.stages()) {
                StringJoiner groups = new StringJoiner(";");
                s.perGroupTop1().forEach(g -> groups.add(number(g)));
                csv.append(String.join(",", field(report.suite()), field(r.scenario()), field(r.method()),
                        Integer.toString(s.stage()), Long.toString(s.examplesSeen()), Integer.toString(s.seenClasses()),
                        Integer.toString(s.examples()), number(s.top1()), number(s.top5()), groups.toString(),
                        Long.toString(r.wallMillis()), Long.toString(r.examplesTrained()))).append('\n');
            }
        }
        return csv.toString();
    }

    private static String number(double value) {
        return Double.isFinite(value) ? Double.toString(value) : "";
    }

    /** Quotes a text field when it holds a comma, a quote or a line break (RFC 4180). */
    private static String field(String text) {
        if (text.contains(",") || text.contains("\"") || text.contains("\n") || text.contains("\r")) {
            return "\"" + text.replace("\"", "\"\"") + "\"";
        }
        return text;
    }

    /**
     * @param report the suite
     * @param plots each scenario's plots, in order
     * @return {@code bench.md}
     */
    static String markdown(BenchReport report, Map<String, List<ReportPlots.Plot>> plots) {
        StringBuilder md = new StringBuilder();
        md.append("# Benchmark suite: ").append(escape(report.suite())).append("\n\n");
        md.append(String.format(Locale.ROOT, "%d results over %d scenarios. Accuracies are fractions of the test"
                + " examples of the classes seen so far. Omega-all is the mean over stages of top-1 divided by the"
                + " top-1 of the `%s` method of the same scenario (Hayes et al., ECCV 2020); average forgetting is"
                + " Chaudhry et al.'s (ECCV 2018), over the groups seen before the final stage, in accuracy points"
                + " (fractions). %s: not computable.\n", report.results().size(), report.scenarios().size(),
                BenchReport.OFFLINE_METHOD, NONE));
        if (!report.referencePoints().isEmpty()) {
            md.append("\n## Reference points\n\n");
            report.referencePoints().forEach(p -> md.append("- ").append(p.replace('\n', ' ')).append('\n'));
        }
        for (String scenario : report.scenarios()) {
            List<MethodResult> results = report.resultsOf(scenario);
            md.append("\n## Scenario: ").append(escape(scenario)).append("\n\n");
            md.append("| method | final top-1 | final top-5 | Omega-all | Omega-all top-5 | average forgetting"
                    + " | wall time | examples/s |\n|---|---:|---:|---:|---:|---:|---:|---:|\n");
            for (MethodResult r : results) {
                md.append("| ").append(escape(r.method())).append(" | ").append(fraction(r.finalTop1()))
                        .append(" | ").append(fraction(r.finalTop5())).append(" | ")
                        .append(fraction(report.omegaAll(r))).append(" | ").append(fraction(report.omegaAllTop5(r)))
                        .append(" | ").append(signed(BenchMetrics.averageForgetting(r.stages()))).append(" | ")
                        .append(duration(r.wallMillis())).append(" | ").append(rate(r.examplesPerSecond()))
                        .append(" |\n");
            }
            if (report.offline(scenario).isEmpty()) {
                md.append("\nThis scenario has no `").append(BenchReport.OFFLINE_METHOD)
                        .append("` method, so Omega-all is not computed.\n");
            }
            for (ReportPlots.Plot plot : plots.getOrDefault(scenario, List.of())) {
                md.append("\n![").append(escape(plot.caption())).append("](").append(plot.fileName()).append(")\n");
            }
            for (MethodResult r : results) {
                matrix(md, r);
            }
        }
        return md.toString();
    }

    /** The stage x group top-1 matrix of one method, with its settings. */
    private static void matrix(StringBuilder md, MethodResult r) {
        md.append("\n### ").append(escape(r.method())).append(": top-1 per stage and group\n\n");
        if (!r.settings().isEmpty()) {
            StringJoiner settings = new StringJoiner(", ", "Settings: ", ".\n\n");
            r.settings().forEach((k, v) -> settings.add("`" + k + "=" + v.replace("`", "'") + "`"));
            md.append(settings);
        }
        if (r.stages().isEmpty()) {
            md.append("No stage was evaluated.\n");
            return;
        }
        int groups = r.stages().get(0).groups();
        md.append("| stage | examples seen | seen classes | top-1 | top-5 |");
        for (int g = 0; g < groups; g++) {
            md.append(" group ").append(g).append(" |");
        }
        md.append("\n|---:|---:|---:|---:|---:|").append("---:|".repeat(groups)).append('\n');
        boolean unseen = false;
        for (StageAccuracy s : r.stages()) {
            md.append("| ").append(s.stage()).append(" | ").append(s.examplesSeen()).append(" | ")
                    .append(s.seenClasses()).append(" | ").append(fraction(s.top1())).append(" | ")
                    .append(fraction(s.top5())).append(" |");
            for (int g = 0; g < groups; g++) {
                String value = fraction(s.perGroupTop1().get(g));
                boolean seen = s.groupSeen().get(g) || value.equals(NONE);
                unseen |= !seen;
                md.append(' ').append(seen ? value : "(" + value + ")").append(" |");
            }
            md.append('\n');
        }
        if (unseen) {
            md.append("\nIn parentheses: a group not yet seen at that stage.\n");
        }
    }

    private static String fraction(double value) {
        return Double.isFinite(value) ? String.format(Locale.ROOT, "%.4f", value) : NONE;
    }

    private static String signed(double value) {
        return Double.isFinite(value) ? String.format(Locale.ROOT, "%+.4f", value) : NONE;
    }

    private static String rate(double value) {
        return Double.isFinite(value) ? String.format(Locale.ROOT, "%.1f", value) : NONE;
    }

    private static String duration(long millis) {
        double seconds = millis / 1000.0;
        long whole = millis / 1000;
        if (whole >= 3600) {
            return String.format(Locale.ROOT, "%d h %d min", whole / 3600, whole % 3600 / 60);
        }
        if (whole >= 60) {
            return String.format(Locale.ROOT, "%d min %d s", whole / 60, whole % 60);
        }
        return String.format(Locale.ROOT, "%.1f s", seconds);
    }

    /** Keeps a value inside its table cell. */
    private static String escape(String text) {
        return text.replace("|", "\\|").replace('\n', ' ').replace('\r', ' ');
    }
}
