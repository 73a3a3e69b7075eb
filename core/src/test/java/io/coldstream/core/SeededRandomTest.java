package io.coldstream.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SeededRandomTest {

    @Test
    void equalSeedsGiveEqualSequencesAndTheStateReplaysThem() {
        SeededRandom a = new SeededRandom(99);
        SeededRandom b = new SeededRandom(99);
        for (int i = 0; i < 100; i++) {
            assertThat(a.nextLong()).isEqualTo(b.nextLong());
        }
        long state = a.state();
        long[] expected = {a.nextLong(), a.nextLong(), a.nextLong()};
        b.setState(state);
        assertThat(new long[] {b.nextLong(), b.nextLong(), b.nextLong()}).containsExactly(expected);
        assertThat(new SeededRandom(100).nextLong()).isNotEqualTo(new SeededRandom(99).nextLong());
    }

    @Test
    void deriveIsStablePerPurposeAndDoesNotAdvanceTheParent() {
        SeededRandom root = new SeededRandom(5);
        long before = root.state();
        long replay1 = root.derive("replay").nextLong();
        long replay2 = root.derive("replay").nextLong();
        long augment = root.derive("augment").nextLong();
        assertThat(root.state()).isEqualTo(before);
        assertThat(replay1).isEqualTo(replay2);
        assertThat(augment).isNotEqualTo(replay1);
    }

    @Test
    void nextIntIsUniformAndInRange() {
        SeededRandom r = new SeededRandom(1);
        int[] counts = new int[7];
        for (int i = 0; i < 70_000; i++) {
            counts[r.nextInt(7)]++;
        }
        // expected 10,000 each; 5 sigma is about 480
        for (int c : counts) {
            assertThat(c).isBetween(9_500, 10_500);
        }
        for (int i = 0; i < 1000; i++) {
            assertThat(r.nextInt(-3, 4)).isBetween(-3, 3);
        }
        assertThatThrownBy(() -> r.nextInt(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void floatsAndDoublesStayInTheUnitInterval() {
        SeededRandom r = new SeededRandom(2);
        double sum = 0;
        for (int i = 0; i < 100_000; i++) {
            double d = r.nextDouble();
            float f = r.nextFloat();
            assertThat(d).isGreaterThanOrEqualTo(0).isLessThan(1);
            assertThat(f).isGreaterThanOrEqualTo(0f).isLessThan(1f);
            sum += d;
        }
        assertThat(sum / 100_000).isBetween(0.49, 0.51);
    }

    @Test
    void betaVariatesHaveTheRightMean() {
        SeededRandom r = new SeededRandom(3);
        double sum = 0;
        int n = 20_000;
        for (int i = 0; i < n; i++) {
            double x = r.nextBeta(2, 6);
            assertThat(x).isBetween(0.0, 1.0);
            sum += x;
        }
        assertThat(sum / n).isCloseTo(0.25, org.assertj.core.data.Offset.offset(0.01));
        double small = 0;
        for (int i = 0; i < n; i++) {
            small += r.nextBeta(0.2, 0.2);
        }
        assertThat(small / n).isCloseTo(0.5, org.assertj.core.data.Offset.offset(0.02));
    }

    @Test
    void shuffleIsAPermutation() {
        int[] values = new int[100];
        for (int i = 0; i < values.length; i++) {
            values[i] = i;
        }
        new SeededRandom(4).shuffle(values);
        assertThat(values).containsExactlyInAnyOrder(java.util.stream.IntStream.range(0, 100).toArray());
        assertThat(values).isNotEqualTo(java.util.stream.IntStream.range(0, 100).toArray());
    }
}
