package io.coldstream.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coldstream.core.Example;
import io.coldstream.core.Shape;
import io.coldstream.core.StreamPosition;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class StageEvaluatorTest {

    private static final Shape SHAPE = new Shape(1, 2, 2);
    private static final int CLASSES = 7;
    /** Classes 0-2 are group 0, 3-4 group 1, 5-6 group 2. */
    private static final int[] GROUPS = {0, 0, 0, 1, 1, 2, 2};
    private static final int[] LABELS = {0, 3, 6, 2, 0, 5};
    private static final float[] EQUAL = {0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f};
    /**
     * The scores of example i. 0: label 0 highest (top-1). 1: label 3 fifth highest (top-5 only).
     * 2: label 6 lowest (neither). 3, 4, 5: every class ties, so the true class's rank is its index:
     * label 2 is rank 2 (top-5 only), label 0 rank 0 (top-1), label 5 rank 5 (neither).
     */
    private static final float[][] SCORES = {
        {0.9f, 0.1f, 0f, 0f, 0f, 0f, 0f},
        {0.7f, 0.6f, 0.5f, 0.3f, 0.4f, 0.2f, 0.1f},
        {0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.05f},
        EQUAL, EQUAL, EQUAL,
    };

    /** Example i has label {@code labels[i]} and first pixel 10 * i; the other pixels vary too. */
    private static List<Example> examples(int... labels) {
        List<Example> examples = new ArrayList<>();
        for (int i = 0; i < labels.length; i++) {
            byte[] pixels = new byte[SHAPE.elementCount()];
            pixels[0] = (byte) (10 * i);
            for (int j = 1; j < pixels.length; j++) {
                pixels[j] = (byte) (i * 31 + j * 17);
            }
            examples.add(new Example(500 + i, labels[i], SHAPE, pixels, new StreamPosition("test", i)));
        }
        return examples;
    }

    /** Reads the example's index back from its first pixel and answers {@link #SCORES} of it. */
    private static final Scorer KNOWN = (features, count, out) -> {
        for (int row = 0; row < count; row++) {
            int i = Math.round(features[row * SHAPE.elementCount()] * 255f) / 10;
            System.arraycopy(SCORES[i], 0, out, row * CLASSES, CLASSES);
        }
    };

    private static boolean[] seen(int... classes) {
        boolean[] seen = new boolean[CLASSES];
        for (int c : classes) {
            seen[c] = true;
        }
        return seen;
    }

    @Test
    void ranksTheTrueClassWithTiesGoingToTheLowerIndexAcrossBatchBoundaries() {
        for (int batch : new int[] {1, 4, 6, 100}) {
            StageEvaluator evaluator = new StageEvaluator(examples(LABELS), CLASSES, GROUPS, batch);

            StageAccuracy all = evaluator.evaluate(2, 3000, seen(0, 1, 2, 3, 4, 5, 6), KNOWN);

            // top-1: examples 0 and 4; top-5: 0, 1, 3 and 4.
            assertThat(all.examples()).as("batch %d", batch).isEqualTo(6);
            assertThat(all.top1()).as("batch %d", batch).isEqualTo(2.0 / 6);
            assertThat(all.top5()).as("batch %d", batch).isEqualTo(4.0 / 6);
            assertThat(all.perClassTop1()).containsExactly(1.0, Double.NaN, 0.0, 0.0, Double.NaN, 0.0, 0.0);
            assertThat(all.perGroupTop1()).containsExactly(2.0 / 3, 0.0, 0.0);
            assertThat(all.stage()).isEqualTo(2);
            assertThat(all.examplesSeen()).isEqualTo(3000);
            assertThat(all.seenClasses()).isEqualTo(7);
            assertThat(all.groupSeen()).containsExactly(true, true, true);
        }
    }

    @Test
    void countsOnlyTheExamplesOfSeenClassesButEveryGroupAndClass() {
        StageEvaluator evaluator = new StageEvaluator(examples(LABELS), CLASSES, GROUPS, 4);

        StageAccuracy first = evaluator.evaluate(0, 1000, seen(0, 1, 2), KNOWN);

        // Seen: examples 0, 3, 4 (labels 0, 2, 0); right at top-1: 0 and 4; all three in the top 5.
        assertThat(first.examples()).isEqualTo(3);
        assertThat(first.seenClasses()).isEqualTo(3);
        assertThat(first.top1()).isEqualTo(2.0 / 3);
        assertThat(first.top5()).isEqualTo(1.0);
        assertThat(first.groupSeen()).containsExactly(true, false, false);
        assertThat(first.classSeen()).containsExactly(true, true, true, false, false, false, false);
        // Unseen groups are measured too.
        assertThat(first.perGroupTop1()).containsExactly(2.0 / 3, 0.0, 0.0);

        // One class of group 1 seen: the group counts as seen.
        StageAccuracy partly = evaluator.evaluate(1, 1500, seen(0, 1, 2, 4), KNOWN);
        assertThat(partly.groupSeen()).containsExactly(true, true, false);
        assertThat(partly.examples()).isEqualTo(3);

        StageAccuracy none = evaluator.evaluate(0, 0, seen(), KNOWN);
        assertThat(none.examples()).isZero();
        assertThat(none.top1()).isNaN();
        assertThat(none.top5()).isNaN();
        assertThat(none.perClassTop1().get(0)).isEqualTo(1.0);
    }

    @Test
    void countsTheTopOnePredictionsByTrueClass() {
        StageEvaluator evaluator = new StageEvaluator(examples(LABELS), CLASSES, GROUPS, 4);
        assertThatThrownBy(evaluator::confusion).isInstanceOf(IllegalStateException.class);

        evaluator.evaluate(0, 0, seen(0), KNOWN);
        ConfusionMatrix confusion = evaluator.confusion();

        int[] expected = new int[CLASSES * CLASSES];
        expected[0 * CLASSES + 0] = 2; // examples 0 and 4
        expected[3 * CLASSES + 0] = 1; // example 1: 0.7 for class 0
        expected[6 * CLASSES + 5] = 1; // example 2: 0.6 for class 5
        expected[2 * CLASSES + 0] = 1; // example 3: a tie goes to class 0
        expected[5 * CLASSES + 0] = 1; // example 5
        assertThat(confusion).isEqualTo(ConfusionMatrix.of(CLASSES, expected));
        assertThat(confusion.total()).isEqualTo(6);
        assertThat(confusion.correct()).isEqualTo(2);
        assertThat(confusion.actualTotal(0)).isEqualTo(2);
        assertThat(confusion.rows().get(6)).containsExactly(0, 0, 0, 0, 0, 1, 0);
    }

    @Test
    void withFiveClassesOrFewerEveryExampleIsInTheTopFive() {
        StageEvaluator evaluator = new StageEvaluator(examples(0, 1, 2, 3), 4, new int[] {0, 0, 1, 1}, 2);

        StageAccuracy result = evaluator.evaluate(0, 10, new boolean[] {true, true, true, true},
                (features, count, out) -> Arrays.fill(out, 0, count * 4, 1f));

        // All tie: class 0 wins every row, so only example 0 is right at top-1.
        assertThat(result.top1()).isEqualTo(0.25);
        assertThat(result.top5()).isEqualTo(1.0);
        assertThat(result.perGroupTop1()).containsExactly(0.5, 0.0);
    }

    @Test
    void rejectsAScorerThatLeavesAScoreUnwritten() {
        StageEvaluator evaluator = new StageEvaluator(examples(LABELS), CLASSES, GROUPS, 4);

        assertThatThrownBy(() -> evaluator.evaluate(0, 0, seen(0), (features, count, out) ->
                System.arraycopy(EQUAL, 0, out, 0, CLASSES)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("score of class 0 for test example 1 NaN")
                .hasMessageContaining("4 x 7 scores");
        assertThatThrownBy(() -> evaluator.evaluate(0, 0, seen(0), (features, count, out) -> {
            Arrays.fill(out, 0, count * CLASSES, 0f);
            out[3] = Float.NaN;
        })).isInstanceOf(IllegalStateException.class).hasMessageContaining("class 3 for test example 0 NaN");
    }

    @Test
    void rejectsBadGroupsSeenClassesAndSizes() {
        List<Example> test = examples(LABELS);
        assertThatThrownBy(() -> new StageEvaluator(test, CLASSES, new int[] {0, 0, 2, 2, 2, 2, 2}, 4))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("group 1 has no class").hasMessageContaining("without gaps");
        assertThatThrownBy(() -> new StageEvaluator(test, CLASSES, new int[] {0, 0}, 4))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("groupOfClass has 2 entries but must have one per class, 7");
        assertThatThrownBy(() -> new StageEvaluator(test, CLASSES, new int[] {0, 0, 0, -1, 1, 1, 1}, 4))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("groupOfClass[3] was -1");
        assertThatThrownBy(() -> new StageEvaluator(test, 5, new int[5], 4))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("test example 2 (id 502) has label 6 but labels must be in [0, 5)");
        assertThatThrownBy(() -> new StageEvaluator(test, CLASSES, GROUPS, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("batch size was 0");
        assertThatThrownBy(() -> new StageEvaluator(List.of(), CLASSES, GROUPS, 4))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("test set is empty");

        StageEvaluator evaluator = new StageEvaluator(test, CLASSES, GROUPS, 4);
        assertThatThrownBy(() -> evaluator.evaluate(0, 0, new boolean[3], KNOWN))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("seenClasses has 3 entries but must have one per class, 7");
        assertThat(evaluator.groups()).isEqualTo(3);
        assertThat(evaluator.batchSize()).isEqualTo(4);
        assertThat(evaluator.examplesOfClass(0)).isEqualTo(2);
    }

    @Test
    void evaluatesWithoutAllocatingBeyondTheResult() {
        int[] labels = new int[300];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = i % CLASSES;
        }
        List<Example> test = new ArrayList<>();
        for (int i = 0; i < labels.length; i++) {
            test.add(new Example(i, labels[i], new Shape(1, 28, 28), new byte[784], new StreamPosition("t", i)));
        }
        StageEvaluator evaluator = new StageEvaluator(test, CLASSES, GROUPS, 32);
        boolean[] seen = seen(0, 1, 2, 3);
        Scorer constant = (features, count, out) -> Arrays.fill(out, 0, count * CLASSES, 0.25f);
        for (int i = 0; i < 20; i++) {
            evaluator.evaluate(0, i, seen, constant);
        }
        Allocations.allocatedBytes();

        long before = Allocations.allocatedBytes();
        StageAccuracy result = evaluator.evaluate(1, 99, seen, constant);
        long allocated = Allocations.allocatedBytes() - before;

        // One batch of features alone would be 32 x 784 floats = 100 KB; the result is a few lists of 7.
        assertThat(result.examples()).isEqualTo(4 * 43); // classes 0-5 have 43 examples each, class 6 has 42
        assertThat(allocated).isLessThan(4096);
    }
}
