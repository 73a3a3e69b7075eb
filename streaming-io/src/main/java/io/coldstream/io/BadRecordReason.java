package io.coldstream.io;

import java.util.Locale;

/**
 * Why a stream record was rejected by {@link ExampleCodec#decode}. Each reason has a stable
 * {@linkplain #metricName() metric name} used in counters, logs and dead-letter entries.
 */
public enum BadRecordReason {

    /** The record does not start with the magic bytes {@code "CSEX"}. */
    BAD_MAGIC,
    /** The format version is not one this codec reads (only {@code 1}). */
    UNKNOWN_VERSION,
    /** The kind byte is neither {@code 0} (tensor) nor {@code 1} (encoded image). */
    UNKNOWN_KIND,
    /** A flag bit other than bit 0 (has example id) is set. */
    BAD_FLAGS,
    /** The element type is not {@code 0} (uint8) or {@code 1} (float32), or is not {@code 0} for an image. */
    UNKNOWN_ELEMENT_TYPE,
    /** The record ends before the end its own header declares. */
    TRUNCATED,
    /** Bytes remain after the end the record's header declares. */
    TRAILING_BYTES,
    /** A tensor's shape differs from the shape the stream's examples must have. */
    SHAPE_MISMATCH,
    /**
     * A declared size describes no payload: a dimension below 1, a payload over 2^31 - 1 bytes, or
     * an image length below 1.
     */
    SIZE_MISMATCH,
    /** The label is negative or not below the number of classes. */
    LABEL_OUT_OF_RANGE,
    /** A float32 feature is NaN or infinite. */
    NON_FINITE,
    /** A float32 feature is finite but outside {@code [0, 1]}. */
    OUT_OF_RANGE,
    /** The image bytes are not a PNG or JPEG image that {@code javax.imageio} can decode. */
    UNDECODABLE_IMAGE,
    /** The decoded image's channels, height or width differ from the stream's example shape. */
    WRONG_IMAGE_SIZE;

    private final String metricName = name().toLowerCase(Locale.ROOT).replace('_', '-');

    /** @return the reason in lower-case words joined by hyphens, such as {@code "bad-magic"} */
    public String metricName() {
        return metricName;
    }
}
