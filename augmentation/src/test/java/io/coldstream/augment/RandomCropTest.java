package io.coldstream.augment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coldstream.core.MiniBatch;
import io.coldstream.core.SeededRandom;
import io.coldstream.core.Shape;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RandomCropTest extends AugmentationContractTest {

    @Override
    Augmentation create() {
        return new RandomCrop(4);
    }

    @Test
    void shiftsEachRowByTheDocumentedDrawsOnMnistAndCifarShapes() {
        for (Shape shape : new Shape[] {Batches.MNIST, Batches.CIFAR, new Shape(2, 5, 9)}) {
            MiniBatch batch = Batches.random(shape, 30, 1, 10, 17);
            MiniBatch original = Batches.random(shape, 30, 1, 10, 17);
            SeededRandom random = new SeededRandom(99);
            SeededRandom replay = new SeededRandom(99);

            new RandomCrop(3).apply(batch, random);

            for (int row = 1; row < 30; row++) {
                int dx = replay.nextInt(-3, 4);
                int dy = replay.nextInt(-3, 4);
                float[] expected = Batches.shifted(Batches.featureRow(original, row), shape, dx, dy);
                assertThat(Batches.featureRow(batch, row))
                        .as("%s row %d shifted by dx=%d dy=%d", shape, row, dx, dy)
                        .containsExactly(expected);
            }
            assertThat(random.state()).isEqualTo(replay.state());
        }
    }

    @Test
    void everyRowIsOneShiftWithinThePaddingCommonToAllChannels() {
        int padding = 2;
        Shape shape = Batches.CIFAR;
        MiniBatch batch = Batches.random(shape, 200, 0, 10, 23);
        MiniBatch original = Batches.random(shape, 200, 0, 10, 23);

        new RandomCrop(padding).apply(batch, new SeededRandom(5));

        Set<String> offsetsSeen = new HashSet<>();
        for (int row = 0; row < 200; row++) {
            float[] in = Batches.featureRow(original, row);
            float[] out = Batches.featureRow(batch, row);
            String match = null;
            for (int dy = -padding; dy <= padding && match == null; dy++) {
                for (int dx = -padding; dx <= padding && match == null; dx++) {
                    if (Arrays.equals(out, Batches.shifted(in, shape, dx, dy))) {
                        match = dx + "," + dy;
                    }
                }
            }
            assertThat(match).as("row %d is a shifted copy with an offset in [-2, 2]^2", row).isNotNull();
            offsetsSeen.add(match);
        }
        assertThat(offsetsSeen).as("all 25 offsets appear over 200 rows").hasSize(25);
    }

    @Test
    void shiftsLargerThanTheImageBlankTheRow() {
        Shape shape = new Shape(1, 3, 3);
        MiniBatch batch = Batches.random(shape, 400, 0, 10, 29);
        MiniBatch original = Batches.random(shape, 400, 0, 10, 29);
        SeededRandom replay = new SeededRandom(1);

        new RandomCrop(5).apply(batch, new SeededRandom(1));

        int blank = 0;
        for (int row = 0; row < 400; row++) {
            int dx = replay.nextInt(-5, 6);
            int dy = replay.nextInt(-5, 6);
            float[] out = Batches.featureRow(batch, row);
            assertThat(out).containsExactly(Batches.shifted(Batches.featureRow(original, row), shape, dx, dy));
            if (Math.abs(dx) >= 3 || Math.abs(dy) >= 3) {
                assertThat(out).containsOnly(0f);
                blank++;
            }
        }
        assertThat(blank).isPositive();
    }

    @Test
    void paddingZeroIsIdentityAndDrawsNothing() {
        MiniBatch batch = Batches.random(Batches.MNIST, 10, 0, 10, 3);
        float[] before = batch.features().clone();
        SeededRandom random = new SeededRandom(4);

        new RandomCrop(0).apply(batch, random);

        assertThat(batch.features()).containsExactly(before);
        assertThat(random.state()).isEqualTo(4);
    }

    @Test
    void rejectsNegativePadding() {
        assertThatThrownBy(() -> new RandomCrop(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("crop padding was -1 but must be >= 0");
    }

    @Test
    void describesItsPadding() {
        assertThat(new RandomCrop(4)).hasToString("crop(padding=4)");
        assertThat(new RandomCrop(4).padding()).isEqualTo(4);
    }
}
