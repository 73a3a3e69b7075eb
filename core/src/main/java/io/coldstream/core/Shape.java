package io.coldstream.core;

/**
 * The shape of one example's payload, channels first: {@code channels x height x width}.
 * A flat feature vector of length {@code n} is {@code 1 x 1 x n}.
 *
 * @param channels number of channels, at least 1
 * @param height rows, at least 1
 * @param width columns, at least 1
 */
public record Shape(int channels, int height, int width) {

    /** Checks that every dimension is positive and the element count fits an {@code int}. */
    public Shape {
        if (channels < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException(
                    "shape " + channels + "x" + height + "x" + width + " must have every dimension >= 1");
        }
        if ((long) channels * height * width > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(
                    "shape " + channels + "x" + height + "x" + width + " has more than 2^31-1 elements");
        }
    }

    /** @return {@code channels * height * width} */
    public int elementCount() {
        return channels * height * width;
    }

    /** @return {@code height * width}, the number of elements in one channel */
    public int planeSize() {
        return height * width;
    }

    @Override
    public String toString() {
        return channels + "x" + height + "x" + width;
    }
}
