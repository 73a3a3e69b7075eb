package io.coldstream.io;

import io.coldstream.core.ConfigurationException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * Where examples come from or go to, as written on the command line ({@code shared/CLI.md}):
 * {@code idx:DIR} (an IDX folder), {@code queue:DIR} (a Chronicle Queue folder) or
 * {@code kafka:HOST:PORT/TOPIC}.
 *
 * @param kind the kind of stream
 * @param location the folder for {@code idx} and {@code queue}; {@code HOST:PORT} for Kafka
 * @param topic the Kafka topic; {@code null} for the other kinds
 */
public record SourceSpec(Kind kind, String location, String topic) {

    /** The kinds of stream. */
    public enum Kind {
        /** An IDX image/label folder, read in a chosen order. */
        IDX,
        /** A Chronicle Queue folder: the embedded durable log. */
        QUEUE,
        /** A Kafka topic. */
        KAFKA;

        /** @return the prefix used on the command line */
        public String prefix() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Validates the parts. */
    public SourceSpec {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(location, "location");
        if (location.isBlank()) {
            throw new ConfigurationException("a " + kind.prefix() + " stream needs a location after '" + kind.prefix()
                    + ":'");
        }
        if ((kind == Kind.KAFKA) != (topic != null)) {
            throw new IllegalArgumentException("a topic belongs to Kafka streams only");
        }
    }

    /**
     * @param text such as {@code queue:/data/q} or {@code kafka:localhost:9092/examples}
     * @return the spec
     * @throws ConfigurationException naming the text and the accepted forms
     */
    public static SourceSpec parse(String text) {
        String t = text == null ? "" : text.trim();
        int colon = t.indexOf(':');
        String prefix = colon < 0 ? "" : t.substring(0, colon).toLowerCase(Locale.ROOT);
        String rest = colon < 0 ? "" : t.substring(colon + 1);
        switch (prefix) {
            case "idx":
                return new SourceSpec(Kind.IDX, rest, null);
            case "queue":
                return new SourceSpec(Kind.QUEUE, rest, null);
            case "kafka": {
                int slash = rest.indexOf('/');
                int portColon = slash < 0 ? -1 : rest.lastIndexOf(':', slash);
                if (slash > 0 && portColon > 0 && slash < rest.length() - 1) {
                    String port = rest.substring(portColon + 1, slash);
                    if (port.chars().allMatch(Character::isDigit) && !port.isEmpty()) {
                        return new SourceSpec(Kind.KAFKA, rest.substring(0, slash), rest.substring(slash + 1));
                    }
                }
                throw new ConfigurationException("source was '" + text
                        + "' but a Kafka stream is written kafka:HOST:PORT/TOPIC, such as kafka:localhost:9092/examples");
            }
            default:
                throw new ConfigurationException("source was '" + text
                        + "' but allowed forms are idx:DIR, queue:DIR and kafka:HOST:PORT/TOPIC");
        }
    }

    /**
     * @return whether the spec names a dataset ({@code idx:DIR}), whose train split is streamed in
     *     a chosen order and ends, rather than a stream that others append to (a queue, a topic)
     */
    public boolean isDataset() {
        return kind == Kind.IDX;
    }

    /** @return the folder of an {@code idx} or {@code queue} stream */
    public Path path() {
        if (kind == Kind.KAFKA) {
            throw new IllegalStateException("a Kafka stream has no folder");
        }
        return Path.of(location);
    }

    @Override
    public String toString() {
        return kind.prefix() + ":" + location + (topic == null ? "" : "/" + topic);
    }
}
