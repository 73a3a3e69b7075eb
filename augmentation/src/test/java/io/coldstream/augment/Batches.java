package io.coldstream.augment;

import io.coldstream.core.MiniBatch;
import io.coldstream.core.SeededRandom;
import io.coldstream.core.Shape;
import java.util.Arrays;

/** Test batches filled with seeded, non-zero pixels and one-hot targets. */
final class Batches {

    static final Shape MNIST = new Shape(1, 28, 28);
    static final Shape CIFAR = new Shape(3, 32, 32);

    private Batches() {
    }

    /**
     * A batch whose every pixel is in {@code [1/255, 1]} (never 0, so shifts are recognisable) and
     * whose row {@code r} has label {@code r % numClasses}.
     */
    static MiniBatch random(Shape shape, int size, int augmentFrom, int numClasses, long seed) {
        MiniBatch batch = new MiniBatch(size, shape, numClasses);
        fill(batch, size, seed);
        batch.setSize(size);
        batch.setAugmentFrom(augmentFrom);
        return batch;
    }

    static void fill(MiniBatch batch, int rows, long seed) {
        SeededRandom random = new SeededRandom(seed);
        byte[] pixels = new byte[batch.rowLength()];
        for (int row = 0; row < rows; row++) {
            for (int i = 0; i < pixels.length; i++) {
                pixels[i] = (byte) random.nextInt(1, 256);
            }
            batch.setRow(row, pixels, 0, row % batch.numClasses());
        }
    }

    static float[] featureRow(MiniBatch batch, int row) {
        int base = row * batch.rowLength();
        return Arrays.copyOfRange(batch.features(), base, base + batch.rowLength());
    }

    static float[] targetRow(MiniBatch batch, int row) {
        int base = row * batch.numClasses();
        return Arrays.copyOfRange(batch.targets(), base, base + batch.numClasses());
    }

    /** Reference crop: {@code out(c, y, x) = in(c, y + dy, x + dx)} or 0 outside, computed naively. */
    static float[] shifted(float[] row, Shape shape, int dx, int dy) {
        float[] out = new float[row.length];
        for (int c = 0; c < shape.channels(); c++) {
            for (int y = 0; y < shape.height(); y++) {
                for (int x = 0; x < shape.width(); x++) {
                    int sy = y + dy;
                    int sx = x + dx;
                    if (sy >= 0 && sy < shape.height() && sx >= 0 && sx < shape.width()) {
                        out[(c * shape.height() + y) * shape.width() + x] =
                                row[(c * shape.height() + sy) * shape.width() + sx];
                    }
                }
            }
        }
        return out;
    }

    /** Reference flip: {@code out(c, y, x) = in(c, y, width - 1 - x)}. */
    static float[] mirrored(float[] row, Shape shape) {
        float[] out = new float[row.length];
        for (int line = 0; line < shape.channels() * shape.height(); line++) {
            for (int x = 0; x < shape.width(); x++) {
                out[line * shape.width() + x] = row[line * shape.width() + shape.width() - 1 - x];
            }
        }
        return out;
    }
}
