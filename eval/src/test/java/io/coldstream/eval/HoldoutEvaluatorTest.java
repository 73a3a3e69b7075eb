package io.coldstream.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coldstream.core.Example;
import io.coldstream.core.MiniBatch;
import io.coldstream.core.Shape;
import io.coldstream.core.StreamPosition;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class HoldoutEvaluatorTest {

    private static final Shape SHAPE = new Shape(1, 2, 3);
    private static final int COUNT = 23;

    /** Example i has label i % 3 and first pixel 10 * i; the other pixels vary too. */
    private static List<Example> examples(Shape shape, int count) {
        List<Example> examples = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] pixels = new byte[shape.elementCount()];
            pixels[0] = (byte) (10 * i);
            for (int j = 1; j < pixels.length; j++) {
                pixels[j] = (byte) (i * 31 + j * 17);
            }
            examples.add(new Example(1000 + i, i % 3, shape, pixels, new StreamPosition("t10k", i)));
        }
        return examples;
    }

    /**
     * Reads the example's index back from its first pixel; right (i % 3) unless i is a multiple of 4,
     * where it says 0.
     */
    private static final Classifier FIRST_PIXEL = (features, count, out) -> {
        for (int row = 0; row < count; row++) {
            int i = Math.round(features[row * SHAPE.elementCount()] * 255f) / 10;
            out[row] = i % 4 == 0 ? 0 : i % 3;
        }
    };

    @Test
    void givesTheExactAccuracyAcrossBatchBoundaries() {
        HoldoutEvaluator evaluator = new HoldoutEvaluator(examples(SHAPE, COUNT), 3, 5);

        HoldoutResult result = evaluator.evaluate(FIRST_PIXEL);

        // Wrong: multiples of 4 that are not multiples of 3 (4, 8, 16, 20): 19 of 23 right.
        assertThat(result.examples()).isEqualTo(23);
        assertThat(result.correct()).isEqualTo(19);
        assertThat(result.accuracy()).isEqualTo(19.0 / 23);
        assertThat(result.perClassAccuracy()).containsExactly(1.0, 6.0 / 8, 5.0 / 7);
        assertThat(evaluator.size()).isEqualTo(23);
        assertThat(evaluator.examplesOfClass(2)).isEqualTo(7);
    }

    @Test
    void givesTheSameResultEveryTime() {
        HoldoutEvaluator evaluator = new HoldoutEvaluator(examples(SHAPE, COUNT), 3, 5);

        assertThat(evaluator.evaluate(FIRST_PIXEL)).isEqualTo(evaluator.evaluate(FIRST_PIXEL));
        assertThat(evaluator.evaluate((f, count, out) -> Arrays.fill(out, 0, count, 1)).correct())
                .isEqualTo(8);
    }

    @Test
    void passesPixelsScaledAsTrainingScalesThemInBatchesOfAtMostBatchSize() {
        List<Example> examples = examples(SHAPE, COUNT);
        HoldoutEvaluator evaluator = new HoldoutEvaluator(examples, 3, 5);
        List<Integer> counts = new ArrayList<>();
        int[] seen = {0};

        evaluator.evaluate((features, count, out) -> {
            counts.add(count);
            for (int row = 0; row < count; row++) {
                byte[] pixels = examples.get(seen[0]).pixels();
                for (int j = 0; j < pixels.length; j++) {
                    float expected = (pixels[j] & 0xff) * MiniBatch.PIXEL_SCALE;
                    assertThat(features[row * pixels.length + j]).isEqualTo(expected).isBetween(0f, 1f);
                }
                out[row] = 0;
                seen[0]++;
            }
            for (int j = count * SHAPE.elementCount(); j < features.length; j++) {
                assertThat(features[j]).isZero();
            }
        });

        assertThat(counts).containsExactly(5, 5, 5, 5, 3);
        assertThat(seen[0]).isEqualTo(COUNT);
    }

    @Test
    void usesOneBatchWhenTheSetIsSmallerThanTheBatchSize() {
        HoldoutEvaluator evaluator = new HoldoutEvaluator(examples(SHAPE, 4), 3, 64);
        List<Integer> lengths = new ArrayList<>();

        evaluator.evaluate((features, count, out) -> {
            lengths.add(features.length);
            lengths.add(count);
            Arrays.fill(out, 0, count, 0);
        });

        assertThat(lengths).containsExactly(4 * SHAPE.elementCount(), 4);
        assertThat(evaluator.batchSize()).isEqualTo(4);
    }

    @Test
    void allocatesOnlyTheResultPerEvaluation() {
        Shape image = new Shape(1, 28, 28);
        HoldoutEvaluator evaluator = new HoldoutEvaluator(examples(image, 200), 10, 32);
        Classifier zero = (features, count, out) -> Arrays.fill(out, 0, count, 0);
        for (int i = 0; i < 20; i++) {
            evaluator.evaluate(zero);
        }
        Allocations.allocatedBytes();

        long before = Allocations.allocatedBytes();
        HoldoutResult result = evaluator.evaluate(zero);
        long allocated = Allocations.allocatedBytes() - before;

        // One batch of features alone would be 32 x 784 floats = 100 KB.
        assertThat(result.examples()).isEqualTo(200);
        assertThat(allocated).isLessThan(4096);
    }

    @Test
    void rejectsAClassifierThatLeavesARowWithoutAPrediction() {
        HoldoutEvaluator evaluator = new HoldoutEvaluator(examples(SHAPE, COUNT), 3, 5);

        assertThatThrownBy(() -> evaluator.evaluate((features, count, out) -> out[0] = 1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("predicted class -1 for holdout example 1")
                .hasMessageContaining("every one of the 5 rows");
        assertThatThrownBy(() -> evaluator.evaluate((features, count, out) -> Arrays.fill(out, 3)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("classifier predicted class 3 for holdout example 0 but classes are [0, 3)");
    }

    @Test
    void rejectsBadHoldoutSets() {
        List<Example> mixed = new ArrayList<>(examples(SHAPE, 2));
        mixed.add(examples(new Shape(1, 3, 2), 1).get(0));

        assertThatThrownBy(() -> new HoldoutEvaluator(List.of(), 3, 5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> new HoldoutEvaluator(mixed, 3, 5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("holdout example 2 (id 1000) has shape 1x3x2 but the first has 1x2x3; all must have one shape");
        assertThatThrownBy(() -> new HoldoutEvaluator(examples(SHAPE, 3), 2, 5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("holdout example 2 (id 1002) has label 2 but labels must be in [0, 2)");
        assertThatThrownBy(() -> new HoldoutEvaluator(examples(SHAPE, 3), 3, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("holdout batch size was 0 but must be >= 1");
    }

    @Test
    void resultsValidateTheirCounts() {
        assertThat(HoldoutResult.of(4, 3)).isEqualTo(new HoldoutResult(4, 3, 0.75));
        assertThat(HoldoutResult.of(0, 0).accuracy()).isNaN();
        assertThatThrownBy(() -> new HoldoutResult(4, 5, 1.25))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("holdout correct was 5 but must be in [0, 4]");
        assertThatThrownBy(() -> new HoldoutResult(4, 3, 0.5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("holdout accuracy was 0.5 but 3 correct of 4 is 0.75");
        assertThatThrownBy(() -> new HoldoutResult(4, 3, 0.75, List.of(0.5, 1.5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("accuracy of class 1 was 1.5 but must be in [0, 1] or NaN");
    }
}
