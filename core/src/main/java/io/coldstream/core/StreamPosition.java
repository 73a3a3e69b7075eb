package io.coldstream.core;

import java.util.Objects;

/**
 * Where one example sits in its stream: a partition name and an offset within it. An IDX file
 * stream has one partition and the offset is the example's index in the stream order; a Kafka
 * source uses {@code topic-partition} and the record offset; a Chronicle Queue its queue index.
 * Resuming reads from the offset after the one recorded.
 *
 * @param partition the partition's name, never blank
 * @param offset the offset inside the partition, {@code >= 0}
 */
public record StreamPosition(String partition, long offset) {

    /** Validates both parts. */
    public StreamPosition {
        Objects.requireNonNull(partition, "partition");
        if (partition.isBlank()) {
            throw new IllegalArgumentException("stream partition name must not be blank");
        }
        if (offset < 0) {
            throw new IllegalArgumentException("stream offset was " + offset + " but must be >= 0");
        }
    }

    @Override
    public String toString() {
        return partition + "@" + offset;
    }
}
