package io.coldstream.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coldstream.core.SeededRandom;
import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class HoldoutSubsetsTest {

    @Test
    void choosesDistinctSortedIndicesInRange() {
        int[] chosen = HoldoutSubsets.choose(10_000, 1_000, new SeededRandom(1));

        assertThat(chosen).hasSize(1_000);
        assertThat(chosen).isSorted();
        assertThat(Arrays.stream(chosen).distinct().count()).isEqualTo(1_000);
        assertThat(chosen[0]).isGreaterThanOrEqualTo(0);
        assertThat(chosen[999]).isLessThan(10_000);
        // Spread over the whole range, not the first thousand.
        assertThat(chosen[999]).isGreaterThan(9_000);
        assertThat(chosen[0]).isLessThan(1_000);
    }

    @Test
    void isDeterministicPerSeed() {
        int[] a = HoldoutSubsets.choose(500, 50, new SeededRandom(8));
        int[] b = HoldoutSubsets.choose(500, 50, new SeededRandom(8));
        int[] c = HoldoutSubsets.choose(500, 50, new SeededRandom(9));

        assertThat(a).isEqualTo(b).isNotEqualTo(c);
    }

    @Test
    void choosesEverythingWhenTheSizeIsZeroNegativeOrTooLarge() {
        int[] all = IntStream.range(0, 7).toArray();
        for (int size : new int[] {0, -3, 7, 100}) {
            SeededRandom random = new SeededRandom(4);
            assertThat(HoldoutSubsets.choose(7, size, random)).isEqualTo(all);
            assertThat(random.state()).isEqualTo(4);
        }
        assertThat(HoldoutSubsets.choose(0, 5, new SeededRandom(1))).isEmpty();
    }

    @Test
    void choosesASingleIndexEvenlyEnough() {
        int[] counts = new int[4];
        SeededRandom random = new SeededRandom(12);
        for (int i = 0; i < 4_000; i++) {
            counts[HoldoutSubsets.choose(4, 1, random)[0]]++;
        }
        for (int count : counts) {
            assertThat(count).isBetween(850, 1_150);
        }
    }

    @Test
    void rejectsANegativePopulation() {
        assertThatThrownBy(() -> HoldoutSubsets.choose(-1, 2, new SeededRandom(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("holdout population was -1 but must be >= 0");
    }
}
