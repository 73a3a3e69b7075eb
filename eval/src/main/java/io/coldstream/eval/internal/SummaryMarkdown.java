package io.coldstream.eval.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoubleFunction;
import java.util.function.LongFunction;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/** Writes {@code summary.md}: key figures, holdout evaluations, configuration and plot links. */
final class SummaryMarkdown {

    private static final String NONE = "—";
    private static final double MIB = 1024.0 * 1024.0;

    private SummaryMarkdown() {
    }

    /** One row of the key figures: a value and the file (and line) it came from. */
    private record Row(String figure, String value, String source) {
    }

    /**
     * @param runName the run folder's name
     * @param lines the metrics lines of known kinds, in file order
     * @param results {@code results.json}, or {@code null} when the run has none
     * @param plots the plots' file names and captions, in order
     * @return the Markdown text
     */
    static String render(String runName, List<MetricsLine> lines, RunResults results, List<ReportPlots.Plot> plots) {
        StringBuilder md = new StringBuilder();
        md.append("# Run report: ").append(escape(runName)).append("\n\n");
        long intervals = lines.stream().filter(l -> l.kind() == MetricsLine.Kind.INTERVAL).count();
        long holdouts = lines.stream().filter(l -> l.kind() == MetricsLine.Kind.HOLDOUT).count();
        long finals = lines.stream().filter(l -> l.kind() == MetricsLine.Kind.FINAL).count();
        md.append(String.format(Locale.ROOT, "Built from `%s` (%d interval, %d holdout and %d final lines)",
                MetricsLog.FILE_NAME, intervals, holdouts, finals));
        md.append(results == null ? "; the run has no `" + RunResults.FILE_NAME + "`, so every figure comes from"
                + " the metrics log.\n\n" : " and `" + RunResults.FILE_NAME + "`.\n\n");

        md.append("## Key figures\n\n| figure | value | source |\n|---|---:|---|\n");
        for (Row row : keyFigures(lines, results)) {
            md.append("| ").append(row.figure()).append(" | ").append(escape(row.value())).append(" | ")
                    .append(row.source()).append(" |\n");
        }

        md.append("\n## Holdout evaluations\n\n");
        List<HoldoutPoint> holdout = results != null && !results.holdout().isEmpty() ? results.holdout()
                : fromLog(lines);
        if (holdout.isEmpty()) {
            md.append("No holdout evaluation was recorded.\n");
        } else {
            md.append("| examples seen | accuracy |\n|---:|---:|\n");
            for (HoldoutPoint point : holdout) {
                md.append("| ").append(point.examplesSeen()).append(" | ").append(accuracy(point.accuracy()))
                        .append(" |\n");
            }
        }

        if (results != null && !results.configuration().isEmpty()) {
            md.append("\n## Configuration\n\n```\n");
            for (Map.Entry<String, String> entry : results.configuration().entrySet()) {
                md.append(entry.getKey()).append(": ").append(entry.getValue().replace('\n', ' ')).append('\n');
            }
            md.append("```\n");
        }

        md.append("\n## Plots\n");
        for (ReportPlots.Plot plot : plots) {
            md.append("\n![").append(plot.caption()).append("](").append(plot.fileName()).append(")\n");
        }
        return md.toString();
    }

    private static List<HoldoutPoint> fromLog(List<MetricsLine> lines) {
        List<HoldoutPoint> points = new ArrayList<>();
        for (MetricsLine line : lines) {
            if (line.kind() == MetricsLine.Kind.HOLDOUT && Double.isFinite(line.holdoutAccuracy())
                    && line.holdoutAccuracy() >= 0 && line.holdoutAccuracy() <= 1) {
                points.add(new HoldoutPoint(line.examplesSeen(), line.holdoutAccuracy()));
            }
        }
        return points;
    }

    private static List<Row> keyFigures(List<MetricsLine> lines, RunResults r) {
        // The metrics fallback: the final line when there is one, else the last line.
        MetricsLine last = lines.isEmpty() ? null : lines.get(lines.size() - 1);
        for (MetricsLine line : lines) {
            if (line.kind() == MetricsLine.Kind.FINAL) {
                last = line;
            }
        }
        MetricsLine end = last;
        List<Row> rows = new ArrayList<>();
        rows.add(countRow("examples seen", r == null ? -1 : r.examplesSeen(), end, MetricsLine::examplesSeen,
                SummaryMarkdown::integer));
        rows.add(numberRow("final holdout accuracy", r == null ? Double.NaN : r.finalAccuracy(), lastFinite(lines,
                MetricsLine::holdoutAccuracy), MetricsLine::holdoutAccuracy, SummaryMarkdown::accuracy));
        rows.add(numberRow("prequential accuracy", r == null ? Double.NaN : r.prequentialAccuracy(),
                lastFinite(lines, MetricsLine::prequentialAccuracy), MetricsLine::prequentialAccuracy,
                SummaryMarkdown::accuracy));
        rows.add(numberRow("steps per second", r == null ? Double.NaN : r.stepsPerSecond(),
                lastFinite(lines.stream().filter(MetricsLine::isProgress).toList(), MetricsLine::examplesPerSecond),
                MetricsLine::examplesPerSecond, v -> String.format(Locale.ROOT, "%.2f", v)));
        rows.add(numberRow("wall time", r == null ? Double.NaN : r.wallSeconds(), lastFinite(lines,
                MetricsLine::elapsedSeconds), MetricsLine::elapsedSeconds, SummaryMarkdown::duration));
        rows.add(countRow("replay entries", r == null ? -1 : r.replayEntries(), end, MetricsLine::replayEntries,
                SummaryMarkdown::integer));
        rows.add(countRow("replay bytes", r == null ? -1 : r.replayBytes(), end, MetricsLine::replayBytes,
                SummaryMarkdown::bytes));
        rows.add(countRow("replay budget", r == null ? -1 : r.replayBudgetBytes(), end, MetricsLine::replayBudgetBytes,
                SummaryMarkdown::bytes));
        rows.add(countRow("replay evictions", r == null ? -1 : r.replayEvictions(), end, MetricsLine::replayEvictions,
                SummaryMarkdown::integer));
        rows.add(countRow("bad records", r == null ? -1 : r.badRecords(), end, MetricsLine::badRecords,
                SummaryMarkdown::integer));
        MetricsLine snapshot = null;
        for (MetricsLine line : lines) {
            if (line.snapshotVersion() != null) {
                snapshot = line;
            }
        }
        if (r != null && r.latestSnapshot() != null) {
            rows.add(new Row("latest snapshot", r.latestSnapshot(), "results.json"));
        } else if (snapshot != null) {
            rows.add(new Row("latest snapshot", snapshot.snapshotVersion(), lineSource(snapshot)));
        } else {
            rows.add(new Row("latest snapshot", NONE, ""));
        }
        rows.add(fromResults("parameter count", r == null || r.parameterCount() < 0 ? null
                : integer(r.parameterCount())));
        rows.add(fromResults("backend", r == null ? null : r.backend()));
        rows.add(fromResults("threads", r == null || r.threads() < 0 ? null : integer(r.threads())));
        MetricsLine step = lastFinite(lines, MetricsLine::stepP50Millis);
        rows.add(step == null ? new Row("step time p50 / p95 / p99", NONE, "")
                : new Row("step time p50 / p95 / p99", String.format(Locale.ROOT, "%s / %s / %s ms",
                        millis(step.stepP50Millis()), millis(step.stepP95Millis()), millis(step.stepP99Millis())),
                        lineSource(step)));
        MetricsLine peak = null;
        for (MetricsLine line : lines) {
            if (line.heapUsedBytes() >= 0 && (peak == null || line.heapUsedBytes() > peak.heapUsedBytes())) {
                peak = line;
            }
        }
        rows.add(peak == null ? new Row("peak JVM heap used", NONE, "")
                : new Row("peak JVM heap used", bytes(peak.heapUsedBytes()), lineSource(peak)));
        return rows;
    }

    private static Row countRow(String figure, long fromResults, MetricsLine line, ToLongFunction<MetricsLine> fromLine,
            LongFunction<String> format) {
        if (fromResults >= 0) {
            return new Row(figure, format.apply(fromResults), "results.json");
        }
        if (line != null && fromLine.applyAsLong(line) >= 0) {
            return new Row(figure, format.apply(fromLine.applyAsLong(line)), lineSource(line));
        }
        return new Row(figure, NONE, "");
    }

    private static Row numberRow(String figure, double fromResults, MetricsLine line,
            ToDoubleFunction<MetricsLine> fromLine, DoubleFunction<String> format) {
        if (Double.isFinite(fromResults)) {
            return new Row(figure, format.apply(fromResults), "results.json");
        }
        if (line != null) {
            return new Row(figure, format.apply(fromLine.applyAsDouble(line)), lineSource(line));
        }
        return new Row(figure, NONE, "");
    }

    private static Row fromResults(String figure, String value) {
        return value == null ? new Row(figure, NONE, "") : new Row(figure, value, "results.json");
    }

    /** @return the last line where the figure is a finite number, or {@code null} */
    private static MetricsLine lastFinite(List<MetricsLine> lines, ToDoubleFunction<MetricsLine> f) {
        MetricsLine found = null;
        for (MetricsLine line : lines) {
            if (Double.isFinite(f.applyAsDouble(line))) {
                found = line;
            }
        }
        return found;
    }

    private static String lineSource(MetricsLine line) {
        return "metrics.jsonl line " + line.lineNumber() + " (" + line.kind().name().toLowerCase(Locale.ROOT) + ")";
    }

    private static String integer(long value) {
        return Long.toString(value);
    }

    private static String accuracy(double value) {
        return Double.isFinite(value) ? String.format(Locale.ROOT, "%.4f", value) : NONE;
    }

    private static String millis(double value) {
        return Double.isFinite(value) ? String.format(Locale.ROOT, "%.1f", value) : NONE;
    }

    private static String bytes(long value) {
        return String.format(Locale.ROOT, "%d B (%.2f MiB)", value, value / MIB);
    }

    private static String duration(double seconds) {
        long whole = (long) seconds;
        String parts = whole >= 3600
                ? String.format(Locale.ROOT, "%d h %d min %d s", whole / 3600, whole % 3600 / 60, whole % 60)
                : whole >= 60 ? String.format(Locale.ROOT, "%d min %d s", whole / 60, whole % 60) : null;
        String text = String.format(Locale.ROOT, "%.1f s", seconds);
        return parts == null ? text : text + " (" + parts + ")";
    }

    /** Keeps a value inside its table cell. */
    private static String escape(String text) {
        return text.replace("|", "\\|").replace('\n', ' ').replace('\r', ' ');
    }
}
