package io.coldstream.eval.internal;

import io.coldstream.eval.HoldoutPoint;
import io.coldstream.eval.MetricsRecord;
import java.awt.Color;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Draws the run report's plots with XChart (in the style of {@link Charts}) and encodes them as PNG. */
final class ReportPlots {

    /** More classes than this and the replay plot leaves its legend out: it would hide the plot. */
    static final int MAX_LEGEND_CLASSES = 20;

    private static final double MIB = 1024.0 * 1024.0;
    private static final String X_TITLE = "examples seen (stream examples)";

    private ReportPlots() {
    }

    /** One plot: its file name and how to draw it. */
    record Plot(String fileName, String caption, XYChart chart) {
    }

    /**
     * @param lines the metrics lines in file order
     * @param holdoutFallback holdout evaluations to mark when the log has no holdout lines
     * @return the plots in report order
     */
    static List<Plot> all(List<MetricsRecord> lines, List<HoldoutPoint> holdoutFallback) {
        List<MetricsRecord> progress = lines.stream().filter(MetricsRecord::isProgress).toList();
        return List.of(
                new Plot("accuracy.png", "Accuracy", accuracy(lines, progress, holdoutFallback)),
                new Plot("loss.png", "Loss", loss(progress)),
                new Plot("throughput.png", "Throughput", throughput(progress)),
                new Plot("replay-classes.png", "Replay buffer entries per class", replayClasses(progress)),
                new Plot("memory.png", "Memory", memory(progress)));
    }

    /** @return the chart as PNG bytes */
    static byte[] png(XYChart chart) throws IOException {
        return Charts.png(chart);
    }

    private static XYChart accuracy(List<MetricsRecord> lines, List<MetricsRecord> progress,
            List<HoldoutPoint> holdoutFallback) {
        XYChart chart = chart("Accuracy", "accuracy (fraction correct)");
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisMax(1.0);
        chart.getStyler().setYAxisDecimalPattern("0.0");
        line(chart, "prequential (test-then-train)", progress, MetricsRecord::prequentialAccuracy, 1);
        line(chart, "windowed prequential (recent)", progress, MetricsRecord::windowAccuracy, 1);
        Charts.Series holdout = new Charts.Series();
        for (MetricsRecord line : lines) {
            if (line.kind() == MetricsRecord.Kind.HOLDOUT) {
                holdout.add(line.examplesSeen(), line.holdoutAccuracy(), 1);
            }
        }
        if (holdout.isEmpty()) {
            for (HoldoutPoint point : holdoutFallback) {
                holdout.add(point.examplesSeen(), point.accuracy(), 1);
            }
        }
        if (!holdout.isEmpty()) {
            XYSeries series = chart.addSeries("holdout evaluation", holdout.xs(), holdout.ys());
            series.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            series.setMarker(SeriesMarkers.DIAMOND);
        }
        return Charts.finish(chart, "no accuracy figures in metrics.jsonl");
    }

    private static XYChart loss(List<MetricsRecord> progress) {
        XYChart chart = chart("Training loss", "mean mini-batch loss over the interval");
        line(chart, "mean loss", progress, MetricsRecord::meanLoss, 1);
        return Charts.finish(chart, "no loss figures in metrics.jsonl");
    }

    private static XYChart throughput(List<MetricsRecord> progress) {
        XYChart chart = chart("Training throughput", "throughput (examples per second)");
        line(chart, "examples per second (last interval)", progress, MetricsRecord::examplesPerSecond, 1);
        return Charts.finish(chart, "no throughput figures in metrics.jsonl");
    }

    /**
     * Stacked areas, one band per class: the top edge is the buffer's total, each band's thickness is
     * one class's entries, so classes arriving and being rebalanced show as bands appearing and evening out.
     */
    private static XYChart replayClasses(List<MetricsRecord> progress) {
        int classes = 0;
        for (MetricsRecord line : progress) {
            classes = Math.max(classes, classCounts(line).size());
        }
        XYChart chart = chart(classes > MAX_LEGEND_CLASSES
                ? String.format(Locale.ROOT, "Replay buffer entries per class (%d classes, stacked)", classes)
                : "Replay buffer entries per class (stacked)", "replay entries (examples stored)");
        List<MetricsRecord> withCounts = progress.stream().filter(l -> !classCounts(l).isEmpty()).toList();
        // Cumulative sums up to each class; drawn from the top band down so that each band's fill
        // covers the part of the one above that lies below it.
        for (int c = classes - 1; c >= 0; c--) {
            Charts.Series series = new Charts.Series();
            for (MetricsRecord line : withCounts) {
                List<Integer> counts = classCounts(line);
                long upTo = 0;
                for (int k = 0; k <= c && k < counts.size(); k++) {
                    upTo += counts.get(k);
                }
                series.add(line.examplesSeen(), upTo, 1);
            }
            XYSeries band = chart.addSeries("class " + c, series.xs(), series.ys());
            Color colour = Charts.COLOURS[c % Charts.COLOURS.length];
            band.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Area);
            band.setMarker(SeriesMarkers.NONE);
            band.setFillColor(colour);
            band.setLineColor(colour);
            // A thick edge makes the legend readable; with many thin bands it would bury them.
            band.setLineWidth(classes > MAX_LEGEND_CLASSES ? 0.5f : 2f);
        }
        if (classes > MAX_LEGEND_CLASSES) {
            chart.getStyler().setLegendVisible(false);
        }
        return Charts.finish(chart, "no replay class counts in metrics.jsonl");
    }

    /** @return the line's replay entries per class, empty when it has none */
    private static List<Integer> classCounts(MetricsRecord line) {
        return line.replay() == null ? List.of() : line.replay().classCounts();
    }

    private static XYChart memory(List<MetricsRecord> progress) {
        XYChart chart = chart("Memory", "memory (MiB)");
        line(chart, "JVM heap used", progress, l -> l.jvmHeapUsedBytes() < 0 ? Double.NaN : l.jvmHeapUsedBytes(),
                MIB);
        line(chart, "resident", progress, l -> l.residentBytes() < 0 ? Double.NaN : l.residentBytes(), MIB);
        return Charts.finish(chart, "no memory figures in metrics.jsonl");
    }

    private static XYChart chart(String title, String yTitle) {
        return Charts.xy(title, X_TITLE, yTitle);
    }

    private static void line(XYChart chart, String name, List<MetricsRecord> lines, ToDoubleFunction<MetricsRecord> y,
            double divisor) {
        Charts.Series series = new Charts.Series();
        for (MetricsRecord line : lines) {
            series.add(line.examplesSeen(), y.applyAsDouble(line), divisor);
        }
        Charts.addLine(chart, name, series);
    }
}
