package io.coldstream.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coldstream.core.ConfigurationException;
import io.coldstream.eval.BenchMetrics;
import io.coldstream.eval.BenchReport;
import io.coldstream.eval.MethodResult;
import io.coldstream.eval.StageAccuracy;
import io.coldstream.io.FashionMnist;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The harness on a short class-incremental stream of real Fashion-MNIST, every method. */
class BenchHarnessIT {

    @TempDir
    Path out;

    private static BenchExperiment experiment(List<BenchMethod> methods) {
        return new BenchExperiment("class-incremental", FashionMnist.DEFAULT_DIR.toString(),
                Scenario.CLASS_INCREMENTAL, methods, 300, 2, 5, 500, 1, 32, 5,
                Map.of("checkpoint.every", "100", "engine", "pytorch"));
    }

    @Test
    void runsEveryMethodOnTheSameStagesAndWritesTheReport() {
        List<String> lines = new ArrayList<>();
        BenchReport report = BenchHarness.run("test", List.of(experiment(List.of(BenchMethod.CSSL,
                BenchMethod.FINETUNE, BenchMethod.OFFLINE))), List.of("a reference"), out, lines::add);

        List<MethodResult> results = report.results();
        assertThat(results).extracting(MethodResult::method).containsExactly("cssl", "finetune", "offline");
        MethodResult offline = results.get(2);
        for (MethodResult r : results) {
            assertThat(r.stages()).as(r.method()).hasSize(5);
            for (int s = 0; s < 5; s++) {
                StageAccuracy stage = r.stages().get(s);
                assertThat(stage.seenClasses()).as("%s stage %d", r.method(), s).isEqualTo(2 * (s + 1));
                // every method is evaluated at the same stream position: the stages line up
                assertThat(stage.examplesSeen()).as("%s stage %d", r.method(), s)
                        .isEqualTo(offline.stages().get(s).examplesSeen());
            }
            assertThat(r.stages().get(4).examplesSeen()).isEqualTo(300);
        }
        assertThat(results.get(0).examplesTrained()).isEqualTo(300);
        // Without replay the last stage's two classes crowd out the eight before them.
        assertThat(results.get(0).finalTop1()).isGreaterThan(results.get(1).finalTop1());
        assertThat(BenchMetrics.averageForgetting(results.get(1).stages()))
                .isGreaterThan(BenchMetrics.averageForgetting(results.get(0).stages()));
        assertThat(BenchMetrics.omegaAll(results.get(0).stages(), offline.stages())).isPositive();

        assertThat(out.resolve("bench.json")).isRegularFile();
        assertThat(out.resolve("bench.csv")).isRegularFile();
        assertThat(out.resolve("bench.md")).isRegularFile();
        assertThat(out.resolve("runs/class-incremental/cssl/results.json")).isRegularFile();
        assertThat(out.resolve("runs/class-incremental/finetune/results.json")).isRegularFile();
        assertThat(lines).anyMatch(l -> l.startsWith("class-incremental/offline: stage 5/5"));
        assertThat(BenchReport.read(out.resolve("bench.json")).results()).hasSize(3);
    }

    @Test
    void aSecondRunIntoTheSameFolderStartsTheStreamMethodsOver() throws Exception {
        BenchExperiment e = experiment(List.of(BenchMethod.FINETUNE));
        MethodResult first = BenchHarness.runExperiment(e, out, l -> { }).get(0);
        MethodResult second = BenchHarness.runExperiment(e, out, l -> { }).get(0);
        assertThat(second.examplesTrained()).isEqualTo(300);
        // same seed, same stream, same thread count: the same accuracies
        assertThat(second.stages()).extracting(StageAccuracy::top1)
                .containsExactlyElementsOf(first.stages().stream().map(StageAccuracy::top1).toList());
        assertThat(Files.list(out).map(p -> p.getFileName().toString())).contains("finetune");
    }

    @Test
    void refusesSettingsTheBenchmarkChoosesItself() {
        BenchExperiment e = new BenchExperiment("x", FashionMnist.DEFAULT_DIR.toString(), Scenario.IID,
                List.of(BenchMethod.CSSL), 10, 2, 1, 10, 1, 8, 1, Map.of("--limit", "5"));
        assertThatThrownBy(() -> BenchHarness.runExperiment(e, out, l -> { }))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("--limit");
    }
}
