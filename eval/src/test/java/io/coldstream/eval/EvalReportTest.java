package io.coldstream.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coldstream.core.DataException;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvalReportTest {

    /** Class 0: 8 of 10 right, 2 taken for class 2; class 1: 5 of 5; class 2: 3 of 5, 2 taken for class 0. */
    private static final ConfusionMatrix THREE = ConfusionMatrix.of(3, new int[] {
        8, 0, 2,
        0, 5, 0,
        2, 0, 3,
    });
    private static final EvalReport REPORT = new EvalReport("v000012", "idx:/data/three", 1500, 0.95,
            List.of("cat", "dog", "cow"), THREE);

    @TempDir
    Path dir;

    @Test
    void derivesTopOneAndPerClassFromTheConfusionMatrix() {
        assertThat(REPORT.examples()).isEqualTo(20);
        assertThat(REPORT.top1()).isEqualTo(16.0 / 20);
        assertThat(REPORT.perClassTop1()).containsExactly(0.8, 1.0, 0.6);
        assertThat(REPORT.className(2)).isEqualTo("cow");
        EvalReport unnamed = new EvalReport("v1", "d", -1, 1.0, List.of(), ConfusionMatrix.of(2, new int[] {1, 0, 0, 0}));
        assertThat(unnamed.className(1)).isEqualTo("1");
        assertThat(unnamed.perClassTop1()).containsExactly(1.0, Double.NaN);
    }

    @Test
    void writesJsonThatReadsBackEqual() throws IOException {
        REPORT.write(dir);

        String json = Files.readString(dir.resolve("eval.json"));
        assertThat(json).contains("\"snapshot\" : \"v000012\"", "\"dataset\" : \"idx:/data/three\"",
                "\"snapshotExamplesSeen\" : 1500", "\"examples\" : 20", "\"top1\" : 0.8,", "\"top5\" : 0.95",
                "\"class\" : 2,\n    \"name\" : \"cow\",\n    \"examples\" : 5,\n    \"top1\" : 0.6",
                "\"confusion\" : [ [ 8, 0, 2 ], [ 0, 5, 0 ], [ 2, 0, 3 ] ]");
        assertThat(EvalReport.read(dir.resolve("eval.json"))).isEqualTo(REPORT);
        EvalReport unnamed = new EvalReport("v1", "d", -1, 1.0, List.of(), THREE);
        unnamed.write(dir);
        assertThat(Files.readString(dir.resolve("eval.json"))).contains("\"snapshotExamplesSeen\" : null",
                "\"name\" : null");
        assertThat(EvalReport.read(dir.resolve("eval.json"))).isEqualTo(unnamed);
    }

    @Test
    void markdownHoldsTheFiguresPerClassTableAndMatrix() throws IOException {
        String md = Files.readString(REPORT.write(dir).summary());

        assertThat(md).startsWith("# Snapshot evaluation: v000012\n")
                .contains("| trained on | 1500 stream examples |", "| test examples | 20 |",
                        "| top-1 accuracy | 0.8000 |", "| top-5 accuracy | 0.9500 |",
                        "| 0 | cat | 10 | 0.8000 | 2 cow (2) |", "| 1 | dog | 5 | 1.0000 | — |",
                        "| 2 | cow | 5 | 0.6000 | 0 cat (2) |", "| 0 cat | **8** | 0 | 2 |", "![Confusion matrix](confusion.png)");
    }

    @Test
    void drawsTheMatrixAsASquareHeatMapShadedAlongTheRightCells() throws IOException {
        int n = 10;
        int[] diagonal = new int[n * n];
        int[] firstColumn = new int[n * n];
        for (int c = 0; c < n; c++) {
            diagonal[c * n + c] = 100;
            firstColumn[c * n] = 100;
        }

        Path png = new EvalReport("v1", "d", 10, 1.0, List.of(), ConfusionMatrix.of(n, diagonal)).write(dir)
                .plots().get(0);
        BufferedImage right = ImageIO.read(png.toFile());
        Path other = dir.resolve("other");
        BufferedImage wrong = ImageIO.read(new EvalReport("v1", "d", 10, 1.0, List.of(),
                ConfusionMatrix.of(n, firstColumn)).write(other).plots().get(0).toFile());

        assertThat(png.getFileName().toString()).isEqualTo("confusion.png");
        assertThat(right.getWidth()).isEqualTo(900);
        assertThat(right.getHeight()).isEqualTo(900);
        // Dark cells: along the diagonal they span the grid both ways; in the first column, one cell wide.
        int[] diagonalBox = darkBox(right);
        int[] columnBox = darkBox(wrong);
        int diagonalWidth = diagonalBox[2] - diagonalBox[0];
        int diagonalHeight = diagonalBox[3] - diagonalBox[1];
        assertThat(diagonalWidth).isGreaterThan(500);
        assertThat((double) diagonalWidth / diagonalHeight).isBetween(0.9, 1.1);
        assertThat(columnBox[3] - columnBox[1]).isEqualTo(diagonalHeight);
        assertThat(columnBox[2] - columnBox[0]).isLessThan(diagonalWidth / 8);
    }

    @Test
    void refusesInconsistentFiguresAndReportsAMalformedFile() throws IOException {
        assertThatThrownBy(() -> new EvalReport("v1", "d", 1, 0.5, List.of(), THREE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("top5 was 0.5 but must be in [0, 1]"
                        + " and >= top-1 (0.8)");
        assertThatThrownBy(() -> new EvalReport("v1", "d", 1, 1, List.of("a"), THREE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 class names were given");
        assertThatThrownBy(() -> ConfusionMatrix.of(3, new int[4])).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a confusion matrix of 3 classes needs 9 counts but 4 were given");

        REPORT.write(dir);
        Path file = dir.resolve("eval.json");
        Files.writeString(file, Files.readString(file).replace("[ 0, 5, 0 ]", "[ 0, 5 ]"));
        assertThatThrownBy(() -> EvalReport.read(file)).isInstanceOf(DataException.class)
                .hasMessage(file + " is malformed: confusion row 1 has 2 counts but a matrix of 3 rows needs 3 in each");
        Files.writeString(file, "{\"snapshot\": \"v1\", \"dataset\": \"d\", \"confusion\": [[1, -1], [0, 0]]}");
        assertThatThrownBy(() -> EvalReport.read(file)).isInstanceOf(DataException.class)
                .hasMessage(file + " is malformed: \"confusion[0]\"[1] was -1 but must be an integer >= 0");
    }

    /**
     * @return {minX, minY, maxX, maxY} of the pixels darker than mid-blue: the heavily shaded cells, left of
     *     the colour bar (the rightmost 70 pixels)
     */
    private static int[] darkBox(BufferedImage image) {
        int[] box = {Integer.MAX_VALUE, Integer.MAX_VALUE, -1, -1};
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth() - 70; x++) {
                int rgb = image.getRGB(x, y);
                int r = rgb >> 16 & 0xff;
                int b = rgb & 0xff;
                if (r < 60 && b > 90 && b < 140) {
                    box[0] = Math.min(box[0], x);
                    box[1] = Math.min(box[1], y);
                    box[2] = Math.max(box[2], x);
                    box[3] = Math.max(box[3], y);
                }
            }
        }
        return box;
    }
}
