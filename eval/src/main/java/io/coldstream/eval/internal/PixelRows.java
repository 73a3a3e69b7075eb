package io.coldstream.eval.internal;

import io.coldstream.core.Example;
import io.coldstream.core.MiniBatch;
import io.coldstream.core.Shape;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A fixed test set held for evaluation: the examples' uint8 pixels copied once into one array, their
 * labels, and the scaling of a batch of them into model features exactly as training scales them
 * ({@link MiniBatch#PIXEL_SCALE}). The evaluators of the root package share it; not thread-safe
 * because callers share their feature buffers.
 */
public final class PixelRows {

    private final Shape shape;
    private final int size;
    private final int rowLength;
    private final byte[] pixels;
    private final int[] labels;
    private final int[] examplesPerClass;

    /**
     * @param examples at least one example, all of one shape; copied
     * @param numClasses number of classes, {@code >= 2}; every label must be below it
     * @param what what the examples are, as error messages name them ({@code holdout}, {@code test})
     */
    public PixelRows(List<Example> examples, int numClasses, String what) {
        Objects.requireNonNull(examples, "examples");
        if (examples.isEmpty()) {
            throw new IllegalArgumentException(what + " set is empty; it needs at least one example");
        }
        if (numClasses < 2) {
            throw new IllegalArgumentException("numClasses was " + numClasses + " but must be >= 2");
        }
        this.shape = Objects.requireNonNull(examples.get(0), what + " example").shape();
        this.size = examples.size();
        this.rowLength = shape.elementCount();
        if ((long) size * rowLength > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a " + what + " set of " + size + " examples of " + shape
                    + " is more than 2^31-1 bytes");
        }
        this.pixels = new byte[size * rowLength];
        this.labels = new int[size];
        this.examplesPerClass = new int[numClasses];
        for (int i = 0; i < size; i++) {
            Example example = Objects.requireNonNull(examples.get(i), what + " example");
            if (!example.shape().equals(shape)) {
                throw new IllegalArgumentException(what + " example " + i + " (id " + example.id() + ") has shape "
                        + example.shape() + " but the first has " + shape + "; all must have one shape");
            }
            if (example.label() >= numClasses) {
                throw new IllegalArgumentException(what + " example " + i + " (id " + example.id() + ") has label "
                        + example.label() + " but labels must be in [0, " + numClasses + ")");
            }
            System.arraycopy(example.pixels(), 0, pixels, i * rowLength, rowLength);
            labels[i] = example.label();
            examplesPerClass[example.label()]++;
        }
    }

    /**
     * Writes rows {@code [start, start + count)} into the front of {@code features}, scaled to
     * {@code [0, 1]}, and zeroes the rest of the array, so that a model that reads the rows not in use
     * sees the same input every time. Does not allocate.
     *
     * @param start the first example
     * @param count how many
     * @param features at least {@code count * shape().elementCount()} long
     */
    public void fill(int start, int count, float[] features) {
        int base = start * rowLength;
        int length = count * rowLength;
        for (int i = 0; i < length; i++) {
            features[i] = (pixels[base + i] & 0xff) * MiniBatch.PIXEL_SCALE;
        }
        Arrays.fill(features, length, features.length, 0f);
    }

    /** @return the number of examples */
    public int size() {
        return size;
    }

    /** @return the shape of every example */
    public Shape shape() {
        return shape;
    }

    /** @return the number of classes */
    public int numClasses() {
        return examplesPerClass.length;
    }

    /**
     * @param index an example, {@code [0, size())}
     * @return its label
     */
    public int label(int index) {
        return labels[index];
    }

    /**
     * @param c a class, {@code [0, numClasses())}
     * @return how many examples have class {@code c}
     */
    public int examplesOfClass(int c) {
        Objects.checkIndex(c, examplesPerClass.length);
        return examplesPerClass[c];
    }
}
