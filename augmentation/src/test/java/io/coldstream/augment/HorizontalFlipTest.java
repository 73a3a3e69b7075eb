package io.coldstream.augment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coldstream.core.MiniBatch;
import io.coldstream.core.SeededRandom;
import io.coldstream.core.Shape;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class HorizontalFlipTest extends AugmentationContractTest {

    @Override
    Augmentation create() {
        return new HorizontalFlip(0.5);
    }

    @Test
    void probabilityOneMirrorsEveryAugmentableRowInEveryChannel() {
        for (Shape shape : new Shape[] {Batches.MNIST, Batches.CIFAR, new Shape(2, 3, 5)}) {
            MiniBatch batch = Batches.random(shape, 6, 1, 10, 13);
            MiniBatch original = Batches.random(shape, 6, 1, 10, 13);

            new HorizontalFlip(1).apply(batch, new SeededRandom(2));

            for (int row = 1; row < 6; row++) {
                assertThat(Batches.featureRow(batch, row))
                        .containsExactly(Batches.mirrored(Batches.featureRow(original, row), shape));
            }
        }
    }

    @Test
    void flippingTwiceWithProbabilityOneIsIdentity() {
        MiniBatch batch = Batches.random(Batches.CIFAR, 6, 0, 10, 13);
        float[] before = batch.features().clone();
        HorizontalFlip flip = new HorizontalFlip(1);
        SeededRandom random = new SeededRandom(2);

        flip.apply(batch, random);
        assertThat(Arrays.equals(batch.features(), before)).isFalse();
        flip.apply(batch, random);

        assertThat(batch.features()).containsExactly(before);
    }

    @Test
    void probabilityZeroIsIdentity() {
        MiniBatch batch = Batches.random(Batches.MNIST, 50, 0, 10, 13);
        float[] before = batch.features().clone();

        new HorizontalFlip(0).apply(batch, new SeededRandom(2));

        assertThat(batch.features()).containsExactly(before);
    }

    @Test
    void halfProbabilityFlipsAboutHalfTheRowsAndLeavesTheRestAlone() {
        Shape shape = new Shape(1, 4, 5);
        int rows = 2_000;
        MiniBatch batch = Batches.random(shape, rows, 0, 10, 31);
        MiniBatch original = Batches.random(shape, rows, 0, 10, 31);

        new HorizontalFlip(0.5).apply(batch, new SeededRandom(6));

        int flipped = 0;
        for (int row = 0; row < rows; row++) {
            float[] in = Batches.featureRow(original, row);
            float[] out = Batches.featureRow(batch, row);
            if (Arrays.equals(out, Batches.mirrored(in, shape))) {
                flipped++;
            } else {
                assertThat(out).as("row %d is either flipped or unchanged", row).containsExactly(in);
            }
        }
        // Binomial(2000, 0.5): mean 1000, standard deviation about 22.
        assertThat(flipped).isBetween(910, 1090);
    }

    @Test
    void defaultProbabilityIsHalf() {
        assertThat(new HorizontalFlip().probability()).isEqualTo(0.5);
    }

    @Test
    void rejectsProbabilityOutsideZeroToOne() {
        for (double p : new double[] {-0.1, 1.5, Double.NaN}) {
            assertThatThrownBy(() -> new HorizontalFlip(p))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("flip probability was " + p + " but must be in [0, 1]");
        }
    }

    @Test
    void describesItsProbability() {
        assertThat(new HorizontalFlip(0.25)).hasToString("flip(p=0.25)");
    }
}
