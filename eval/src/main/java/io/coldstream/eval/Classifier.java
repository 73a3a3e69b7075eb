package io.coldstream.eval;

/**
 * A model seen from evaluation: predicts the class of each row of a batch.
 *
 * <p>Implementations may be called from the thread that owns the evaluator only; the arrays
 * passed in belong to the caller and are reused between calls, so they must not be kept.
 */
@FunctionalInterface
public interface Classifier {

    /**
     * Predicts a batch.
     *
     * @param features {@code count} rows of features, NCHW, floats in {@code [0, 1]}; the array may
     *     be longer than {@code count} rows, and what follows the rows in use is unspecified
     * @param count rows in use, {@code >= 1}
     * @param predictedOut where to write each row's predicted class (the argmax of the model's
     *     output) into {@code predictedOut[0, count)}
     */
    void predict(float[] features, int count, int[] predictedOut);
}
