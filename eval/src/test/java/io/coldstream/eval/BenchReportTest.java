package io.coldstream.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coldstream.core.DataException;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code golden/bench.json} is {@link #SUITE} as this format was first written; a change to the format
 * must show up as a change to that file.
 */
class BenchReportTest {

    private static final String CI = "fashion class-incremental";

    static final List<StageAccuracy> CSSL = List.of(
            Stages.of(0, 0.90, 0.99, 1, 0.90, 0.00, 0.00),
            Stages.of(1, 0.60, 0.90, 2, 0.60, 0.85, 0.00),
            Stages.of(2, 0.45, 0.80, 3, 0.70, 0.50, 0.95));
    static final List<StageAccuracy> FINETUNE = List.of(
            Stages.of(0, 0.95, 0.99, 1, 0.95, 0.00, 0.00),
            Stages.of(1, 0.48, 0.90, 2, 0.05, 0.91, 0.00),
            Stages.of(2, 0.33, 0.70, 3, 0.00, 0.02, 0.97));
    static final List<StageAccuracy> OFFLINE = List.of(
            Stages.of(0, 0.95, 1.00, 1, 0.95, 0.00, 0.00),
            Stages.of(1, 0.80, 1.00, 2, 0.80, 0.80, 0.00),
            Stages.of(2, 0.75, 0.80, 3, 0.75, 0.75, 0.75));

    static final BenchReport SUITE = new BenchReport("quick", List.of(
            new MethodResult("cssl", CI, CSSL, 83_500, 30_000, settings("replay.budget", "16MB", "replay.k", "50",
                    "lr", "0.05")),
            new MethodResult("finetune", CI, FINETUNE, 41_000, 30_000, settings("lr", "0.05")),
            new MethodResult("offline", CI, OFFLINE, 250_000, 150_000, settings("epochs", "5")),
            new MethodResult("cssl", "fashion-iid", List.of(Stages.of(0, 0.81, 0.99, 2, 0.82, Double.NaN)), 12_345,
                    10_000, Map.of())),
            List.of("REMIND (Hayes et al., ECCV 2020), ImageNet class-incremental: Omega-all 0.855",
                    "Fashion-MNIST offline small CNN: about 0.91 top-1"));

    @TempDir
    Path dir;

    private static Map<String, String> settings(String... pairs) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put(pairs[i], pairs[i + 1]);
        }
        return m;
    }

    @Test
    void writesTheGoldenJsonByteForByteAndReadsItBackEqual() throws IOException {
        SUITE.write(dir);

        byte[] golden = Files.readAllBytes(MetricsRecordTest.golden("bench.json"));
        assertThat(Files.readAllBytes(dir.resolve("bench.json"))).isEqualTo(golden);
        assertThat(BenchReport.read(MetricsRecordTest.golden("bench.json"))).isEqualTo(SUITE);
        assertThat(BenchReport.read(dir.resolve("bench.json"))).isEqualTo(SUITE);
    }

    @Test
    void jsonHoldsTheDerivedFiguresWithNullForWhatCannotBeComputed() {
        String json = SUITE.toJson();

        assertThat(json).contains("\"omegaAll\" : 0.7657894736842105", "\"averageForgetting\" : 0.275",
                "\"forgettingPerClass\" : [ 0.20000000000000007, 0.35, null ]",
                // fashion-iid: one stage, no offline method
                "\"omegaAll\" : null", "\"averageForgetting\" : null", "\"perGroupTop1\" : [ 0.82, null ]");
    }

    @Test
    void csvHasAHeaderAndOneRowPerMethodScenarioAndStage() throws IOException {
        SUITE.write(dir);

        List<String> lines = Files.readAllLines(dir.resolve("bench.csv"), StandardCharsets.UTF_8);
        assertThat(lines).hasSize(1 + 3 + 3 + 3 + 1);
        assertThat(lines.get(0)).isEqualTo("suite,scenario,method,stage,examplesSeen,seenClasses,examples,top1,top5,"
                + "perGroupTop1,wallMillis,examplesTrained");
        assertThat(lines.get(2)).isEqualTo("quick,fashion class-incremental,cssl,1,2000,2,20,0.6,0.9,0.6;0.85;0.0,"
                + "83500,30000");
        assertThat(lines.get(10)).isEqualTo("quick,fashion-iid,cssl,0,1000,2,20,0.81,0.99,0.82;,12345,10000");
    }

    @Test
    void markdownHasATablePerScenarioAndTheAccuracyMatrices() throws IOException {
        String md = Files.readString(SUITE.write(dir).summary());

        assertThat(md).startsWith("# Benchmark suite: quick\n")
                .contains("- REMIND (Hayes et al., ECCV 2020), ImageNet class-incremental: Omega-all 0.855\n")
                .contains("## Scenario: fashion class-incremental\n")
                // Omega-all (0.9/0.95 + 0.6/0.8 + 0.45/0.75) / 3; forgetting ((0.9 - 0.7) + (0.85 - 0.5)) / 2;
                // 30000 examples in 83.5 s
                .contains("| cssl | 0.4500 | 0.8000 | 0.7658 | 0.9633 | +0.2750 | 1 min 23 s | 359.3 |\n")
                // finetune: forgetting ((0.95 - 0) + (0.91 - 0.02)) / 2 = 0.92
                // (0.95/0.95 + 0.48/0.80 + 0.33/0.75) / 3 = 0.68, top-5 (0.99 + 0.90 + 0.70/0.80) / 3 = 0.92167
                .contains("| finetune | 0.3300 | 0.7000 | 0.6800 | 0.9217 | +0.9200 | 41.0 s | 731.7 |\n")
                .contains("| offline | 0.7500 | 0.8000 | 1.0000 | 1.0000 | +0.1250 | 4 min 10 s | 600.0 |\n")
                .contains("## Scenario: fashion-iid\n")
                .contains("| cssl | 0.8100 | 0.9900 | — | — | — | 12.3 s | 810.0 |\n")
                .contains("This scenario has no `offline` method, so Omega-all is not computed.")
                .contains("### cssl: top-1 per stage and group\n\nSettings: `replay.budget=16MB`, `replay.k=50`,"
                        + " `lr=0.05`.\n")
                .contains("| 1 | 2000 | 2 | 0.6000 | 0.9000 | 0.6000 | 0.8500 | (0.0000) |\n")
                .contains("![Top-1 accuracy per stage: fashion class-incremental](accuracy-fashion-class-incremental.png)")
                .contains("](forgetting-fashion-iid.png)");
    }

    @Test
    void drawsTwoPlotsPerScenarioAsPngsOfTheExpectedSize() throws IOException {
        ReportFiles files = SUITE.write(dir);

        assertThat(files.plots()).extracting(p -> p.getFileName().toString()).containsExactly(
                "accuracy-fashion-class-incremental.png", "forgetting-fashion-class-incremental.png",
                "accuracy-fashion-iid.png", "forgetting-fashion-iid.png");
        for (Path plot : files.plots()) {
            BufferedImage image = ImageIO.read(plot.toFile());
            assertThat(image).as("%s decodes", plot).isNotNull();
            assertThat(image.getWidth()).isEqualTo(900);
            assertThat(image.getHeight()).isEqualTo(500);
        }
        assertThat(PlotPixels.coloured(files.plots().get(0))).as("three coloured lines").isGreaterThan(1000);
        assertThat(PlotPixels.coloured(files.plots().get(1))).as("forgetting markers").isGreaterThan(200);
        // The iid scenario has one stage: no forgetting can be measured, nothing is drawn.
        assertThat(PlotPixels.coloured(files.plots().get(3))).isZero();
        try (Stream<Path> written = Files.list(dir)) {
            assertThat(written.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("bench.json",
                    "bench.csv", "bench.md", "accuracy-fashion-class-incremental.png",
                    "forgetting-fashion-class-incremental.png", "accuracy-fashion-iid.png",
                    "forgetting-fashion-iid.png");
        }
    }

    @Test
    void omegaAllIsNaNWhenTheOfflineStagesDoNotMatch() {
        BenchReport report = new BenchReport("s", List.of(new MethodResult("cssl", "x", CSSL, 1, 1, Map.of()),
                new MethodResult("offline", "x", OFFLINE.subList(0, 2), 1, 1, Map.of())), List.of());

        assertThat(report.omegaAll(report.results().get(0))).isNaN();
        assertThat(report.omegaAll(report.results().get(1))).isEqualTo(1.0);
    }

    @Test
    void refusesAnEmptySuiteAndAPairTwice() {
        assertThatThrownBy(() -> new BenchReport("quick", List.of(), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no results");
        MethodResult r = new MethodResult("cssl", "x", CSSL, 1, 1, Map.of());
        assertThatThrownBy(() -> new BenchReport("quick", List.of(r, r), List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("suite quick has method cssl on scenario x twice but each pair must appear once");
    }

    @Test
    void aMalformedFileSaysWhereWhatAndWhatIsAllowed() throws IOException {
        Path file = dir.resolve("bench.json");
        String golden = Files.readString(MetricsRecordTest.golden("bench.json"));

        Files.writeString(file, golden.replaceFirst("\"top1\" : 0.9,", "\"top1\" : 1.5,"));
        assertThatThrownBy(() -> BenchReport.read(file)).isInstanceOf(DataException.class)
                .hasMessage(file + " is malformed: results[0].stages[0]: stage 0: top1 was 1.5 but must be in [0, 1]");

        Files.writeString(file, golden.replaceFirst("\"classSeen\" : \\[ true,", "\"classSeen\" : [ 1,"));
        assertThatThrownBy(() -> BenchReport.read(file)).isInstanceOf(DataException.class)
                .hasMessage(file + " is malformed: \"results[0].stages[0].classSeen\"[0] was 1 but must be a boolean");

        Files.writeString(file, golden.replaceFirst("\"wallMillis\" : 83500,", ""));
        assertThatThrownBy(() -> BenchReport.read(file)).isInstanceOf(DataException.class)
                .hasMessage(file + " is malformed: \"results[0].wallMillis\" was absent but must be an integer >= 0");

        Files.writeString(file, golden.replaceFirst("\"formatVersion\" : 1", "\"formatVersion\" : 2"));
        assertThatThrownBy(() -> BenchReport.read(file)).isInstanceOf(DataException.class)
                .hasMessageContaining("\"formatVersion\" was 2 but must be at most 1");

        Files.writeString(file, "{\"suite\": \"quick\", \"results\": {}}");
        assertThatThrownBy(() -> BenchReport.read(file)).isInstanceOf(DataException.class)
                .hasMessageContaining("\"results\" was an object {} but must be an array of method results");

        Files.delete(file);
        assertThatThrownBy(() -> BenchReport.read(file)).isInstanceOf(DataException.class)
                .hasMessageContaining("does not exist");
    }

    @Test
    void mergesRunsOfOneSuiteAndComputesOmegaAllAcrossThem() throws IOException {
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        new BenchReport("quick", List.of(SUITE.results().get(3), SUITE.results().get(0)),
                List.of(SUITE.referencePoints().get(0))).write(a);
        new BenchReport("quick", List.of(SUITE.results().get(1), SUITE.results().get(2)), SUITE.referencePoints())
                .write(b);
        assertThat(BenchReport.read(a.resolve("bench.json")).omegaAll(SUITE.results().get(0))).isNaN();

        BenchReport merged = BenchReport.merge(List.of(a.resolve("bench.json"), b.resolve("bench.json")));

        assertThat(merged.suite()).isEqualTo("quick");
        assertThat(merged.referencePoints()).isEqualTo(SUITE.referencePoints());
        assertThat(merged.results()).extracting(r -> r.scenario() + "/" + r.method())
                .containsExactly("fashion-iid/cssl", CI + "/cssl", CI + "/finetune", CI + "/offline");
        assertThat(merged.omegaAll(merged.results().get(1))).isEqualTo(SUITE.omegaAll(SUITE.results().get(0)))
                .isBetween(0.5, 1.0);
    }

    @Test
    void refusesToMergeAnotherSuiteAMethodTwiceOrAnotherPlan() throws IOException {
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        new BenchReport("quick", List.of(SUITE.results().get(0)), List.of()).write(a);
        Path aJson = a.resolve("bench.json");
        Path bJson = b.resolve("bench.json");

        new BenchReport("fashion", List.of(SUITE.results().get(2)), List.of()).write(b);
        assertThatThrownBy(() -> BenchReport.merge(List.of(aJson, bJson))).isInstanceOf(DataException.class)
                .hasMessage("cannot merge " + bJson + " (suite fashion) with " + aJson + " (suite quick): only runs"
                        + " of one suite are compared in one table");

        new BenchReport("quick", SUITE.results().subList(0, 2), List.of()).write(b);
        assertThatThrownBy(() -> BenchReport.merge(List.of(aJson, bJson))).isInstanceOf(DataException.class)
                .hasMessage("cannot merge: method cssl on scenario " + CI + " is in both " + aJson + " and " + bJson
                        + "; leave one of the files out");

        new BenchReport("quick", List.of(new MethodResult("offline", CI, OFFLINE.subList(0, 2), 1, 1, Map.of())),
                List.of()).write(b);
        assertThatThrownBy(() -> BenchReport.merge(List.of(aJson, bJson))).isInstanceOf(DataException.class)
                .hasMessage("cannot merge " + bJson + ": on scenario " + CI + ", method offline and method cssl in "
                        + aJson + " did not stream the same plan (2 stages against 3); keep --limit, --stage-classes,"
                        + " --eval-stages and --test-size the same");

        List<StageAccuracy> shifted = OFFLINE.stream().map(s -> new StageAccuracy(s.stage(), s.examplesSeen() + 1,
                s.seenClasses(), s.examples(), s.top1(), s.top5(), s.perGroupTop1(), s.perClassTop1(), s.groupSeen(),
                s.classSeen())).toList();
        new BenchReport("quick", List.of(new MethodResult("offline", CI, shifted, 1, 1, Map.of())), List.of())
                .write(b);
        assertThatThrownBy(() -> BenchReport.merge(List.of(aJson, bJson))).isInstanceOf(DataException.class)
                .hasMessageContaining("(stage 0 ends at stream example " + (OFFLINE.get(0).examplesSeen() + 1)
                        + " against " + OFFLINE.get(0).examplesSeen() + ")");
    }

    @Test
    void scenarioNamesBecomeDistinctSafeFileNames() {
        MethodResult a = new MethodResult("cssl", "CIFAR/100 tasks", CSSL, 1, 1, Map.of());
        MethodResult b = new MethodResult("cssl", "cifar 100-tasks", CSSL, 1, 1, Map.of());
        BenchReport report = new BenchReport("s", List.of(a, b), List.of());

        List<Path> plots = report.write(dir).plots();

        assertThat(plots).extracting(p -> p.getFileName().toString()).containsExactly("accuracy-cifar-100-tasks.png",
                "forgetting-cifar-100-tasks.png", "accuracy-cifar-100-tasks-2.png", "forgetting-cifar-100-tasks-2.png");
    }
}
