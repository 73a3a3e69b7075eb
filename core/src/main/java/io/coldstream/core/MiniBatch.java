package io.coldstream.core;

import java.util.Arrays;
import java.util.Objects;

/**
 * A mini-batch held in reusable arrays: features as floats in {@code [0, 1]} laid out
 * {@code NCHW} (row after row, each row channels first), and targets as probability rows
 * (one-hot until an augmentation such as mixup softens them).
 *
 * <p>The arrays are allocated once, for {@link #capacity()} rows, and reused step after step;
 * {@link #size()} says how many leading rows are in use. Rows {@code [augmentFrom, size)} are the
 * ones augmentations may change; rows before {@code augmentFrom} stay as they were written (by
 * default the new stream example in row 0, so that it is trained on as it arrived).
 *
 * <p>Not thread-safe; one batch belongs to one trainer thread.
 */
public final class MiniBatch {

    /** Scale from a uint8 pixel to a feature in {@code [0, 1]}. */
    public static final float PIXEL_SCALE = 1f / 255f;

    private final int capacity;
    private final Shape shape;
    private final int numClasses;
    private final int rowLength;
    private final float[] features;
    private final float[] targets;
    private final int[] labels;
    private int size;
    private int augmentFrom;

    /**
     * @param capacity the most rows the batch can hold, {@code >= 1}
     * @param shape the shape of one row
     * @param numClasses number of classes, {@code >= 2}
     */
    public MiniBatch(int capacity, Shape shape, int numClasses) {
        this.shape = Objects.requireNonNull(shape, "shape");
        if (capacity < 1) {
            throw new IllegalArgumentException("batch capacity was " + capacity + " but must be >= 1");
        }
        if (numClasses < 2) {
            throw new IllegalArgumentException("numClasses was " + numClasses + " but must be >= 2");
        }
        if ((long) capacity * shape.elementCount() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a batch of " + capacity + " rows of " + shape + " is too large");
        }
        this.capacity = capacity;
        this.numClasses = numClasses;
        this.rowLength = shape.elementCount();
        this.features = new float[capacity * rowLength];
        this.targets = new float[capacity * numClasses];
        this.labels = new int[capacity];
    }

    /**
     * Writes one row from uint8 pixels (scaled by {@link #PIXEL_SCALE}) and a one-hot target.
     *
     * @param row the row, {@code [0, capacity)}
     * @param pixels uint8 payload holding at least {@code shape().elementCount()} bytes from {@code offset}
     * @param offset where the row's pixels start in {@code pixels}
     * @param label the class, {@code [0, numClasses)}
     */
    public void setRow(int row, byte[] pixels, int offset, int label) {
        Objects.checkIndex(row, capacity);
        Objects.checkIndex(label, numClasses);
        int base = row * rowLength;
        for (int i = 0; i < rowLength; i++) {
            features[base + i] = (pixels[offset + i] & 0xff) * PIXEL_SCALE;
        }
        int t = row * numClasses;
        Arrays.fill(targets, t, t + numClasses, 0f);
        targets[t + label] = 1f;
        labels[row] = label;
    }

    /** @return the feature array, {@code capacity * shape.elementCount()} floats, NCHW; shared */
    public float[] features() {
        return features;
    }

    /** @return the target array, {@code capacity * numClasses} floats; shared */
    public float[] targets() {
        return targets;
    }

    /**
     * @param row a row in use
     * @return the hard label the row was written with (before any target mixing)
     */
    public int label(int row) {
        Objects.checkIndex(row, size);
        return labels[row];
    }

    /** @return rows in use */
    public int size() {
        return size;
    }

    /** @param size rows in use, {@code [0, capacity]} */
    public void setSize(int size) {
        if (size < 0 || size > capacity) {
            throw new IllegalArgumentException("batch size was " + size + " but must be in [0, " + capacity + "]");
        }
        this.size = size;
    }

    /** @return the first row augmentations may change */
    public int augmentFrom() {
        return augmentFrom;
    }

    /** @param row the first row augmentations may change, {@code [0, capacity]} */
    public void setAugmentFrom(int row) {
        if (row < 0 || row > capacity) {
            throw new IllegalArgumentException("augmentFrom was " + row + " but must be in [0, " + capacity + "]");
        }
        this.augmentFrom = row;
    }

    /** @return the most rows the batch can hold */
    public int capacity() {
        return capacity;
    }

    /** @return the shape of one row */
    public Shape shape() {
        return shape;
    }

    /** @return number of classes, the length of one target row */
    public int numClasses() {
        return numClasses;
    }

    /** @return floats in one feature row, {@code shape().elementCount()} */
    public int rowLength() {
        return rowLength;
    }
}
