package io.coldstream.augment;

import io.coldstream.core.MiniBatch;
import io.coldstream.core.SeededRandom;
import io.coldstream.core.Shape;
import java.util.Objects;

/**
 * Random horizontal (left-right) flip: each augmentable row, all channels together, is mirrored
 * with a given probability, {@code out(c, y, x) = in(c, y, width - 1 - x)}. The usual companion
 * of {@link RandomCrop} for natural images (Krizhevsky et al., "ImageNet Classification with Deep
 * Convolutional Neural Networks", NeurIPS 2012, section 4.1).
 *
 * <p>Draws exactly one {@code random.nextDouble()} per augmentable row, whatever the probability,
 * and flips the row when it is below the probability; so probability 0 never flips and 1 always
 * does. Runs in place without allocating. The class holds no mutable state, so one instance may
 * serve several threads, each with its own batch and generator.
 */
public final class HorizontalFlip implements Augmentation {

    /** The usual flip probability, 0.5. */
    public static final double DEFAULT_PROBABILITY = 0.5;

    private final double probability;

    /** A flip with probability {@link #DEFAULT_PROBABILITY}. */
    public HorizontalFlip() {
        this(DEFAULT_PROBABILITY);
    }

    /**
     * @param probability chance that a row is flipped, in {@code [0, 1]}
     * @throws IllegalArgumentException if the probability is outside {@code [0, 1]} or NaN
     */
    public HorizontalFlip(double probability) {
        if (!(probability >= 0 && probability <= 1)) {
            throw new IllegalArgumentException("flip probability was " + probability + " but must be in [0, 1]");
        }
        this.probability = probability;
    }

    /** @return the chance that a row is flipped, in {@code [0, 1]} */
    public double probability() {
        return probability;
    }

    /**
     * Flips each augmentable row with the probability; see the class comment.
     *
     * @param batch the batch to change in place
     * @param random draws one double per augmentable row
     */
    @Override
    public void apply(MiniBatch batch, SeededRandom random) {
        Objects.requireNonNull(batch, "batch");
        Objects.requireNonNull(random, "random");
        Shape shape = batch.shape();
        int lines = shape.channels() * shape.height();
        int width = shape.width();
        int rowLength = batch.rowLength();
        float[] features = batch.features();
        int size = batch.size();
        for (int row = Math.min(batch.augmentFrom(), size); row < size; row++) {
            if (random.nextDouble() < probability) {
                flipRow(features, row * rowLength, lines, width);
            }
        }
    }

    private static void flipRow(float[] a, int offset, int lines, int width) {
        for (int line = 0; line < lines; line++) {
            int left = offset + line * width;
            int right = left + width - 1;
            while (left < right) {
                float t = a[left];
                a[left] = a[right];
                a[right] = t;
                left++;
                right--;
            }
        }
    }

    /** @return {@code flip(p=P)} */
    @Override
    public String toString() {
        return "flip(p=" + probability + ")";
    }
}
