package io.coldstream.eval.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coldstream.core.ColdstreamException;
import io.coldstream.eval.ReportFiles;
import io.coldstream.eval.SoakReport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.function.ToLongFunction;
import org.knowm.xchart.XYChart;

/** Writes a soak benchmark's folder; {@link SoakReport#write(Path)} is its public face. */
public final class SoakWriter {

    /** The files written. */
    public static final String CSV = "soak.csv";
    /** The figures and verdict. */
    public static final String JSON = "soak.json";
    /** The table. */
    public static final String MARKDOWN = "soak.md";
    /** The plot. */
    public static final String PNG = "soak.png";

    private static final double MIB = 1024.0 * 1024.0;

    private SoakWriter() {
    }

    /**
     * @param report the soak
     * @param dir the folder, created if needed
     * @return {@code soak.md} and {@code soak.png}
     */
    public static ReportFiles write(SoakReport report, Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new ColdstreamException("could not create the soak folder " + dir + ": " + e, e);
        }
        StringBuilder csv = new StringBuilder("step,epochMillis,residentBytes,heapUsedBytes,openNetworks\n");
        for (SoakReport.Sample s : report.samples()) {
            csv.append(s.step()).append(',').append(s.epochMillis()).append(',').append(s.residentBytes()).append(',')
                    .append(s.heapUsedBytes()).append(',').append(s.openNetworks()).append('\n');
        }
        ReportWriter.replace(dir.resolve(CSV), csv.toString().getBytes(StandardCharsets.UTF_8));
        ReportWriter.replace(dir.resolve(JSON), json(report));
        Path md = dir.resolve(MARKDOWN);
        ReportWriter.replace(md, markdown(report).getBytes(StandardCharsets.UTF_8));
        Path png = dir.resolve(PNG);
        try {
            ReportWriter.replace(png, Charts.png(chart(report)));
        } catch (IOException e) {
            throw new ColdstreamException("could not encode the plot " + png + " as PNG: " + e, e);
        }
        return new ReportFiles(md, List.of(png));
    }

    /** @return the steps of the table: the baseline, round steps below the last, and the last */
    static List<Long> marks(SoakReport report) {
        long last = report.last().step();
        TreeSet<Long> marks = new TreeSet<>();
        marks.add(report.baseline().step());
        for (long s : new long[] {2000, 5000, 10000, 20000, 30000, 40000, 50000, 100000}) {
            if (s > report.baseline().step() && s < last) {
                marks.add(report.nearest(s).step());
            }
        }
        marks.add(last);
        return List.copyOf(marks);
    }

    static String markdown(SoakReport report) {
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "# Soak, %s engine, %,d steps%n%n", report.engine(), report.steps()));
        md.append("JVM: `").append(report.jvmOptions().isBlank() ? "(no heap options)" : report.jvmOptions())
                .append("`").append(report.fixedHeap() ? " (fixed heap)" : " (the heap is not fixed: its own growth"
                        + " shows as resident growth; give -Xms equal to -Xmx)").append("\n\n");
        md.append("| step | resident MiB | JVM heap used MiB | networks open |\n|---:|---:|---:|---:|\n");
        for (long step : marks(report)) {
            SoakReport.Sample s = report.nearest(step);
            md.append(String.format(Locale.ROOT, "| %,d | %s | %s | %s |%n", s.step(), mib(s.residentBytes()),
                    mib(s.heapUsedBytes()), s.openNetworks()));
        }
        md.append(String.format(Locale.ROOT, "%nFrom step %,d to step %,d: resident %s (target: within %.0f%%: %s),"
                        + " heap %s.%n", report.baseline().step(), report.last().step(),
                percent(report.residentGrowthPercent()), SoakReport.TARGET_PERCENT,
                report.metTarget() ? "met" : "not met", percent(report.heapGrowthPercent())));
        return md.toString();
    }

    private static byte[] json(SoakReport report) {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode n = mapper.createObjectNode();
        n.put("engine", report.engine());
        n.put("steps", report.steps());
        n.put("jvmOptions", report.jvmOptions());
        n.put("fixedHeap", report.fixedHeap());
        n.put("baselineStep", report.baseline().step());
        n.put("lastStep", report.last().step());
        n.put("baselineResidentBytes", report.baseline().residentBytes());
        n.put("lastResidentBytes", report.last().residentBytes());
        putPercent(n, "residentGrowthPercent", report.residentGrowthPercent());
        putPercent(n, "heapGrowthPercent", report.heapGrowthPercent());
        n.put("targetPercent", SoakReport.TARGET_PERCENT);
        n.put("metTarget", report.metTarget());
        ArrayNode table = n.putArray("table");
        for (long step : marks(report)) {
            SoakReport.Sample s = report.nearest(step);
            table.addObject().put("step", s.step()).put("residentBytes", s.residentBytes())
                    .put("heapUsedBytes", s.heapUsedBytes()).put("openNetworks", s.openNetworks());
        }
        try {
            return mapper.writeValueAsBytes(n);
        } catch (IOException e) {
            throw new ColdstreamException("could not write " + JSON + ": " + e, e);
        }
    }

    private static void putPercent(ObjectNode n, String key, double value) {
        if (Double.isNaN(value)) {
            n.putNull(key);
        } else {
            n.put(key, value);
        }
    }

    private static XYChart chart(SoakReport report) {
        Charts.headless();
        XYChart chart = Charts.xy("Soak: " + report.engine() + " engine, " + report.steps() + " steps", "step",
                "memory (MiB)");
        line(chart, "resident", report, SoakReport.Sample::residentBytes);
        line(chart, "JVM heap used", report, SoakReport.Sample::heapUsedBytes);
        return Charts.finish(chart, "no memory samples");
    }

    private static void line(XYChart chart, String name, SoakReport report, ToLongFunction<SoakReport.Sample> y) {
        Charts.Series series = new Charts.Series();
        for (SoakReport.Sample s : report.samples()) {
            long v = y.applyAsLong(s);
            if (v >= 0) {
                series.add(s.step(), v, MIB);
            }
        }
        Charts.addLine(chart, name, series);
    }

    private static String mib(long bytes) {
        return bytes < 0 ? "n/a" : String.format(Locale.ROOT, "%.1f", bytes / MIB);
    }

    private static String percent(double p) {
        return Double.isNaN(p) ? "n/a" : String.format(Locale.ROOT, "%+.1f%%", p);
    }
}
