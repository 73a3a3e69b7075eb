package io.coldstream.eval;

import io.coldstream.core.SeededRandom;
import java.util.Arrays;
import java.util.Objects;

/** Picks the fixed subset of a test split that periodic holdout evaluation uses. Stateless. */
public final class HoldoutSubsets {

    private HoldoutSubsets() {
    }

    /**
     * Chooses {@code size} distinct indices of {@code [0, n)}, uniformly at random (a partial
     * Fisher-Yates shuffle), sorted ascending.
     *
     * @param n how many examples there are to choose from, {@code >= 0}
     * @param size how many to choose; {@code <= 0} or {@code >= n} chooses all {@code n}
     *     (and draws nothing from {@code random})
     * @param random the generator; advanced by {@code size} draws
     * @return a fresh sorted array of distinct indices
     */
    public static int[] choose(int n, int size, SeededRandom random) {
        Objects.requireNonNull(random, "random");
        if (n < 0) {
            throw new IllegalArgumentException("holdout population was " + n + " but must be >= 0");
        }
        int[] indices = new int[n];
        for (int i = 0; i < n; i++) {
            indices[i] = i;
        }
        if (size <= 0 || size >= n) {
            return indices;
        }
        for (int i = 0; i < size; i++) {
            int j = i + random.nextInt(n - i);
            int t = indices[i];
            indices[i] = indices[j];
            indices[j] = t;
        }
        int[] chosen = Arrays.copyOf(indices, size);
        Arrays.sort(chosen);
        return chosen;
    }
}
