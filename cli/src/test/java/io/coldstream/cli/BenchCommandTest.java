package io.coldstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code coldstream bench}'s refusals of the learning suites: one line, exit status 2, nothing trained. */
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
}
