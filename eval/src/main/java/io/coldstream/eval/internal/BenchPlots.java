package io.coldstream.eval.internal;

import io.coldstream.eval.BenchMetrics;
import io.coldstream.eval.MethodResult;
import io.coldstream.eval.StageAccuracy;
import java.awt.Color;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Draws a benchmark scenario's plots in the style of {@link Charts}: accuracy per stage, forgetting per class. */
final class BenchPlots {

    private BenchPlots() {
    }

    /**
     * @param scenario the scenario's name, for the titles
     * @param slug the scenario's name as file names use it
     * @param results the scenario's results, in order
     * @param colours each method's colour, the same in every plot of the suite
     * @return the accuracy plot, then the forgetting plot
     */
    static List<ReportPlots.Plot> scenario(String scenario, String slug, List<MethodResult> results,
            Map<String, Color> colours) {
        return List.of(
                new ReportPlots.Plot("accuracy-" + slug + ".png", "Top-1 accuracy per stage: " + scenario,
                        accuracy(scenario, results, colours)),
                new ReportPlots.Plot("forgetting-" + slug + ".png", "Forgetting per class: " + scenario,
                        forgetting(scenario, results, colours)));
    }

    private static XYChart accuracy(String scenario, List<MethodResult> results, Map<String, Color> colours) {
        XYChart chart = Charts.xy("Top-1 accuracy on the classes seen so far: " + scenario,
                "stage (evaluated after training on it)", "top-1 accuracy (fraction correct)");
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisMax(1.0);
        chart.getStyler().setYAxisDecimalPattern("0.0");
        for (MethodResult r : results) {
            Charts.Series series = new Charts.Series();
            for (StageAccuracy s : r.stages()) {
                series.add(s.stage(), s.top1());
            }
            XYSeries line = Charts.addLine(chart, r.method(), series);
            if (line != null) {
                line.setMarker(SeriesMarkers.CIRCLE);
                colour(line, colours.get(r.method()));
            }
        }
        return Charts.finish(chart, "no stage was evaluated");
    }

    private static XYChart forgetting(String scenario, List<MethodResult> results, Map<String, Color> colours) {
        XYChart chart = Charts.xy("Forgetting per class: " + scenario, "class",
                "forgetting (best earlier top-1 minus final top-1)");
        int classes = 0;
        for (MethodResult r : results) {
            double[] forgetting = BenchMetrics.forgettingPerClass(r.stages());
            classes = Math.max(classes, forgetting.length);
            Charts.Series series = new Charts.Series();
            for (int c = 0; c < forgetting.length; c++) {
                series.add(c, forgetting[c]);
            }
            XYSeries points = Charts.addLine(chart, r.method(), series);
            if (points != null) {
                points.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
                points.setMarker(SeriesMarkers.CIRCLE);
                colour(points, colours.get(r.method()));
            }
        }
        if (!chart.getSeriesMap().isEmpty() && classes > 1) {
            // Every class on the axis, the last ones too when they have no figure.
            chart.getStyler().setXAxisMax(classes - 1.0);
        }
        return Charts.finish(chart, "no class was seen before the final stage");
    }

    private static void colour(XYSeries series, Color colour) {
        if (colour != null) {
            series.setLineColor(colour);
            series.setMarkerColor(colour);
        }
    }
}
