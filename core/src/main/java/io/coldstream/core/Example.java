package io.coldstream.core;

import java.util.Objects;

/**
 * One labelled training example as it comes off a stream: uint8 pixels (or features scaled to
 * 0..255), channels first, plus its label, an id and its position in the stream.
 *
 * <p>An {@code Example} owns its pixel array and never changes it; {@link #pixels()} hands out
 * that array without a copy so that the hot path does not allocate, and callers must not write
 * to it. It is not a record on purpose: two examples with equal pixels are not the same example.
 * Instances are safe to share between threads once published.
 */
public final class Example {

    private final long id;
    private final int label;
    private final Shape shape;
    private final byte[] pixels;
    private final StreamPosition position;

    /**
     * @param id the example's identity in its dataset (for IDX files: its index in the file)
     * @param label class index, {@code >= 0}
     * @param shape payload shape; {@code pixels.length} must equal {@code shape.elementCount()}
     * @param pixels uint8 payload, channels first; taken over, not copied
     * @param position where the example sits in its stream
     */
    public Example(long id, int label, Shape shape, byte[] pixels, StreamPosition position) {
        this.shape = Objects.requireNonNull(shape, "shape");
        this.pixels = Objects.requireNonNull(pixels, "pixels");
        this.position = Objects.requireNonNull(position, "position");
        if (label < 0) {
            throw new IllegalArgumentException("label was " + label + " but must be >= 0");
        }
        if (pixels.length != shape.elementCount()) {
            throw new IllegalArgumentException("payload has " + pixels.length + " bytes but shape "
                    + shape + " needs " + shape.elementCount());
        }
        this.id = id;
        this.label = label;
    }

    /** @return the example's identity in its dataset */
    public long id() {
        return id;
    }

    /** @return the class index */
    public int label() {
        return label;
    }

    /** @return the payload shape */
    public Shape shape() {
        return shape;
    }

    /** @return the uint8 payload, channels first; shared, do not modify */
    public byte[] pixels() {
        return pixels;
    }

    /** @return where the example sits in its stream */
    public StreamPosition position() {
        return position;
    }

    @Override
    public String toString() {
        return "Example[id=" + id + ", label=" + label + ", shape=" + shape + ", position=" + position + "]";
    }
}
