package io.coldstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.coldstream.core.MiniBatch;
import io.coldstream.eval.EvalReport;
import io.coldstream.io.DatasetSplit;
import io.coldstream.io.Datasets;
import io.coldstream.io.FashionMnist;
import io.coldstream.model.Network;
import io.coldstream.model.SnapshotStore;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code coldstream eval} on snapshots of a real run: 50 Fashion-MNIST examples trained in this JVM once for
 * the class, then evaluated on the first test examples.
 */
class EvalCommandIT {

    private static final String FASHION = FashionMnist.DEFAULT_DIR.toString();

    @TempDir
    static Path shared;

    private static Path run;

    @TempDir
    Path dir;

    @BeforeAll
    static void train() {
        run = shared.resolve("run");
        CliRun o = CliRun.of("train", "--data", FASHION, "--limit", "50", "--snapshot-every", "25", "--holdout-every", "0",
                "--holdout-size", "100", "--replay-k", "4", "--threads", "2", "--out", run.toString());
        assertThat(o.status()).as(o.err()).isZero();
    }

    private static String latest() throws IOException {
        return Files.readString(run.resolve("snapshots").resolve(SnapshotStore.LATEST)).trim();
    }

    @Test
    void evaluatesTheLatestSnapshotOfARunAsTheModelItselfPredicts() throws IOException {
        Path out = dir.resolve("eval");
        CliRun o = CliRun.of("eval", "--snapshot", run.toString(), "--data", FASHION, "--limit", "300", "--batch", "64",
                "--out", out.toString());

        assertThat(o.status()).as(o.err()).isZero();
        String version = latest();
        EvalReport report = EvalReport.read(out.resolve("eval.json"));
        assertThat(report.snapshot()).isEqualTo(version);
        assertThat(report.dataset()).isEqualTo("idx:" + FASHION);
        assertThat(report.snapshotExamplesSeen()).isEqualTo(50);
        assertThat(report.examples()).isEqualTo(300);
        assertThat(report.classNames()).isEqualTo(FashionMnist.CLASS_NAMES);
        assertThat(report.top5()).isBetween(report.top1(), 1.0);
        assertThat(o.out()).contains("snapshot " + version + " (", "trained on 50 examples) on idx:" + FASHION
                + ", test split: 300 examples\n", String.format(Locale.ROOT, "top-1 %.4f  top-5 %.4f\n",
                report.top1(), report.top5()), "per class top-1: T-shirt/top ", "wrote " + out.resolve("eval.md"),
                "wrote " + out.resolve("confusion.png"));

        // The same snapshot, loaded here, predicts the same classes for the same 300 examples.
        DatasetSplit test = Datasets.open(FASHION).test();
        int row = test.shape().elementCount();
        float[] features = new float[300 * row];
        byte[] pixels = new byte[row];
        for (int i = 0; i < 300; i++) {
            test.copyPixels(i, pixels, 0);
            for (int j = 0; j < row; j++) {
                features[i * row + j] = (pixels[j] & 0xff) * MiniBatch.PIXEL_SCALE;
            }
        }
        int[] predicted = new int[300];
        try (Network network = new SnapshotStore(run.resolve("snapshots")).load(version, 300)) {
            network.predict(features, 300, predicted);
        }
        int[][] counts = new int[10][10];
        for (int i = 0; i < 300; i++) {
            counts[test.label(i)][predicted[i]]++;
        }
        for (int a = 0; a < 10; a++) {
            for (int p = 0; p < 10; p++) {
                assertThat(report.confusion().count(a, p)).as("true %d predicted %d", a, p).isEqualTo(counts[a][p]);
            }
        }

        BufferedImage png = ImageIO.read(out.resolve("confusion.png").toFile());
        assertThat(png.getWidth()).isEqualTo(900);
        assertThat(png.getHeight()).isEqualTo(900);
        assertThat(Files.readString(out.resolve("eval.md"))).contains(String.format(Locale.ROOT,
                "| top-1 accuracy | %.4f |", report.top1()), "| 0 | T-shirt/top | ", "![Confusion matrix](confusion.png)");
    }

    @Test
    void aSnapshotFolderOrAStoreWithAVersionNamesAnOlderSnapshot() throws IOException {
        CliRun folder = CliRun.of("eval", "--snapshot", run.resolve("snapshots/v000001").toString(), "--data", FASHION,
                "--limit", "100", "--out", dir.resolve("a").toString());
        CliRun store = CliRun.of("eval", "--snapshot", run.resolve("snapshots").toString(), "--version", "v000001",
                "--data", FASHION, "--limit", "100", "--out", dir.resolve("b").toString());

        assertThat(folder.status()).as(folder.err()).isZero();
        assertThat(store.status()).as(store.err()).isZero();
        EvalReport a = EvalReport.read(dir.resolve("a/eval.json"));
        assertThat(a.snapshot()).isEqualTo("v000001");
        assertThat(a.snapshotExamplesSeen()).isEqualTo(25);
        assertThat(Files.readString(dir.resolve("b/eval.json"))).isEqualTo(Files.readString(dir.resolve("a/eval.json")));
    }

    @Test
    void aCorruptModelIsRefusedWithTheChecksums() throws IOException {
        Path copy = Files.createDirectories(dir.resolve("copy/snapshots/v000001"));
        Path original = run.resolve("snapshots/v000001");
        for (String file : List.of(SnapshotStore.MANIFEST_FILE, SnapshotStore.MODEL_FILE)) {
            Files.copy(original.resolve(file), copy.resolve(file));
        }
        Files.write(copy.resolve(SnapshotStore.MODEL_FILE), new byte[] {1, 2, 3}, StandardOpenOption.APPEND);

        CliRun o = CliRun.of("eval", "--snapshot", copy.toString(), "--data", FASHION, "--limit", "10", "--out",
                dir.resolve("out").toString());

        assertThat(o.status()).isEqualTo(2);
        assertThat(o.err()).contains("snapshot v000001: model.zip has SHA-256").contains("corrupt or replaced file");
        assertThat(dir.resolve("out")).doesNotExist();
    }

    @Test
    void theLauncherWritesIntoEvalVersionInTheCurrentFolderByDefault() throws Exception {
        Path stdout = dir.resolve("stdout.txt");
        Path stderr = dir.resolve("stderr.txt");
        ProcessBuilder pb = Launcher.command(dir, "", List.of("eval", "--snapshot", run.toString(), "--limit", "20",
                "--threads", "2")).directory(dir.toFile());
        pb.redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        Process p = pb.start();
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("launcher finished").isTrue();

        assertThat(p.exitValue()).as(Files.readString(stderr)).isZero();
        Path out = dir.resolve("eval-" + latest());
        assertThat(EvalReport.read(out.resolve("eval.json")).examples()).isEqualTo(20);
        assertThat(Files.readString(stdout)).contains("wrote eval-" + latest() + "/eval.md");
    }
}
