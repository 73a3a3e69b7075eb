package io.coldstream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coldstream.core.ConfigurationException;
import io.coldstream.core.DataException;
import io.coldstream.io.CifarLabels;
import io.coldstream.io.DatasetOptions;
import io.coldstream.core.Shape;
import io.coldstream.model.NetworkEngine;
import io.coldstream.model.SnapshotManifest;
import io.coldstream.model.SnapshotStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code coldstream eval}'s refusals, which come before any model is loaded: a snapshot that is not there,
 * flags that disagree, a dataset of another shape or other classes. Each is one line and exit status 2, and
 * nothing is written. {@link EvalCommandIT} evaluates a trained snapshot.
 */
class EvalCommandTest {

    @TempDir
    Path dir;

    /** A store in {@code <run>/snapshots} with the given versions, each a manifest of a 1x28x28, 10-class model. */
    private Path store(String... versions) throws IOException {
        Path run = dir.resolve("run");
        Path snapshots = Files.createDirectories(run.resolve("snapshots"));
        for (String v : versions) {
            Path folder = Files.createDirectories(snapshots.resolve(v));
            SnapshotManifest m = new SnapshotManifest(SnapshotManifest.FORMAT_VERSION, v,
                    Instant.parse("2025-01-01T00:00:00Z"), 50, null, "0".repeat(64), Map.of(), NetworkEngine.DL4J,
                    "small-cnn", new Shape(1, 28, 28), 10, 431_626, Map.of());
            Files.write(folder.resolve(SnapshotStore.MANIFEST_FILE), m.toJson());
            Files.writeString(folder.resolve(SnapshotStore.MODEL_FILE), "not a model");
        }
        if (versions.length > 0) {
            Files.writeString(snapshots.resolve(SnapshotStore.LATEST), versions[versions.length - 1] + "\n");
        }
        return run;
    }

    private static void assertOneLineRefusal(CliRun o, String... parts) {
        assertThat(o.status()).as(o.err()).isEqualTo(2);
        assertThat(o.err()).startsWith("coldstream: ").contains(parts);
        assertThat(o.err().strip().lines()).hasSize(1);
        assertThat(o.out()).isEmpty();
    }

    @Test
    void aMissingSnapshotSaysWhatWasLookedForAndWhatIsThere() throws IOException {
        Path out = dir.resolve("out");
        assertOneLineRefusal(CliRun.of("eval", "--snapshot", dir.resolve("nowhere").toString(), "--out", out.toString()),
                "--snapshot was '" + dir.resolve("nowhere") + "' but no such folder exists", "--version");

        Path empty = Files.createDirectories(dir.resolve("empty-run"));
        assertOneLineRefusal(CliRun.of("eval", "--snapshot", empty.toString(), "--out", out.toString()),
                "no snapshot was published in " + empty, "--snapshot-every");

        Path run = store("v000001", "v000002");
        assertOneLineRefusal(CliRun.of("eval", "--snapshot", run.toString(), "--version", "v000099", "--out",
                out.toString()), "snapshot v000099 is not in " + run.resolve("snapshots"), "holds v000001, v000002");
        assertThat(out).doesNotExist();
    }

    @Test
    void findsTheSnapshotFromAFolderAStoreARunOrABareVersion() throws IOException {
        Path run = store("v000001", "v000002");
        Path snapshots = run.resolve("snapshots");

        EvalCommand.Target latest = EvalCommand.resolve(run.toString(), null, dir);
        assertThat(latest.version()).isEqualTo("v000002");
        assertThat(latest.store().dir()).isEqualTo(snapshots);
        assertThat(EvalCommand.resolve(snapshots.toString(), "v000001", dir).version()).isEqualTo("v000001");
        EvalCommand.Target folder = EvalCommand.resolve(snapshots.resolve("v000001").toString(), null, dir);
        assertThat(folder.version()).isEqualTo("v000001");
        assertThat(folder.store().dir()).isEqualTo(snapshots.toAbsolutePath());
        // A bare version is looked for in the store of the current folder.
        assertThat(EvalCommand.resolve("v000001", null, run).store().dir()).isEqualTo(snapshots);
        assertThatThrownBy(() -> EvalCommand.resolve("v000003", null, run)).isInstanceOf(DataException.class)
                .hasMessageContaining("there is no such folder").hasMessageContaining("holds v000001, v000002");
    }

    @Test
    void flagsThatDisagreeOrAreOutOfRangeAreRefusedTogether() throws IOException {
        Path run = store("v000001");
        assertOneLineRefusal(CliRun.of("eval", "--snapshot", run.resolve("snapshots/v000001").toString(), "--version",
                "v000002"), "--snapshot names snapshot v000001 but --version names v000002");
        assertOneLineRefusal(CliRun.of("eval", "--snapshot", run.toString(), "--version", "latest", "--limit", "-1",
                "--batch", "0"), "--version was 'latest'", "--limit was -1", "--batch was 0");
    }

    @Test
    void aDatasetOfAnotherShapeOrOtherClassesIsRefusedBeforeTheModelIsLoaded() throws IOException {
        Path run = store("v000001");
        Path small = dir.resolve("small");
        ColdstreamCliTest.writeIdx(small, "train", 20, 8, 8);
        ColdstreamCliTest.writeIdx(small, "t10k", 10, 8, 8);
        Path out = dir.resolve("out");

        assertOneLineRefusal(CliRun.of("eval", "--snapshot", run.toString(), "--data", small.toString(), "--out",
                out.toString()), "snapshot v000001 takes examples of 1x28x28 but idx:" + small + " has 1x8x8");

        Path five = dir.resolve("five");
        ColdstreamCliTest.writeIdx(five, 5, 5);
        assertOneLineRefusal(CliRun.of("eval", "--snapshot", run.toString(), "--data", five.toString(), "--out",
                out.toString()), "snapshot v000001 predicts 10 classes but idx:" + five + " has 5");
        assertThat(out).doesNotExist();
    }

    @Test
    void datasetOptionsComeFromTheFlagsElseFromWhatTheSnapshotWasTrainedWith() {
        SnapshotManifest coarse64 = manifest(new Shape(3, 64, 64), 20,
                Map.of("labels", "coarse", "image", Map.of("size", 64)));
        EvalCommand eval = new EvalCommand();
        assertThat(eval.datasetOptions(coarse64)).isEqualTo(new DatasetOptions(CifarLabels.COARSE, 64));
        eval.labels = "fine";
        eval.imageSize = 48;
        assertThat(eval.datasetOptions(coarse64)).isEqualTo(new DatasetOptions(CifarLabels.FINE, 48));
        // a manifest without a configuration: the image size is its input's side
        assertThat(new EvalCommand().datasetOptions(manifest(new Shape(3, 40, 40), 10, Map.of())))
                .isEqualTo(new DatasetOptions(CifarLabels.FINE, 40));
        EvalCommand bad = new EvalCommand();
        bad.labels = "medium";
        bad.imageSize = 2;
        assertThatThrownBy(() -> bad.datasetOptions(coarse64)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("--labels").hasMessageContaining("medium")
                .hasMessageContaining("--image-size was 2");
    }

    @Test
    void aCoarseCifarSnapshotIsCheckedAgainstTheCoarseLabelsWithoutAFlag() throws IOException {
        Path snapshots = Files.createDirectories(dir.resolve("run").resolve("snapshots"));
        Path folder = Files.createDirectories(snapshots.resolve("v000001"));
        Files.write(folder.resolve(SnapshotStore.MANIFEST_FILE), manifest(new Shape(3, 32, 32), 20,
                Map.of("labels", "coarse")).toJson());
        Files.writeString(folder.resolve(SnapshotStore.MODEL_FILE), "not a model");
        Files.writeString(snapshots.resolve(SnapshotStore.LATEST), "v000001\n");
        Path cifar = dir.resolve("cifar");
        io.coldstream.testkit.CifarFiles.writeSplit(cifar, "train", 0, 1, 2);
        io.coldstream.testkit.CifarFiles.writeSplit(cifar, "test", 0, 1, 2);
        Path out = dir.resolve("out");
        CliRun o = CliRun.of("eval", "--snapshot", dir.resolve("run").toString(), "--data", "cifar100:" + cifar,
                "--out", out.toString());
        // past the class check (20 coarse classes), refused only when the model file is read
        assertThat(o.err()).doesNotContain("predicts 20 classes").contains("SHA-256");
        CliRun fine = CliRun.of("eval", "--snapshot", dir.resolve("run").toString(), "--data", "cifar100:" + cifar,
                "--labels", "fine", "--out", out.toString());
        assertOneLineRefusal(fine, "snapshot v000001 predicts 20 classes but cifar100:" + cifar + " has 100");
    }

    private static SnapshotManifest manifest(Shape shape, int classes, Map<String, Object> configuration) {
        return new SnapshotManifest(SnapshotManifest.FORMAT_VERSION, "v000001", Instant.parse("2025-01-01T00:00:00Z"),
                50, null, "0".repeat(64), Map.of(), NetworkEngine.DL4J, "small-cnn", shape, classes, 1000,
                configuration);
    }

    @Test
    void helpListsTheFlags() {
        CliRun o = CliRun.of("eval", "--help");
        assertThat(o.status()).as(o.err()).isZero();
        assertThat(o.out()).contains("--snapshot", "--version", "--data", "--labels", "--image-size", "--out", "--limit",
                "--batch");
    }
}
