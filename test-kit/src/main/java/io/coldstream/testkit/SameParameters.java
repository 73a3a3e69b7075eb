package io.coldstream.testkit;

import java.util.Arrays;

/**
 * Compares two parameter vectors bit for bit in linear time (AssertJ's element-wise comparison of
 * a 431k-float vector is quadratic), naming the first index that differs. Stateless.
 */
public final class SameParameters {

    private SameParameters() {
    }

    /**
     * @param actual the parameters found
     * @param expected the parameters wanted
     * @param what what they are, for the message
     * @throws AssertionError naming the count or the first differing index and both values
     */
    public static void assertBitIdentical(float[] actual, float[] expected, String what) {
        if (actual.length != expected.length) {
            throw new AssertionError(what + ": " + actual.length + " parameters but " + expected.length
                    + " were expected");
        }
        int at = Arrays.mismatch(actual, expected);
        if (at >= 0) {
            throw new AssertionError(what + ": parameter " + at + " differs: " + actual[at] + " vs " + expected[at]);
        }
    }
}
