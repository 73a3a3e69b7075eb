package io.coldstream.augment;

import io.coldstream.core.MiniBatch;
import io.coldstream.core.SeededRandom;
import io.coldstream.core.Shape;
import java.util.Arrays;
import java.util.Objects;

/**
 * Random crop with zero padding: each image is padded by {@code padding} pixels of zeros on every
 * side and a crop of its original {@code height x width} is taken at a random place, i.e. the
 * image is shifted by a random offset and the uncovered border is filled with zeros. This is
 * the standard CIFAR augmentation (He et al., "Deep Residual Learning for Image Recognition",
 * CVPR 2016, section 4.2: "4 pixels are padded on each side, and a 32x32 crop is randomly
 * sampled from the padded image").
 *
 * <p>For each augmentable row this draws {@code dx = random.nextInt(-padding, padding + 1)} and then
 * {@code dy = random.nextInt(-padding, padding + 1)}, and writes, for every channel {@code c},
 * {@code out(c, y, x) = in(c, y + dy, x + dx)}, or {@code 0} where {@code (y + dy, x + dx)} falls
 * outside the image. One offset is shared by all channels of a row. With {@code padding == 0}
 * the batch is left unchanged and nothing is drawn. Works for any {@code C x H x W}.
 *
 * <p>The shift runs in place over the feature array: no scratch buffer, no allocation. The class
 * holds no mutable state, so one instance may serve several threads, each with its own batch and
 * generator.
 */
public final class RandomCrop implements Augmentation {

    private final int padding;

    /**
     * @param padding zero padding in pixels on each side, {@code >= 0}; the largest shift in either
     *     direction
     * @throws IllegalArgumentException if {@code padding < 0}
     */
    public RandomCrop(int padding) {
        if (padding < 0) {
            throw new IllegalArgumentException("crop padding was " + padding + " but must be >= 0");
        }
        this.padding = padding;
    }

    /** @return the zero padding in pixels on each side */
    public int padding() {
        return padding;
    }

    /**
     * Shifts each augmentable row by its own random offset; see the class comment.
     *
     * @param batch the batch to change in place
     * @param random draws two ints per augmentable row ({@code dx}, then {@code dy}); none when
     *     {@code padding == 0}
     */
    @Override
    public void apply(MiniBatch batch, SeededRandom random) {
        Objects.requireNonNull(batch, "batch");
        Objects.requireNonNull(random, "random");
        if (padding == 0) {
            return;
        }
        Shape shape = batch.shape();
        int channels = shape.channels();
        int height = shape.height();
        int width = shape.width();
        int plane = shape.planeSize();
        int rowLength = batch.rowLength();
        float[] features = batch.features();
        int size = batch.size();
        for (int row = Math.min(batch.augmentFrom(), size); row < size; row++) {
            int dx = random.nextInt(-padding, padding + 1);
            int dy = random.nextInt(-padding, padding + 1);
            int base = row * rowLength;
            for (int c = 0; c < channels; c++) {
                shiftPlane(features, base + c * plane, height, width, dx, dy);
            }
        }
    }

    /**
     * {@code out(y, x) = in(y + dy, x + dx)} or 0 outside, in place. Rows are visited in the
     * order that reads every source row before it is overwritten; within a row
     * {@link System#arraycopy} copes with the overlap.
     */
    private static void shiftPlane(float[] a, int offset, int height, int width, int dx, int dy) {
        int adx = Math.abs(dx);
        if (adx >= width || Math.abs(dy) >= height) {
            Arrays.fill(a, offset, offset + height * width, 0f);
            return;
        }
        if (dx == 0 && dy == 0) {
            return;
        }
        int copyLength = width - adx;
        int srcX = Math.max(dx, 0);
        int dstX = Math.max(-dx, 0);
        int zeroFrom = dx > 0 ? copyLength : 0;
        if (dy >= 0) {
            for (int y = 0; y < height; y++) {
                shiftLine(a, offset, width, y, y + dy, height, srcX, dstX, copyLength, zeroFrom, adx);
            }
        } else {
            for (int y = height - 1; y >= 0; y--) {
                shiftLine(a, offset, width, y, y + dy, height, srcX, dstX, copyLength, zeroFrom, adx);
            }
        }
    }

    private static void shiftLine(float[] a, int offset, int width, int y, int srcY, int height,
            int srcX, int dstX, int copyLength, int zeroFrom, int zeroLength) {
        int dst = offset + y * width;
        if (srcY < 0 || srcY >= height) {
            Arrays.fill(a, dst, dst + width, 0f);
            return;
        }
        System.arraycopy(a, offset + srcY * width + srcX, a, dst + dstX, copyLength);
        if (zeroLength > 0) {
            Arrays.fill(a, dst + zeroFrom, dst + zeroFrom + zeroLength, 0f);
        }
    }

    /** @return {@code crop(padding=N)} */
    @Override
    public String toString() {
        return "crop(padding=" + padding + ")";
    }
}
