package io.coldstream.learner;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;

/**
 * Bit-for-bit comparison of parameter vectors in linear time. (AssertJ's {@code containsExactly}
 * first computes an unordered difference, quadratic in the length: minutes for 431,626 floats.)
 */
final class SameParameters {

    private SameParameters() {
    }

    static void assertBitIdentical(float[] actual, float[] expected, String what) {
        assertThat(actual.length).as(what + ": parameter count").isEqualTo(expected.length);
        int at = Arrays.mismatch(actual, expected);
        assertThat(at).as(what + ": index of the first parameter that differs (-1: none); "
                + (at < 0 ? "" : actual[at] + " vs " + expected[at])).isEqualTo(-1);
    }
}
