package io.coldstream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import io.coldstream.eval.BenchReport;
import io.coldstream.eval.MethodResult;
import io.coldstream.eval.StageAccuracy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code coldstream bench}'s refusals of the learning suites (one line, exit status 2, nothing trained),
 * and {@code --merge}.
 */
class BenchCommandTest {

    @TempDir
    Path dir;

    @Test
    void anUnknownSuiteListsTheSuites() {
        CliRun r = CliRun.of("bench", "--suite", "cifar10", "--out", dir.resolve("b").toString());
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("suite was 'cifar10'").contains("quick, fashion, cifar100, imagenet");
        assertThat(dir.resolve("b")).doesNotExist();
    }

    @Test
    void cifarAndImagenetNeedTheirData() {
        CliRun cifar = CliRun.of("bench", "--suite", "cifar100", "--out", dir.resolve("c").toString());
        assertThat(cifar.status()).isEqualTo(2);
        assertThat(cifar.err()).contains("needs --data: cifar100:DIR").contains("nothing is downloaded");
        CliRun imagenet = CliRun.of("bench", "--suite", "imagenet", "--out", dir.resolve("i").toString());
        assertThat(imagenet.status()).isEqualTo(2);
        assertThat(imagenet.err()).contains("needs --data: imagefolder:DIR");
    }

    @Test
    void aMissingDatasetIsNamed() {
        CliRun r = CliRun.of("bench", "--suite", "cifar100", "--data", "cifar100:" + dir.resolve("nope"),
                "--out", dir.resolve("c").toString());
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains(dir.resolve("nope").toString());
    }

    @Test
    void badMethodsVariantsAndSettingsAreRefused() {
        assertThat(CliRun.of("bench", "--suite", "quick", "--methods", "ewc").err())
                .contains("method was 'ewc'").contains("cssl, finetune or offline");
        assertThat(CliRun.of("bench", "--suite", "quick", "--variant", "k20").err())
                .contains("NAME:KEY=VALUE");
        assertThat(CliRun.of("bench", "--suite", "quick", "--scenario", "domain").err())
                .contains("scenario was 'domain'").contains("iid, class-incremental, multi-task");
        CliRun limit = CliRun.of("bench", "--suite", "quick", "--set", "limit=5", "--out", dir.resolve("q").toString());
        assertThat(limit.status()).isEqualTo(2);
        assertThat(limit.err()).contains("chosen by the benchmark itself");
        CliRun bad = CliRun.of("bench", "--suite", "quick", "--set", "replay.k=-1", "--out", dir.resolve("q").toString());
        assertThat(bad.status()).isEqualTo(2);
        assertThat(bad.err()).contains("replay.k");
        assertThat(Files.exists(dir.resolve("q").resolve("bench.json"))).isFalse();
    }

    @Test
    void mergeWritesOneReportWithOmegaAllAcrossTheRuns() throws Exception {
        write("a", result("cssl", 0.80));
        write("b", result("finetune", 0.30), result("offline", 0.90));

        CliRun r = CliRun.of("bench", "--merge", dir.resolve("a") + "," + dir.resolve("b"), "--out",
                dir.resolve("m").toString());

        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).contains("quick: merged 3 results from 2 files").contains("| cssl | 0.8000 |")
                .contains("| 0.8889 |");
        BenchReport merged = BenchReport.read(dir.resolve("m").resolve("bench.json"));
        assertThat(merged.results()).extracting(MethodResult::method).containsExactly("cssl", "finetune", "offline");
        assertThat(merged.omegaAll(merged.results().get(0))).isCloseTo(0.8 / 0.9, offset(1e-12));
    }

    @Test
    void mergeRefusesRunFlagsAMissingFileAndOverwritingAnInput() throws Exception {
        write("a", result("cssl", 0.80));

        CliRun withSuite = CliRun.of("bench", "--merge", dir.resolve("a").toString(), "--suite", "quick", "--out",
                dir.resolve("m").toString());
        assertThat(withSuite.status()).isEqualTo(2);
        assertThat(withSuite.err()).contains("--merge runs nothing, so it takes only --out, but [--suite] was given");
        CliRun missing = CliRun.of("bench", "--merge", dir.resolve("a") + "," + dir.resolve("nope"), "--out",
                dir.resolve("m").toString());
        assertThat(missing.status()).isEqualTo(2);
        assertThat(missing.err()).contains(dir.resolve("nope").resolve("bench.json") + " does not exist");
        CliRun onto = CliRun.of("bench", "--merge", dir.resolve("a").toString(), "--out", dir.resolve("a").toString());
        assertThat(onto.status()).isEqualTo(2);
        assertThat(onto.err()).contains("would overwrite its bench.json");
        assertThat(dir.resolve("m")).doesNotExist();
        CliRun none = CliRun.of("bench", "--out", dir.resolve("m").toString());
        assertThat(none.err()).contains("bench needs --suite NAME");
    }

    private void write(String folder, MethodResult... results) {
        new BenchReport("quick", List.of(results), List.of()).write(dir.resolve(folder));
    }

    /** One stage of 2 classes, both seen, with top-1 {@code top1}. */
    private static MethodResult result(String method, double top1) {
        StageAccuracy stage = new StageAccuracy(0, 100, 2, 20, top1, 1.0, List.of(top1), List.of(top1, top1),
                List.of(true), List.of(true, true));
        return new MethodResult(method, "class-incremental", List.of(stage), 1_000, 100, Map.of());
    }
}
