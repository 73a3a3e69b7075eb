package io.coldstream.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coldstream.core.ConfigurationException;
import io.coldstream.core.DivergedException;
import io.coldstream.core.Shape;
import io.coldstream.eval.BenchMetrics;
import io.coldstream.eval.BenchReport;
import io.coldstream.eval.MethodResult;
import io.coldstream.eval.StageAccuracy;
import io.coldstream.io.FashionMnist;
import io.coldstream.testkit.CifarFiles;
import io.coldstream.testkit.IdxFiles;
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

    /** CIFAR-100 binary files, coarse labels: {@code perClass} examples of each of the 20 superclasses. */
    private static Path cifar(Path dir, int perClass) {
        int[] train = new int[20 * perClass];
        for (int i = 0; i < train.length; i++) {
            train[i] = (i % 20) * 5; // fine label -> coarse label i % 20
        }
        int[] test = new int[40];
        for (int i = 0; i < test.length; i++) {
            test[i] = (i % 20) * 5;
        }
        CifarFiles.writeSplit(dir, "train", train);
        return CifarFiles.writeSplit(dir, "test", test);
    }

    @Test
    void theCifarSuiteRunsOnFilesInTheRealFormat() {
        Path data = cifar(out.resolve("cifar"), 4);
        BenchSuite.Overrides o = new BenchSuite.Overrides("cifar100:" + data, null,
                List.of(BenchMethod.CSSL, BenchMethod.OFFLINE), null, null, 10, null, null, 1, null, 3L,
                Map.of("labels", "coarse", "checkpoint.every", "0", "replay.k", "8"));
        List<BenchExperiment> experiments = BenchSuite.CIFAR100.experiments(o);
        assertThat(experiments).singleElement().satisfies(e -> {
            assertThat(e.scenario()).isEqualTo(Scenario.CLASS_INCREMENTAL);
            assertThat(e.settings()).containsEntry("engine", "pytorch");
        });
        BenchReport report = BenchHarness.run("cifar100", experiments, BenchSuite.CIFAR100.referencePoints(),
                out.resolve("bench"), l -> { });
        MethodResult cssl = report.results().get(0);
        assertThat(cssl.stages()).extracting(StageAccuracy::seenClasses).containsExactly(10, 20);
        assertThat(cssl.stages()).extracting(StageAccuracy::examplesSeen).containsExactly(40L, 80L);
        assertThat(cssl.stages().get(1).examples()).isEqualTo(40);
        assertThat(report.referencePoints()).anyMatch(r -> r.contains("Split CIFAR-100"));
    }

    @Test
    void theImagenetSuiteRunsOnAnImageFolder() {
        Path data = io.coldstream.testkit.ImageFolderFiles.write(out.resolve("images"), 4, 6, 2, 40, 30);
        BenchSuite.Overrides o = new BenchSuite.Overrides("imagefolder:" + data, null, List.of(BenchMethod.CSSL),
                null, null, 2, null, null, null, null, 3L,
                Map.of("image.size", "16", "checkpoint.every", "0", "replay.k", "8"));
        List<BenchExperiment> experiments = BenchSuite.IMAGENET.experiments(o);
        assertThat(experiments).singleElement().satisfies(e -> assertThat(e.scenario())
                .isEqualTo(Scenario.CLASS_INCREMENTAL));
        List<String> progress = new java.util.concurrent.CopyOnWriteArrayList<>();
        BenchReport report = BenchHarness.run("imagenet", experiments, BenchSuite.IMAGENET.referencePoints(),
                out.resolve("bench"), progress::add);
        MethodResult cssl = report.results().get(0);
        assertThat(cssl.stages()).extracting(StageAccuracy::seenClasses).containsExactly(2, 4);
        assertThat(cssl.stages()).extracting(StageAccuracy::examplesSeen).containsExactly(12L, 24L);
        assertThat(cssl.stages().get(1).examples()).as("all of val/").isEqualTo(8);
        assertThat(report.referencePoints()).anyMatch(r -> r.contains("REMIND"));
        // each stage's figures are shown when the stage ends
        assertThat(progress).anyMatch(l -> l.matches(".*stage 1/2 at 12 examples: top-1 [0-9.]+, top-5 [0-9.]+ on the 4"
                + " test examples of the 2 classes seen"));
    }

    @Test
    void multiTaskStagesAreTheTasks() {
        Path idx = out.resolve("idx");
        byte[] labels = new byte[30];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = (byte) (i % 3);
        }
        Shape shape = new Shape(1, 28, 28);
        IdxFiles.writeSplit(idx, "train", shape, labels, IdxFiles.pattern(30 * shape.elementCount()));
        IdxFiles.writeSplit(idx, "t10k", shape, new byte[] {0, 1, 2, 0, 1, 2},
                IdxFiles.pattern(6 * shape.elementCount()));
        Path data = cifar(out.resolve("cifar"), 2);
        BenchExperiment e = new BenchExperiment("multi-task", "idx:" + idx + ",cifar100:" + data, Scenario.MULTI_TASK,
                List.of(BenchMethod.FINETUNE, BenchMethod.OFFLINE), 0, 2, 5, 0, 1, 16, 3,
                Map.of("labels", "coarse", "engine", "pytorch", "checkpoint.every", "0"));
        List<MethodResult> results = BenchHarness.runExperiment(e, out.resolve("runs"), l -> { });
        for (MethodResult r : results) {
            // task 0: 3 classes, 30 examples; task 1: 20 classes, 40 examples; one head of 23 classes
            assertThat(r.stages()).extracting(StageAccuracy::seenClasses).containsExactly(3, 23);
            assertThat(r.stages()).extracting(StageAccuracy::examplesSeen).containsExactly(30L, 70L);
            assertThat(r.stages().get(1).perGroupTop1()).hasSize(2);
        }
    }

    @Test
    void refusesSettingsTheBenchmarkChoosesItself() {
        BenchExperiment e = new BenchExperiment("x", FashionMnist.DEFAULT_DIR.toString(), Scenario.IID,
                List.of(BenchMethod.CSSL), 10, 2, 1, 10, 1, 8, 1, Map.of("--limit", "5"));
        assertThatThrownBy(() -> BenchHarness.runExperiment(e, out, l -> { }))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("--limit");
    }

    @Test
    void aDivergedMethodStopsTheSuiteWithAMessageAndKeepsWhatWasMeasured() {
        BenchExperiment e = new BenchExperiment("class-incremental", FashionMnist.DEFAULT_DIR.toString(),
                Scenario.CLASS_INCREMENTAL, List.of(BenchMethod.FINETUNE, BenchMethod.variant("hot:lr=1000000")),
                100, 5, 1, 200, 1, 32, 5, Map.of("engine", "pytorch", "checkpoint.every", "0"));
        assertThatThrownBy(() -> BenchHarness.run("test", List.of(e), List.of(), out, l -> { }))
                .isInstanceOf(DivergedException.class).hasMessageContaining("class-incremental/hot diverged")
                .hasMessageContaining("lower --lr");
        assertThat(BenchReport.read(out.resolve("bench.json")).results()).extracting(MethodResult::method)
                .containsExactly("finetune");
    }

    @Test
    void aMethodMayNotChangeWhatTheStreamHolds() {
        BenchExperiment e = experiment(List.of(BenchMethod.CSSL, BenchMethod.variant("coarse:labels=coarse")));
        assertThatThrownBy(() -> BenchHarness.runExperiment(e, out, l -> { }))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("method coarse sets 'labels'");
    }
}
