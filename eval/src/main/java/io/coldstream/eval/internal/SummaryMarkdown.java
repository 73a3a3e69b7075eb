package io.coldstream.eval.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.coldstream.eval.HoldoutPoint;
import io.coldstream.eval.MetricsRecord;
import io.coldstream.eval.RunResults;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.DoubleFunction;
import java.util.function.LongFunction;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/** Writes {@code summary.md}: key figures, holdout evaluations, configuration and plot links. */
final class SummaryMarkdown {

    private static final String NONE = "—";
    private static final double MIB = 1024.0 * 1024.0;
    private static final ObjectMapper JSON = new ObjectMapper();

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
    static String render(String runName, List<MetricsRecord.Line> lines, RunResults results,
            List<ReportPlots.Plot> plots) {
        StringBuilder md = new StringBuilder();
        md.append("# Run report: ").append(escape(runName)).append("\n\n");
        long intervals = lines.stream().filter(l -> l.record().kind() == MetricsRecord.Kind.INTERVAL).count();
        long holdouts = lines.stream().filter(l -> l.record().kind() == MetricsRecord.Kind.HOLDOUT).count();
        long finals = lines.stream().filter(l -> l.record().kind() == MetricsRecord.Kind.FINAL).count();
        md.append(String.format(Locale.ROOT, "Built from `%s` (%d interval, %d holdout and %d final lines)",
                MetricsRecord.FILE_NAME, intervals, holdouts, finals));
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
            for (Map.Entry<String, String> entry : flatten(results.configuration()).entrySet()) {
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

    /** @return the configuration flattened to {@code replay.budget -> 16MB}, in order; lists stay whole, as JSON */
    private static Map<String, String> flatten(Map<String, Object> configuration) {
        Map<String, String> flat = new LinkedHashMap<>();
        flatten("", JSON.valueToTree(configuration), flat);
        return flat;
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> out) {
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            String key = prefix + field.getKey();
            JsonNode value = field.getValue();
            if (value.isObject() && !value.isEmpty()) {
                flatten(key + ".", value, out);
            } else if (value.isValueNode()) {
                out.put(key, value.asText());
            } else {
                out.put(key, value.toString());
            }
        }
    }

    private static List<HoldoutPoint> fromLog(List<MetricsRecord.Line> lines) {
        List<HoldoutPoint> points = new ArrayList<>();
        for (MetricsRecord.Line line : lines) {
            MetricsRecord r = line.record();
            if (r.kind() == MetricsRecord.Kind.HOLDOUT && Double.isFinite(r.holdoutAccuracy())
                    && r.holdoutAccuracy() >= 0 && r.holdoutAccuracy() <= 1) {
                points.add(new HoldoutPoint(r.examplesSeen(), r.holdoutAccuracy()));
            }
        }
        return points;
    }

    private static ToLongFunction<MetricsRecord> replay(ToLongFunction<MetricsRecord.Replay> count) {
        return r -> r.replay() == null ? -1 : count.applyAsLong(r.replay());
    }

    private static ToDoubleFunction<MetricsRecord> step(ToDoubleFunction<MetricsRecord.StepMillis> millis) {
        return r -> r.stepMillis() == null ? Double.NaN : millis.applyAsDouble(r.stepMillis());
    }

    private static List<Row> keyFigures(List<MetricsRecord.Line> lines, RunResults r) {
        // The metrics fallback: the final line when there is one, else the last line.
        MetricsRecord.Line last = lines.isEmpty() ? null : lines.get(lines.size() - 1);
        for (MetricsRecord.Line line : lines) {
            if (line.record().kind() == MetricsRecord.Kind.FINAL) {
                last = line;
            }
        }
        MetricsRecord.Line end = last;
        List<Row> rows = new ArrayList<>();
        rows.add(countRow("examples seen", r == null ? -1 : r.examplesSeen(), end, MetricsRecord::examplesSeen,
                SummaryMarkdown::integer));
        rows.add(numberRow("final holdout accuracy", r == null ? Double.NaN : r.finalAccuracy(), lastFinite(lines,
                MetricsRecord::holdoutAccuracy), MetricsRecord::holdoutAccuracy, SummaryMarkdown::accuracy));
        rows.add(numberRow("prequential accuracy", r == null ? Double.NaN : r.prequentialAccuracy(),
                lastFinite(lines, MetricsRecord::prequentialAccuracy), MetricsRecord::prequentialAccuracy,
                SummaryMarkdown::accuracy));
        rows.add(numberRow("steps per second", r == null ? Double.NaN : r.stepsPerSecond(),
                lastFinite(lines.stream().filter(l -> l.record().isProgress()).toList(),
                        MetricsRecord::examplesPerSecond),
                MetricsRecord::examplesPerSecond, v -> String.format(Locale.ROOT, "%.2f", v)));
        rows.add(numberRow("wall time", r == null ? Double.NaN : r.wallSeconds(), lastFinite(lines,
                MetricsRecord::elapsedSeconds), MetricsRecord::elapsedSeconds, SummaryMarkdown::duration));
        rows.add(countRow("replay entries", r == null ? -1 : r.replayEntries(), end,
                replay(MetricsRecord.Replay::entries), SummaryMarkdown::integer));
        rows.add(countRow("replay bytes", r == null ? -1 : r.replayBytes(), end,
                replay(MetricsRecord.Replay::bytes), SummaryMarkdown::bytes));
        rows.add(countRow("replay budget", r == null ? -1 : r.replayBudgetBytes(), end,
                replay(MetricsRecord.Replay::budgetBytes), SummaryMarkdown::bytes));
        rows.add(countRow("replay evictions", r == null ? -1 : r.replayEvictions(), end,
                replay(MetricsRecord.Replay::evictions), SummaryMarkdown::integer));
        rows.add(countRow("bad records", r == null ? -1 : r.badRecords(), end, MetricsRecord::badRecords,
                SummaryMarkdown::integer));
        MetricsRecord.Line snapshot = null;
        for (MetricsRecord.Line line : lines) {
            if (line.record().snapshotVersion() != null) {
                snapshot = line;
            }
        }
        if (r != null && r.latestSnapshot() != null) {
            rows.add(new Row("latest snapshot", r.latestSnapshot(), "results.json"));
        } else if (snapshot != null) {
            rows.add(new Row("latest snapshot", snapshot.record().snapshotVersion(), lineSource(snapshot)));
        } else {
            rows.add(new Row("latest snapshot", NONE, ""));
        }
        rows.add(fromResults("parameter count", r == null || r.parameterCount() < 0 ? null
                : integer(r.parameterCount())));
        rows.add(fromResults("backend", r == null ? null : r.backend()));
        rows.add(fromResults("threads", r == null || r.threads() < 0 ? null : integer(r.threads())));
        MetricsRecord.Line step = lastFinite(lines, step(MetricsRecord.StepMillis::p50));
        rows.add(step == null ? new Row("step time p50 / p95 / p99", NONE, "")
                : new Row("step time p50 / p95 / p99", String.format(Locale.ROOT, "%s / %s / %s ms",
                        millis(step.record().stepMillis().p50()), millis(step.record().stepMillis().p95()),
                        millis(step.record().stepMillis().p99())), lineSource(step)));
        MetricsRecord.Line peak = null;
        for (MetricsRecord.Line line : lines) {
            long heap = line.record().jvmHeapUsedBytes();
            if (heap >= 0 && (peak == null || heap > peak.record().jvmHeapUsedBytes())) {
                peak = line;
            }
        }
        rows.add(peak == null ? new Row("peak JVM heap used", NONE, "")
                : new Row("peak JVM heap used", bytes(peak.record().jvmHeapUsedBytes()), lineSource(peak)));
        return rows;
    }

    private static Row countRow(String figure, long fromResults, MetricsRecord.Line line,
            ToLongFunction<MetricsRecord> fromLine, LongFunction<String> format) {
        if (fromResults >= 0) {
            return new Row(figure, format.apply(fromResults), "results.json");
        }
        if (line != null && fromLine.applyAsLong(line.record()) >= 0) {
            return new Row(figure, format.apply(fromLine.applyAsLong(line.record())), lineSource(line));
        }
        return new Row(figure, NONE, "");
    }

    private static Row numberRow(String figure, double fromResults, MetricsRecord.Line line,
            ToDoubleFunction<MetricsRecord> fromLine, DoubleFunction<String> format) {
        if (Double.isFinite(fromResults)) {
            return new Row(figure, format.apply(fromResults), "results.json");
        }
        if (line != null) {
            return new Row(figure, format.apply(fromLine.applyAsDouble(line.record())), lineSource(line));
        }
        return new Row(figure, NONE, "");
    }

    private static Row fromResults(String figure, String value) {
        return value == null ? new Row(figure, NONE, "") : new Row(figure, value, "results.json");
    }

    /** @return the last line where the figure is a finite number, or {@code null} */
    private static MetricsRecord.Line lastFinite(List<MetricsRecord.Line> lines, ToDoubleFunction<MetricsRecord> f) {
        MetricsRecord.Line found = null;
        for (MetricsRecord.Line line : lines) {
            if (Double.isFinite(f.applyAsDouble(line.record()))) {
                found = line;
            }
        }
        return found;
    }

    private static String lineSource(MetricsRecord.Line line) {
        return "metrics.jsonl line " + line.number() + " (" + line.record().kind().jsonName() + ")";
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
