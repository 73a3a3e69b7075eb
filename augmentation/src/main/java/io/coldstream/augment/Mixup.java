package io.coldstream.augment;

import io.coldstream.core.MiniBatch;
import io.coldstream.core.SeededRandom;
import java.util.Objects;

/**
 * Mixup (Zhang, Cisse, Dauphin and Lopez-Paz, "mixup: Beyond Empirical Risk Minimization",
 * ICLR 2018): each augmentable row becomes a convex combination of itself and a partner row,
 * features and targets alike, so that the network learns to behave linearly between examples.
 *
 * <p>Per call, with {@code n = size - augmentFrom} augmentable rows: if {@code n < 2} nothing
 * happens and nothing is drawn. Otherwise one {@code lambda = random.nextBeta(alpha, alpha)} is
 * drawn, then a random permutation {@code perm} of the augmentable rows
 * ({@code random.shuffle} of {@code augmentFrom..size-1}), and every augmentable row {@code i}
 * becomes {@code lambda * row_i + (1 - lambda) * row_perm(i)}, for the features and the targets,
 * using the values of the partners as they were before this call. A row may be its own partner
 * (then it is unchanged), as in the paper's reference code, which mixes a batch with a shuffled
 * copy of itself. Targets stay probability rows; features stay in {@code [0, 1]}. The arithmetic is
 * done in {@code double} and rounded once to {@code float}.
 *
 * <p>Keeps a scratch copy of the augmentable rows and a permutation array, sized for the batch's
 * capacity on the first call and grown only for a larger batch, so {@code apply} does not allocate
 * afterwards. Not thread-safe.
 */
public final class Mixup implements Augmentation {

    private final double alpha;
    private float[] featureScratch = new float[0];
    private float[] targetScratch = new float[0];
    private int[] permutation = new int[0];
    private double lastLambda = Double.NaN;

    /**
     * @param alpha the shape of the symmetric Beta(alpha, alpha) distribution of {@code lambda},
     *     finite and {@code > 0}; small values (0.1 to 0.4 in the paper) keep most rows close to
     *     an original, 1 gives a uniform {@code lambda}
     * @throws IllegalArgumentException if {@code alpha <= 0}, NaN or infinite
     */
    public Mixup(double alpha) {
        if (!(alpha > 0) || Double.isInfinite(alpha)) {
            throw new IllegalArgumentException("mixup alpha was " + alpha + " but must be finite and > 0");
        }
        this.alpha = alpha;
    }

    /** @return the Beta(alpha, alpha) shape parameter */
    public double alpha() {
        return alpha;
    }

    /**
     * The {@code lambda} drawn by the latest call that mixed, for reports and tests.
     *
     * @return a value in {@code [0, 1]}, or NaN if no call has mixed yet
     */
    public double lastLambda() {
        return lastLambda;
    }

    /**
     * Mixes each augmentable row with a random partner; see the class comment.
     *
     * @param batch the batch to change in place
     * @param random draws one Beta variate and one permutation per call with at least two
     *     augmentable rows
     */
    @Override
    public void apply(MiniBatch batch, SeededRandom random) {
        Objects.requireNonNull(batch, "batch");
        Objects.requireNonNull(random, "random");
        int size = batch.size();
        int from = Math.min(batch.augmentFrom(), size);
        int n = size - from;
        if (n < 2) {
            return;
        }
        int rowLength = batch.rowLength();
        int numClasses = batch.numClasses();
        ensureScratch(batch.capacity(), rowLength, numClasses);

        double lambda = random.nextBeta(alpha, alpha);
        double other = 1 - lambda;
        for (int i = 0; i < n; i++) {
            permutation[i] = i;
        }
        random.shuffle(permutation, 0, n);
        lastLambda = lambda;

        float[] features = batch.features();
        float[] targets = batch.targets();
        System.arraycopy(features, from * rowLength, featureScratch, 0, n * rowLength);
        System.arraycopy(targets, from * numClasses, targetScratch, 0, n * numClasses);
        for (int i = 0; i < n; i++) {
            mix(featureScratch, i * rowLength, permutation[i] * rowLength,
                    features, (from + i) * rowLength, rowLength, lambda, other);
            mix(targetScratch, i * numClasses, permutation[i] * numClasses,
                    targets, (from + i) * numClasses, numClasses, lambda, other);
        }
    }

    private static void mix(float[] original, int self, int partner, float[] out, int outOffset,
            int length, double lambda, double other) {
        for (int k = 0; k < length; k++) {
            out[outOffset + k] = (float) (lambda * original[self + k] + other * original[partner + k]);
        }
    }

    private void ensureScratch(int rows, int rowLength, int numClasses) {
        if (featureScratch.length < rows * rowLength) {
            featureScratch = new float[rows * rowLength];
        }
        if (targetScratch.length < rows * numClasses) {
            targetScratch = new float[rows * numClasses];
        }
        if (permutation.length < rows) {
            permutation = new int[rows];
        }
    }

    /** @return {@code mixup(alpha=A)} */
    @Override
    public String toString() {
        return "mixup(alpha=" + alpha + ")";
    }
}
