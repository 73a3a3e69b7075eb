package io.coldstream.eval;

/**
 * One periodic holdout evaluation of a run, as {@code results.json} lists it under {@code holdout}.
 *
 * @param examplesSeen stream examples trained on when it ran, {@code >= 0}
 * @param accuracy accuracy on the holdout examples, in [0, 1], or {@code NaN} when not recorded
 *     (written as JSON {@code null})
 */
public record HoldoutPoint(long examplesSeen, double accuracy) {

    /** Rejects a negative count and an accuracy outside [0, 1]. */
    public HoldoutPoint {
        if (examplesSeen < 0) {
            throw new IllegalArgumentException("holdout examplesSeen was " + examplesSeen + " but must be >= 0");
        }
        if (accuracy < 0 || accuracy > 1) {
            throw new IllegalArgumentException("holdout accuracy was " + accuracy + " but must be in [0, 1] or NaN");
        }
    }
}
