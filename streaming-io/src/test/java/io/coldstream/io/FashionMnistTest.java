package io.coldstream.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** Reads the real Fashion-MNIST files from the Debian package (skipped where it is not installed). */
class FashionMnistTest {

    @Test
    void readsTheTrainingSplitWithItsKnownFirstExample() {
        assumeTrue(Files.isDirectory(FashionMnist.DEFAULT_DIR), "needs " + FashionMnist.installCommand());
        IdxDataset train = IdxDataset.readSplit(FashionMnist.DEFAULT_DIR, IdxDataset.TRAIN_SPLIT);

        assertThat(train.size()).isEqualTo(60_000);
        assertThat(train.shape().toString()).isEqualTo("1x28x28");
        assertThat(train.numClasses()).isEqualTo(10);
        assertThat(train.imagesFile().getFileName()).hasToString("train-images-idx3-ubyte.gz");
        // The first training image is an ankle boot; these figures come from reading the file with Python.
        assertThat(FashionMnist.CLASS_NAMES.get(train.label(0))).isEqualTo("Ankle boot");
        assertThat(new int[] {train.label(0), train.label(1), train.label(2), train.label(3)})
                .containsExactly(9, 0, 0, 3);
        assertThat(pixelSum(train, 0)).isEqualTo(76_247);
        assertThat(train.label(59_999)).isEqualTo(5);
        assertThat(pixelSum(train, 59_999)).isEqualTo(16_684);
        int[] perClass = new int[10];
        for (int label : train.labels()) {
            perClass[label]++;
        }
        assertThat(perClass).containsOnly(6_000);
    }

    @Test
    void readsTheTestSplit() {
        assumeTrue(Files.isDirectory(FashionMnist.DEFAULT_DIR), "needs " + FashionMnist.installCommand());
        IdxDataset test = IdxDataset.readSplit(FashionMnist.DEFAULT_DIR, IdxDataset.TEST_SPLIT);

        assertThat(test.size()).isEqualTo(10_000);
        assertThat(test.shape().toString()).isEqualTo("1x28x28");
        assertThat(test.numClasses()).isEqualTo(10);
        assertThat(new int[] {test.label(0), test.label(1), test.label(2), test.label(9_999)})
                .containsExactly(9, 2, 1, 5);
        assertThat(pixelSum(test, 0)).isEqualTo(33_456);
        assertThat(pixelSum(test, 9_999)).isEqualTo(24_390);
    }

    private static int pixelSum(IdxDataset data, int index) {
        byte[] pixels = new byte[data.shape().elementCount()];
        data.copyPixels(index, pixels, 0);
        int sum = 0;
        for (byte p : pixels) {
            sum += p & 0xff;
        }
        return sum;
    }
}
