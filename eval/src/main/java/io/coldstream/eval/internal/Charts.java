package io.coldstream.eval.internal;

import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The one look of every plot Coldstream draws (the run report's, the benchmark's): XChart line charts
 * of 900 x 500 pixels on white, legend below, and PNG encoding. Rendering runs headless
 * ({@link #headless()}).
 */
final class Charts {

    static final int WIDTH = 900;
    static final int HEIGHT = 500;

    /** Opaque, so that stacked bands do not blend (Tableau 10). */
    static final Color[] COLOURS = {
        new Color(0x4E79A7), new Color(0xF28E2B), new Color(0xE15759), new Color(0x76B7B2), new Color(0x59A14F),
        new Color(0xEDC948), new Color(0xB07AA1), new Color(0xFF9DA7), new Color(0x9C755F), new Color(0xBAB0AC),
    };

    static final Font TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 16);

    private Charts() {
    }

    /** Sets {@code java.awt.headless} to {@code true} unless the JVM was started with it set. */
    static void headless() {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    /**
     * @param title the chart's title
     * @param xTitle the x axis title, with its unit
     * @param yTitle the y axis title, with its unit
     * @return an empty line chart in the house style, x from 0
     */
    static XYChart xy(String title, String xTitle, String yTitle) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xTitle)
                .yAxisTitle(yTitle).build();
        XYStyler styler = chart.getStyler();
        styler.setPlotGridLinesColor(new Color(220, 220, 220));
        styler.setXAxisDecimalPattern("#,##0");
        styler.setXAxisMin(0.0);
        styler.setLegendPosition(Styler.LegendPosition.OutsideS);
        styler.setLegendLayout(Styler.LegendLayout.Horizontal);
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setPlotBackgroundColor(Color.WHITE);
        styler.setMarkerSize(9);
        styler.setAntiAlias(true);
        styler.setChartTitleFont(TITLE_FONT);
        return chart;
    }

    /**
     * Adds a line; a lone point, having no line to draw, gets a marker so that it shows. Nothing is added
     * for an empty series.
     *
     * @return the series added, or {@code null} when {@code series} is empty
     */
    static XYSeries addLine(XYChart chart, String name, Series series) {
        if (series.isEmpty()) {
            return null;
        }
        XYSeries s = chart.addSeries(name, series.xs(), series.ys());
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        s.setMarker(series.size() == 1 ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
        return s;
    }

    /**
     * Starts the y axis at zero when no value is negative (so that a small change does not look large),
     * and gives a chart without data a visible note instead of an empty frame.
     */
    static XYChart finish(XYChart chart, String emptyNote) {
        if (!chart.getSeriesMap().isEmpty()
                && chart.getSeriesMap().values().stream().allMatch(s -> s.getYMin() >= 0)) {
            chart.getStyler().setYAxisMin(0.0);
        }
        if (chart.getSeriesMap().isEmpty()) {
            chart.setTitle(chart.getTitle() + ": " + emptyNote);
            XYSeries none = chart.addSeries("(no data)", new double[] {0}, new double[] {0});
            none.setMarker(SeriesMarkers.NONE);
            none.setShowInLegend(false);
            none.setLineColor(new Color(0, 0, 0, 0));
            chart.getStyler().setLegendVisible(false);
        }
        return chart;
    }

    /** @return the chart as PNG bytes */
    static byte[] png(Chart<?, ?> chart) throws IOException {
        return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
    }

    /** Points of one series; {@code NaN} and infinite values are skipped. */
    static final class Series {
        private final List<double[]> points = new ArrayList<>();

        void add(double x, double y, double divisor) {
            if (Double.isFinite(y)) {
                points.add(new double[] {x, y / divisor});
            }
        }

        void add(double x, double y) {
            add(x, y, 1);
        }

        boolean isEmpty() {
            return points.isEmpty();
        }

        int size() {
            return points.size();
        }

        double[] xs() {
            return points.stream().mapToDouble(p -> p[0]).toArray();
        }

        double[] ys() {
            return points.stream().mapToDouble(p -> p[1]).toArray();
        }
    }
}
