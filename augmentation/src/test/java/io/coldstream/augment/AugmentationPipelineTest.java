package io.coldstream.augment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coldstream.core.MiniBatch;
import io.coldstream.core.SeededRandom;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AugmentationPipelineTest extends AugmentationContractTest {

    @Override
    Augmentation create() {
        return Augmentations.parse("crop,flip,mixup");
    }

    @Test
    void appliesStepsInListOrder() {
        List<String> calls = new ArrayList<>();
        AugmentationPipeline pipeline = new AugmentationPipeline(List.of(
                (batch, random) -> calls.add("first"),
                (batch, random) -> calls.add("second"),
                (batch, random) -> calls.add("third")));

        pipeline.apply(Batches.random(Batches.MNIST, 2, 0, 10, 1), new SeededRandom(1));

        assertThat(calls).containsExactly("first", "second", "third");
    }

    @Test
    void equalsItsStepsAppliedOneAfterTheOtherWithTheSameGenerator() {
        MiniBatch viaPipeline = Batches.random(Batches.CIFAR, 16, 1, 10, 5);
        MiniBatch byHand = Batches.random(Batches.CIFAR, 16, 1, 10, 5);
        SeededRandom a = new SeededRandom(21);
        SeededRandom b = new SeededRandom(21);

        new AugmentationPipeline(List.of(new RandomCrop(4), new HorizontalFlip(0.5), new Mixup(0.2)))
                .apply(viaPipeline, a);
        new RandomCrop(4).apply(byHand, b);
        new HorizontalFlip(0.5).apply(byHand, b);
        new Mixup(0.2).apply(byHand, b);

        assertThat(viaPipeline.features()).containsExactly(byHand.features());
        assertThat(viaPipeline.targets()).containsExactly(byHand.targets());
        assertThat(a.state()).isEqualTo(b.state());
    }

    @Test
    void emptyPipelineLeavesTheBatchAlone() {
        MiniBatch batch = Batches.random(Batches.MNIST, 8, 0, 10, 5);
        float[] before = batch.features().clone();
        AugmentationPipeline none = new AugmentationPipeline(List.of());

        none.apply(batch, new SeededRandom(1));

        assertThat(batch.features()).containsExactly(before);
        assertThat(none.isEmpty()).isTrue();
        assertThat(none).hasToString("none");
    }

    @Test
    void copiesItsStepsAndExposesThemUnmodifiable() {
        List<Augmentation> steps = new ArrayList<>(List.of(new RandomCrop(1)));
        AugmentationPipeline pipeline = new AugmentationPipeline(steps);
        steps.add(new Mixup(1));

        assertThat(pipeline.steps()).hasSize(1);
        assertThatThrownBy(() -> pipeline.steps().add(new Mixup(1)))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void describesEveryStepInOrder() {
        assertThat(create()).hasToString("crop(padding=4) -> flip(p=0.5) -> mixup(alpha=0.2)");
    }

    @Test
    void fullPipelineTakesWellUnderAMillisecondOnA51x1x28x28Batch() {
        MiniBatch batch = Batches.random(Batches.MNIST, 51, 1, 10, 4);
        Augmentation pipeline = create();
        SeededRandom random = new SeededRandom(8);
        for (int i = 0; i < 5_000; i++) {
            pipeline.apply(batch, random);
        }
        int calls = 5_000;
        long start = System.nanoTime();
        for (int i = 0; i < calls; i++) {
            pipeline.apply(batch, random);
        }
        double microsPerCall = (System.nanoTime() - start) / 1e3 / calls;

        // Typically some tens of microseconds; the bound leaves room for a loaded build machine.
        assertThat(microsPerCall).as("microseconds per call").isLessThan(1_000);
    }
}
