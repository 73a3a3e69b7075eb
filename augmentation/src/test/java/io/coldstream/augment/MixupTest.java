package io.coldstream.augment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.coldstream.core.MiniBatch;
import io.coldstream.core.SeededRandom;
import io.coldstream.core.Shape;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class MixupTest extends AugmentationContractTest {

    @Override
    Augmentation create() {
        return new Mixup(0.2);
    }

    /**
     * With one distinct class per row, a mixed target row shows its partner (the other non-zero
     * class) and its lambda (the weight on its own class); the features must be the same blend.
     */
    @Test
    void everyRowBlendsItselfWithOnePartnerUsingOneLambdaForFeaturesAndTargets() {
        for (long seed = 0; seed < 20; seed++) {
            int rows = 12;
            int from = 2;
            int numClasses = 16;
            MiniBatch batch = Batches.random(Batches.CIFAR, rows, from, numClasses, seed);
            MiniBatch original = Batches.random(Batches.CIFAR, rows, from, numClasses, seed);
            Mixup mixup = new Mixup(1.0);

            mixup.apply(batch, new SeededRandom(seed));

            double lambda = mixup.lastLambda();
            assertThat(lambda).isBetween(0.0, 1.0);
            boolean[] usedAsPartner = new boolean[rows];
            for (int row = from; row < rows; row++) {
                float[] target = Batches.targetRow(batch, row);
                int partner = row;
                for (int k = 0; k < numClasses; k++) {
                    if (k != row && target[k] != 0f) {
                        assertThat(partner).as("row %d has a single partner", row).isEqualTo(row);
                        partner = k;
                    }
                }
                assertThat(partner).isBetween(from, rows - 1);
                assertThat(usedAsPartner[partner]).as("partner %d used twice", partner).isFalse();
                usedAsPartner[partner] = true;
                double weight = partner == row ? lambda : target[row];
                assertThat(weight).as("lambda of row %d in its target", row).isCloseTo(lambda, within(1e-6));

                float[] a = Batches.featureRow(original, row);
                float[] b = Batches.featureRow(original, partner);
                float[] out = Batches.featureRow(batch, row);
                for (int i = 0; i < out.length; i++) {
                    assertThat((double) out[i]).isCloseTo(lambda * a[i] + (1 - lambda) * b[i], within(1e-6));
                }
            }
        }
    }

    @Test
    void drawsLambdaThenAPermutationOfTheAugmentableRows() {
        int rows = 10;
        int from = 1;
        MiniBatch batch = Batches.random(Batches.MNIST, rows, from, 10, 3);
        MiniBatch original = Batches.random(Batches.MNIST, rows, from, 10, 3);
        Mixup mixup = new Mixup(0.4);
        SeededRandom random = new SeededRandom(77);

        mixup.apply(batch, random);

        SeededRandom replay = new SeededRandom(77);
        double lambda = replay.nextBeta(0.4, 0.4);
        int[] perm = new int[rows - from];
        for (int i = 0; i < perm.length; i++) {
            perm[i] = i;
        }
        replay.shuffle(perm);
        assertThat(mixup.lastLambda()).isEqualTo(lambda);
        assertThat(random.state()).isEqualTo(replay.state());
        for (int i = 0; i < perm.length; i++) {
            float[] a = Batches.featureRow(original, from + i);
            float[] b = Batches.featureRow(original, from + perm[i]);
            float[] expected = new float[a.length];
            for (int k = 0; k < a.length; k++) {
                expected[k] = (float) (lambda * a[k] + (1 - lambda) * b[k]);
            }
            assertThat(Batches.featureRow(batch, from + i)).containsExactly(expected);
        }
    }

    @Test
    void meanLambdaIsAboutHalfForAlphaOne() {
        MiniBatch batch = Batches.random(new Shape(1, 2, 2), 4, 0, 4, 1);
        Mixup mixup = new Mixup(1.0);
        SeededRandom random = new SeededRandom(12);
        int calls = 4_000;
        double sum = 0;
        double low = 0;
        for (int i = 0; i < calls; i++) {
            mixup.apply(batch, random);
            double lambda = mixup.lastLambda();
            assertThat(lambda).isBetween(0.0, 1.0);
            sum += lambda;
            low += lambda < 0.25 ? 1 : 0;
        }
        // Beta(1, 1) is uniform: mean 0.5 (standard error 0.0046), a quarter below 0.25.
        assertThat(sum / calls).isCloseTo(0.5, within(0.02));
        assertThat(low / calls).isCloseTo(0.25, within(0.03));
    }

    @Test
    void smallAlphaKeepsLambdaNearZeroOrOne() {
        MiniBatch batch = Batches.random(new Shape(1, 2, 2), 4, 0, 4, 1);
        Mixup mixup = new Mixup(0.2);
        SeededRandom random = new SeededRandom(12);
        int extreme = 0;
        for (int i = 0; i < 2_000; i++) {
            mixup.apply(batch, random);
            double lambda = mixup.lastLambda();
            extreme += lambda < 0.1 || lambda > 0.9 ? 1 : 0;
        }
        // Beta(0.2, 0.2) puts about 63% of its mass below 0.1 or above 0.9.
        assertThat(extreme / 2_000.0).isBetween(0.55, 0.71);
    }

    @Test
    void fewerThanTwoAugmentableRowsIsANoOp() {
        MiniBatch batch = Batches.random(Batches.MNIST, 5, 4, 10, 2);
        float[] features = batch.features().clone();
        float[] targets = batch.targets().clone();
        SeededRandom random = new SeededRandom(9);
        Mixup mixup = new Mixup(1.0);

        mixup.apply(batch, random);

        assertThat(batch.features()).containsExactly(features);
        assertThat(batch.targets()).containsExactly(targets);
        assertThat(random.state()).isEqualTo(9);
        assertThat(mixup.lastLambda()).isNaN();
    }

    @Test
    void growsItsScratchForALargerBatchAndStillMixesCorrectly() {
        Mixup mixup = new Mixup(1.0);
        mixup.apply(Batches.random(new Shape(1, 2, 2), 3, 0, 4, 1), new SeededRandom(1));

        MiniBatch batch = Batches.random(Batches.CIFAR, 40, 0, 50, 8);
        MiniBatch original = Batches.random(Batches.CIFAR, 40, 0, 50, 8);
        mixup.apply(batch, new SeededRandom(2));

        double lambda = mixup.lastLambda();
        for (int row = 0; row < 40; row++) {
            float[] target = Batches.targetRow(batch, row);
            int partner = row;
            for (int k = 0; k < 40; k++) {
                if (k != row && target[k] != 0f) {
                    partner = k;
                }
            }
            float[] a = Batches.featureRow(original, row);
            float[] b = Batches.featureRow(original, partner);
            float[] out = Batches.featureRow(batch, row);
            for (int i = 0; i < out.length; i++) {
                assertThat((double) out[i]).isCloseTo(lambda * a[i] + (1 - lambda) * b[i], within(1e-6));
            }
        }
        assertThat(Arrays.equals(batch.features(), original.features())).isFalse();
    }

    @Test
    void rejectsAlphaThatIsNotPositiveAndFinite() {
        for (double alpha : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertThatThrownBy(() -> new Mixup(alpha))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("mixup alpha was " + alpha + " but must be finite and > 0");
        }
    }

    @Test
    void describesItsAlpha() {
        assertThat(new Mixup(0.2)).hasToString("mixup(alpha=0.2)");
    }
}
