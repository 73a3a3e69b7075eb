package io.coldstream.augment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.coldstream.core.MiniBatch;
import io.coldstream.core.SeededRandom;
import io.coldstream.core.Shape;
import io.coldstream.testkit.Allocations;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Augmentation} promises. Each implementation's test extends this class and
 * supplies an instance configured so that its output depends on the seed.
 */
abstract class AugmentationContractTest {

    /** @return a fresh instance whose result depends on the random draws */
    abstract Augmentation create();

    @Test
    void sameSeedGivesBitIdenticalOutput() {
        MiniBatch a = Batches.random(Batches.MNIST, 20, 1, 10, 7);
        MiniBatch b = Batches.random(Batches.MNIST, 20, 1, 10, 7);
        SeededRandom ra = new SeededRandom(42);
        SeededRandom rb = new SeededRandom(42);

        create().apply(a, ra);
        create().apply(b, rb);

        assertThat(Arrays.equals(a.features(), b.features())).isTrue();
        assertThat(Arrays.equals(a.targets(), b.targets())).isTrue();
        assertThat(ra.state()).isEqualTo(rb.state());
    }

    @Test
    void sameInstanceGivesSameOutputOnRepeatedCallsWithSameSeed() {
        Augmentation augmentation = create();
        MiniBatch a = Batches.random(Batches.MNIST, 20, 1, 10, 7);
        MiniBatch b = Batches.random(Batches.MNIST, 20, 1, 10, 7);

        augmentation.apply(a, new SeededRandom(42));
        augmentation.apply(b, new SeededRandom(42));

        assertThat(Arrays.equals(a.features(), b.features())).isTrue();
        assertThat(Arrays.equals(a.targets(), b.targets())).isTrue();
    }

    @Test
    void differentSeedGivesDifferentOutput() {
        MiniBatch a = Batches.random(Batches.MNIST, 20, 1, 10, 7);
        MiniBatch b = Batches.random(Batches.MNIST, 20, 1, 10, 7);

        create().apply(a, new SeededRandom(42));
        create().apply(b, new SeededRandom(43));

        assertThat(Arrays.equals(a.features(), b.features())).isFalse();
    }

    @Test
    void changesTheAugmentableRows() {
        MiniBatch batch = Batches.random(Batches.MNIST, 20, 1, 10, 7);
        float[] before = batch.features().clone();

        create().apply(batch, new SeededRandom(42));

        assertThat(Arrays.equals(batch.features(), before)).isFalse();
    }

    @Test
    void keepsArrayLengthsAndSize() {
        MiniBatch batch = Batches.random(Batches.CIFAR, 12, 2, 100, 3);
        float[] features = batch.features();
        float[] targets = batch.targets();

        create().apply(batch, new SeededRandom(1));

        assertThat(batch.features()).isSameAs(features).hasSize(12 * 3 * 32 * 32);
        assertThat(batch.targets()).isSameAs(targets).hasSize(12 * 100);
        assertThat(batch.size()).isEqualTo(12);
        assertThat(batch.augmentFrom()).isEqualTo(2);
    }

    @Test
    void leavesRowsBeforeAugmentFromAndBeyondSizeBitExact() {
        Shape shape = Batches.MNIST;
        MiniBatch batch = new MiniBatch(16, shape, 10);
        Batches.fill(batch, 16, 5);
        batch.setSize(12);
        batch.setAugmentFrom(3);
        float[] features = batch.features().clone();
        float[] targets = batch.targets().clone();
        int rowLength = batch.rowLength();

        Augmentation augmentation = create();
        for (int call = 0; call < 20; call++) {
            augmentation.apply(batch, new SeededRandom(call));
        }

        assertThat(Arrays.equals(batch.features(), 0, 3 * rowLength, features, 0, 3 * rowLength)).isTrue();
        assertThat(Arrays.equals(batch.targets(), 0, 3 * 10, targets, 0, 3 * 10)).isTrue();
        assertThat(Arrays.equals(batch.features(), 12 * rowLength, 16 * rowLength,
                features, 12 * rowLength, 16 * rowLength)).isTrue();
        assertThat(Arrays.equals(batch.targets(), 12 * 10, 16 * 10, targets, 12 * 10, 16 * 10)).isTrue();
    }

    @Test
    void keepsFeaturesInUnitRangeAndTargetsProbabilityRows() {
        for (Shape shape : new Shape[] {Batches.MNIST, Batches.CIFAR}) {
            MiniBatch batch = Batches.random(shape, 24, 1, 10, 11);
            Augmentation augmentation = create();
            SeededRandom random = new SeededRandom(3);
            for (int call = 0; call < 30; call++) {
                augmentation.apply(batch, random);
            }
            for (float f : batch.features()) {
                assertThat(f).isBetween(0f, 1f);
            }
            for (int row = 0; row < batch.size(); row++) {
                float sum = 0;
                for (float t : Batches.targetRow(batch, row)) {
                    assertThat(t).isGreaterThanOrEqualTo(0f);
                    sum += t;
                }
                assertThat((double) sum).as("target sum of row %d", row).isCloseTo(1.0, within(1e-5));
            }
        }
    }

    @Test
    void doesNothingAndDrawsNothingWithoutAugmentableRows() {
        MiniBatch batch = Batches.random(Batches.MNIST, 8, 8, 10, 2);
        float[] features = batch.features().clone();
        float[] targets = batch.targets().clone();
        SeededRandom random = new SeededRandom(9);

        create().apply(batch, random);

        assertThat(Arrays.equals(batch.features(), features)).isTrue();
        assertThat(Arrays.equals(batch.targets(), targets)).isTrue();
        assertThat(random.state()).isEqualTo(9);
    }

    @Test
    void hasInformativeToString() {
        assertThat(create().toString()).matches("[a-z]+\\(.*=.*\\).*|.* -> .*");
    }

    @Test
    void doesNotAllocateAfterWarmUpOnA51x1x28x28Batch() {
        MiniBatch batch = Batches.random(Batches.MNIST, 51, 1, 10, 4);
        Augmentation augmentation = create();
        SeededRandom random = new SeededRandom(8);
        for (int i = 0; i < 3_000; i++) {
            augmentation.apply(batch, random);
        }

        long allocated = Allocations.bytesAllocatedBy(() -> {
            for (int i = 0; i < 10_000; i++) {
                augmentation.apply(batch, random);
            }
        });

        assertThat(allocated).as("bytes allocated by 10,000 calls of %s", augmentation).isLessThan(16 * 1024); // 10,000 calls: any per-call allocation would be >= 160 KB; below 16 KB is JIT and measuring noise
    }
}
