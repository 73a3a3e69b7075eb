package io.coldstream.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.coldstream.core.DataException;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongFunction;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunReportTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> PLOTS =
            List.of("accuracy.png", "loss.png", "throughput.png", "replay-classes.png", "memory.png");
    private static final int CLASSES = 10;
    private static final int INTERVAL = 200;
    private static final int INTERVALS = 50;
    private static final int CAPACITY = 1000;

    @TempDir
    Path run;

    // ---- a realistic class-incremental run: 10,000 examples, 2 new classes every 2,000 ----

    /** Replay entries per class after {@code seen} examples: balanced over the classes seen so far. */
    private static List<Integer> classCounts(long seen) {
        int arrived = (int) Math.min(CLASSES, 2 * (seen / 2000 + 1));
        List<Integer> counts = new ArrayList<>();
        long stored = Math.min(seen, CAPACITY);
        for (int c = 0; c < CLASSES; c++) {
            counts.add(c < arrived ? (int) (stored / arrived) : 0);
        }
        return counts;
    }

    private static Map<String, Object> line(String kind, long seen, Map<String, Object> extra,
            LongFunction<List<Integer>> classCounts) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", kind);
        m.put("time", "2025-01-01T00:00:00Z");
        m.put("elapsedSeconds", seen / 40.0);
        m.put("examplesSeen", seen);
        m.put("examplesPerSecond", 40.0 + (seen % 1000) / 100.0);
        m.put("loss", 2.3 * Math.exp(-seen / 4000.0) + 0.2);
        m.put("meanLoss", 2.3 * Math.exp(-seen / 4000.0) + 0.25);
        m.put("prequentialAccuracy", 0.1 + 0.6 * (1 - Math.exp(-seen / 3000.0)));
        m.put("windowAccuracy", 0.1 + 0.7 * (1 - Math.exp(-seen / 2000.0)));
        m.put("holdoutAccuracy", seen >= 3000 ? 0.55 : null);
        List<Integer> counts = classCounts.apply(seen);
        Map<String, Object> replay = new LinkedHashMap<>();
        replay.put("entries", counts.stream().mapToInt(Integer::intValue).sum());
        replay.put("capacity", CAPACITY);
        replay.put("bytes", 788L * counts.stream().mapToInt(Integer::intValue).sum());
        replay.put("budgetBytes", 788_000L);
        replay.put("evictions", Math.max(0, seen - CAPACITY));
        replay.put("classCounts", counts);
        m.put("replay", replay);
        m.put("stepMillis", Map.of("mean", 25.0, "p50", 24.0, "p95", 31.5, "p99", 40.25, "max", 80.0));
        m.put("snapshotVersion", seen >= 5000 ? "v00005000" : null);
        m.put("badRecords", 3);
        m.put("jvmHeapUsedBytes", (200L << 20) + seen * 4096);
        m.put("residentBytes", (64L << 20) + seen * 1024);
        m.putAll(extra);
        return m;
    }

    private static List<Map<String, Object>> runLines(Map<String, Object> extra) {
        return runLines(extra, RunReportTest::classCounts);
    }

    private static List<Map<String, Object>> runLines(Map<String, Object> extra,
            LongFunction<List<Integer>> classCounts) {
        List<Map<String, Object>> lines = new ArrayList<>();
        for (int i = 1; i <= INTERVALS; i++) {
            long seen = (long) i * INTERVAL;
            Map<String, Object> interval = line("interval", seen, extra, classCounts);
            if (i == 1) {
                interval.put("meanLoss", null);
                interval.put("windowAccuracy", null);
                interval.put("stepMillis", null);
            }
            lines.add(interval);
            if (seen % 3000 == 0) {
                Map<String, Object> holdout = line("holdout", seen, extra, classCounts);
                holdout.put("holdoutAccuracy", 0.3 + seen / 20000.0);
                lines.add(holdout);
            }
        }
        lines.add(line("final", (long) INTERVALS * INTERVAL, extra, classCounts));
        return lines;
    }

    private void writeMetrics(List<Map<String, Object>> lines) throws IOException {
        StringBuilder text = new StringBuilder();
        for (Map<String, Object> line : lines) {
            text.append(JSON.writeValueAsString(line)).append('\n');
        }
        Files.writeString(run.resolve("metrics.jsonl"), text, StandardCharsets.UTF_8);
    }

    private void writeResults() throws IOException {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("examplesSeen", 10000);
        r.put("prequentialAccuracy", 0.6271);
        r.put("holdout", List.of(Map.of("examplesSeen", 3000, "accuracy", 0.45),
                Map.of("examplesSeen", 6000, "accuracy", 0.6), Map.of("examplesSeen", 9000, "accuracy", 0.75)));
        r.put("finalAccuracy", 0.8123);
        r.put("stepsPerSecond", 41.37);
        r.put("wallSeconds", 251.5);
        r.put("replay", Map.of("entries", 1000, "bytes", 788000, "budgetBytes", 788000, "evictions", 9000,
                "classCounts", classCounts(10000)));
        r.put("badRecords", 3);
        r.put("parameterCount", 851210);
        r.put("latestSnapshot", "v00010000");
        r.put("backend", "CPU (nd4j-native, oneDNN)");
        r.put("threads", 1);
        Map<String, Object> replay = new LinkedHashMap<>();
        replay.put("budget", "16MB");
        replay.put("policy", "class-balanced");
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("replay", replay);
        config.put("lr", 0.05);
        config.put("ordering", "class-incremental");
        r.put("configuration", config);
        Files.writeString(run.resolve("results.json"), JSON.writeValueAsString(r), StandardCharsets.UTF_8);
    }

    // ---- image checks ----

    private static int distinctColours(BufferedImage image) {
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < image.getHeight(); y += 2) {
            for (int x = 0; x < image.getWidth(); x += 2) {
                colours.add(image.getRGB(x, y));
            }
        }
        return colours.size();
    }

    private static void assertDrawnPlot(Path png) throws IOException {
        assertThat(png).isRegularFile();
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image).as("%s decodes as an image", png).isNotNull();
        assertThat(image.getWidth()).isEqualTo(900);
        assertThat(image.getHeight()).isEqualTo(500);
        assertThat(distinctColours(image)).as("distinct colours of %s", png).isGreaterThan(10);
        assertThat(PlotPixels.coloured(image)).as("coloured (data) pixels of %s", png).isGreaterThan(300);
    }

    private List<String> reportFolder() throws IOException {
        try (Stream<Path> files = Files.list(run.resolve("report"))) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    // ---- tests ----

    @Test
    void drawsEveryPlotAsAPngWithData() throws IOException {
        writeMetrics(runLines(Map.of()));
        writeResults();

        ReportFiles files = RunReport.write(run);

        assertThat(files.plots()).extracting(p -> p.getFileName().toString()).containsExactlyElementsOf(PLOTS);
        assertThat(files.summary()).isEqualTo(run.resolve("report").resolve("summary.md"));
        for (Path plot : files.plots()) {
            assertThat(plot.getParent()).isEqualTo(run.resolve("report"));
            assertDrawnPlot(plot);
        }
    }

    @Test
    void summaryHoldsTheFiguresOfResultsJsonTheHoldoutTableConfigurationAndPlotLinks() throws IOException {
        writeMetrics(runLines(Map.of()));
        writeResults();

        String md = Files.readString(RunReport.write(run).summary());

        assertThat(md).startsWith("# Run report: ")
                .contains("| examples seen | 10000 | results.json |")
                .contains("| final holdout accuracy | 0.8123 | results.json |")
                .contains("| prequential accuracy | 0.6271 | results.json |")
                .contains("| steps per second | 41.37 | results.json |")
                .contains("| wall time | 251.5 s (4 min 11 s) | results.json |")
                .contains("| replay entries | 1000 | results.json |")
                .contains("| replay bytes | 788000 B (0.75 MiB) | results.json |")
                .contains("| replay budget | 788000 B (0.75 MiB) | results.json |")
                .contains("| replay evictions | 9000 | results.json |")
                .contains("| bad records | 3 | results.json |")
                .contains("| latest snapshot | v00010000 | results.json |")
                .contains("| parameter count | 851210 | results.json |")
                .contains("| backend | CPU (nd4j-native, oneDNN) | results.json |")
                .contains("| threads | 1 | results.json |")
                .contains("| step time p50 / p95 / p99 | 24.0 / 31.5 / 40.3 ms |")
                // results.json's holdout list, not the metrics log's own figures
                .contains("| 3000 | 0.4500 |\n| 6000 | 0.6000 |\n| 9000 | 0.7500 |\n")
                .contains("replay.budget: 16MB\n", "replay.policy: class-balanced\n", "lr: 0.05\n",
                        "ordering: class-incremental\n");
        for (String plot : PLOTS) {
            assertThat(md).contains("](" + plot + ")");
        }
    }

    @Test
    void withoutResultsJsonTakesTheFiguresFromTheMetricsLog() throws IOException {
        writeMetrics(runLines(Map.of()));

        ReportFiles files = RunReport.write(run);
        String md = Files.readString(files.summary());

        // 50 intervals + 3 holdout lines, then the final line is line 54.
        assertThat(md).contains("no `results.json`")
                .contains("| examples seen | 10000 | metrics.jsonl line 54 (final) |")
                .contains("| final holdout accuracy | 0.5500 | metrics.jsonl line 54 (final) |")
                .contains("| replay entries | 1000 | metrics.jsonl line 54 (final) |")
                .contains("| latest snapshot | v00005000 | metrics.jsonl line 54 (final) |")
                .contains("| parameter count | — |  |")
                .contains("| 3000 | 0.4500 |\n| 6000 | 0.6000 |\n| 9000 | 0.7500 |\n")
                .doesNotContain("## Configuration")
                .doesNotContain("results.json |");
        for (Path plot : files.plots()) {
            assertDrawnPlot(plot);
        }
    }

    @Test
    void ignoresKeysAndKindsItDoesNotKnow() throws IOException {
        writeMetrics(runLines(Map.of()));
        String plain = Files.readString(RunReport.write(run).summary());

        List<Map<String, Object>> lines = runLines(Map.of("gpuUtilisation", 0.93,
                "future", Map.of("nested", List.of(1, 2, 3)), "note", "hello"));
        // A kind of line from a later version, at the end so that line numbers stay the same.
        lines.add(Map.of("kind", "gc-pause", "examplesSeen", "not a number", "pauseMillis", 12));
        writeMetrics(lines);
        ReportFiles files = RunReport.write(run);

        assertThat(Files.readString(files.summary())).isEqualTo(plain);
        assertDrawnPlot(files.plots().get(0));
    }

    @Test
    void reportsAMalformedLineWithItsNumberAndWhatIsWrong() throws IOException {
        List<String> text = new ArrayList<>();
        for (Map<String, Object> line : runLines(Map.of())) {
            text.add(JSON.writeValueAsString(line));
        }
        text.set(6, text.get(6).substring(0, 40));
        Files.write(run.resolve("metrics.jsonl"), text, StandardCharsets.UTF_8);

        assertThatThrownBy(() -> RunReport.write(run)).isInstanceOf(DataException.class)
                .hasMessageContaining("metrics.jsonl line 7 is malformed")
                .hasMessageContaining("not valid JSON");

        text.set(6, JSON.writeValueAsString(Map.of("kind", "interval", "examplesSeen", 1400, "meanLoss", "high")));
        Files.write(run.resolve("metrics.jsonl"), text, StandardCharsets.UTF_8);

        assertThatThrownBy(() -> RunReport.write(run)).isInstanceOf(DataException.class)
                .hasMessageContaining("metrics.jsonl line 7 is malformed")
                .hasMessageContaining("\"meanLoss\" was \"high\" but must be a number or null");

        text.set(6, "[1, 2]");
        Files.write(run.resolve("metrics.jsonl"), text, StandardCharsets.UTF_8);

        assertThatThrownBy(() -> RunReport.write(run)).isInstanceOf(DataException.class)
                .hasMessageContaining("metrics.jsonl line 7 is malformed")
                .hasMessageContaining("must be a JSON object");
        assertThat(run.resolve("report")).doesNotExist();
    }

    @Test
    void reportsALineWithoutKindOrExampleCount() throws IOException {
        Files.writeString(run.resolve("metrics.jsonl"), "{\"kind\":\"interval\",\"examplesSeen\":10}\n"
                + "{\"examplesSeen\":20}\n");
        assertThatThrownBy(() -> RunReport.write(run)).isInstanceOf(DataException.class)
                .hasMessageContaining("line 2").hasMessageContaining("\"kind\" was absent");

        Files.writeString(run.resolve("metrics.jsonl"), "{\"kind\":\"interval\",\"examplesSeen\":-5}\n");
        assertThatThrownBy(() -> RunReport.write(run)).isInstanceOf(DataException.class)
                .hasMessageContaining("line 1").hasMessageContaining("\"examplesSeen\" was -5");
    }

    @Test
    void reportsAMissingMetricsFileOrRunFolder() {
        assertThatThrownBy(() -> RunReport.write(run)).isInstanceOf(DataException.class)
                .hasMessageContaining(run.resolve("metrics.jsonl").toString())
                .hasMessageContaining("training run");

        Path missing = run.resolve("no-such-run");
        assertThatThrownBy(() -> RunReport.write(missing)).isInstanceOf(DataException.class)
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("training run");
        assertThat(missing).doesNotExist();
    }

    @Test
    void reportsAnEmptyMetricsFile() throws IOException {
        Files.writeString(run.resolve("metrics.jsonl"), "\n  \n");

        assertThatThrownBy(() -> RunReport.write(run)).isInstanceOf(DataException.class)
                .hasMessageContaining("metrics.jsonl is empty");
    }

    @Test
    void reportsAMalformedResultsFile() throws IOException {
        writeMetrics(runLines(Map.of()));
        Files.writeString(run.resolve("results.json"), "{\"examplesSeen\": \"many\"}");

        assertThatThrownBy(() -> RunReport.write(run)).isInstanceOf(DataException.class)
                .hasMessageContaining("results.json is malformed")
                .hasMessageContaining("\"examplesSeen\" was \"many\"");
    }

    @Test
    void runningTwiceOverwritesTheReportCleanly() throws IOException {
        writeMetrics(runLines(Map.of()));
        writeResults();
        ReportFiles first = RunReport.write(run);
        String before = Files.readString(first.summary());
        byte[] accuracyBefore = Files.readAllBytes(first.plots().get(0));

        // A shorter run into the same folder: the report must describe it alone.
        Files.delete(run.resolve("results.json"));
        writeMetrics(runLines(Map.of()).subList(0, 20));
        ReportFiles second = RunReport.write(run);

        assertThat(second).isEqualTo(first);
        assertThat(reportFolder()).containsExactlyInAnyOrder("accuracy.png", "loss.png", "throughput.png",
                "replay-classes.png", "memory.png", "summary.md");
        String after = Files.readString(second.summary());
        assertThat(after).isNotEqualTo(before).contains("| examples seen | 3800 | metrics.jsonl line 20 (interval) |");
        assertThat(Files.readAllBytes(second.plots().get(0))).isNotEqualTo(accuracyBefore);
        for (Path plot : second.plots()) {
            assertDrawnPlot(plot);
        }
        // The same input gives the same report.
        RunReport.write(run);
        assertThat(Files.readString(second.summary())).isEqualTo(after);
    }

    @Test
    void aRunWithOneLineAndNoReplayStillGivesEveryPlot() throws IOException {
        Files.writeString(run.resolve("metrics.jsonl"), "{\"kind\":\"final\",\"examplesSeen\":100,"
                + "\"examplesPerSecond\":12.5,\"meanLoss\":1.5,\"prequentialAccuracy\":0.2,\"replay\":null}\n");

        ReportFiles files = RunReport.write(run);

        for (Path plot : files.plots()) {
            BufferedImage image = ImageIO.read(plot.toFile());
            assertThat(image).isNotNull();
            assertThat(image.getWidth()).isEqualTo(900);
        }
        assertThat(Files.readString(files.summary())).contains("| examples seen | 100 | metrics.jsonl line 1 (final) |")
                .contains("No holdout evaluation was recorded.");
        // The lone loss point is drawn; the memory plot has no data and shows none (the check above can fail).
        assertThat(PlotPixels.coloured(ImageIO.read(files.plots().get(1).toFile()))).isGreaterThan(20);
        assertThat(PlotPixels.coloured(ImageIO.read(files.plots().get(4).toFile()))).isZero();
    }

    @Test
    void replayPlotStacksOneColouredBandPerClass() throws IOException {
        writeMetrics(runLines(Map.of()));
        int tenClasses = colourAreas(ImageIO.read(RunReport.write(run).plots().get(3).toFile()));

        // The same run with the replay buffer holding one class only: one band instead of ten.
        writeMetrics(runLines(Map.of(), seen -> List.of((int) Math.min(seen, CAPACITY))));
        int oneClass = colourAreas(ImageIO.read(RunReport.write(run).plots().get(3).toFile()));

        assertThat(tenClasses).isGreaterThanOrEqualTo(9);
        assertThat(oneClass).isLessThanOrEqualTo(2);
    }

    @Test
    void readsTheFilesATrainingRunWrites() throws IOException {
        Files.copy(MetricsRecordTest.golden("metrics.jsonl"), run.resolve("metrics.jsonl"));
        Files.copy(MetricsRecordTest.golden("results.json"), run.resolve("results.json"));

        ReportFiles files = RunReport.write(run);

        assertThat(Files.readString(files.summary()))
                .contains("(2 interval, 1 holdout and 1 final lines)")
                .contains("| examples seen | 60000 | results.json |")
                .contains("| steps per second | 412.38 | results.json |")
                .contains("| step time p50 / p95 / p99 | 24.0 / 31.5 / 40.3 ms | metrics.jsonl line 2 (holdout) |")
                .contains("| peak JVM heap used | 12884901888 B (12288.00 MiB) | metrics.jsonl line 2 (holdout) |")
                .contains("| 20000 | 0.8120 |\n| 40000 | — |\n| 60000 | 0.9000 |\n")
                .contains("stage.classes: 2\n", "replay.budget: 16 MB\n", "metrics.host: null\n", "onednn: true\n");
        for (Path plot : files.plots()) {
            assertThat(ImageIO.read(plot.toFile())).isNotNull();
        }
    }

    /** @return how many non-grey colours each cover at least 500 pixels: filled areas, not lines or text */
    private static int colourAreas(BufferedImage image) {
        Map<Integer, Integer> pixels = new HashMap<>();
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y) & 0xffffff;
                int r = rgb >> 16 & 0xff;
                int g = rgb >> 8 & 0xff;
                int b = rgb & 0xff;
                if (Math.max(r, Math.max(g, b)) - Math.min(r, Math.min(g, b)) > 10) {
                    pixels.merge(rgb, 1, Integer::sum);
                }
            }
        }
        return (int) pixels.values().stream().filter(n -> n >= 500).count();
    }
}
