package io.coldstream.eval;

/**
 * A model seen from benchmark evaluation: scores every class for each row of a batch, such as
 * {@code Network.predictProbabilities} does. Where {@link Classifier} answers the top class only,
 * a scorer's scores also rank the other classes, for top-5 accuracy.
 *
 * <p>Implementations are called from the thread that owns the evaluator only; the arrays passed in
 * belong to the caller and are reused between calls, so they must not be kept.
 */
@FunctionalInterface
public interface Scorer {

    /**
     * Scores a batch.
     *
     * @param features {@code count} rows of features, NCHW, floats in {@code [0, 1]}; the array may be
     *     longer than {@code count} rows, and what follows the rows in use is zero
     * @param count rows in use, {@code >= 1}
     * @param scoresOut where to write the scores, {@code count x numClasses} row-major: row {@code i}'s
     *     score of class {@code c} at {@code i * numClasses + c}. Higher means more likely; any finite
     *     scale (probabilities, logits) ranks the same. Every one of the {@code count * numClasses}
     *     entries must be written, and none may be {@code NaN}
     */
    void score(float[] features, int count, float[] scoresOut);
}
