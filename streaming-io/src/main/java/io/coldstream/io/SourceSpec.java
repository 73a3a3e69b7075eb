package io.coldstream.io;

import io.coldstream.core.ConfigurationException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Where examples come from or go to, as written on the command line ({@code shared/CLI.md}):
 * a dataset ({@code idx:DIR}, {@code cifar100:DIR}, {@code imagefolder:DIR}, or several of them
 * comma-separated for a multi-task stream), {@code queue:DIR} (a Chronicle Queue folder) or
 * {@code kafka:HOST:PORT/TOPIC}. {@link #parseDataset} also takes a bare {@code DIR} as an IDX
 * folder, as {@code --data} does. A folder whose path holds a comma cannot be named in a
 * multi-task list.
 *
 * @param kind the kind of stream
 * @param location the folder for a dataset or a queue; {@code HOST:PORT} for Kafka; for a
 *     multi-task list, its parts' specs joined with commas
 * @param topic the Kafka topic; {@code null} for the other kinds
 */
public record SourceSpec(Kind kind, String location, String topic) {

    /** The forms a dataset spec may take, for messages. */
    static final String DATASET_FORMS = "idx:DIR (or a bare DIR), cifar100:DIR, imagefolder:DIR, or several of"
            + " these comma-separated (A,B,...) for a multi-task dataset";

    /** The kinds of stream. */
    public enum Kind {
        /** An IDX image/label folder, read in a chosen order. */
        IDX("idx"),
        /** A CIFAR-100 binary version folder ({@code train.bin}, {@code test.bin}), read in a chosen order. */
        CIFAR100("cifar100"),
        /** An image folder ({@code train/<class>/*}, {@code val/<class>/*}), read in a chosen order. */
        IMAGEFOLDER("imagefolder"),
        /**
         * Several datasets, one task each, comma-separated: {@link MultiTaskDataset}. Written
         * without a prefix of its own; {@link #prefix()} is {@code "multi-task"}, a name for the
         * kind in metrics and messages.
         */
        MULTI_TASK("multi-task"),
        /** A Chronicle Queue folder: the embedded durable log. */
        QUEUE("queue"),
        /** A Kafka topic. */
        KAFKA("kafka");

        private final String prefix;

        Kind(String prefix) {
            this.prefix = prefix;
        }

        /** @return the prefix used on the command line; for {@link #MULTI_TASK}, the kind's name */
        public String prefix() {
            return prefix;
        }

        /** @return whether specs of this kind name a dataset (see {@link SourceSpec#isDataset()}) */
        public boolean isDataset() {
            return this != QUEUE && this != KAFKA;
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
     * @param text such as {@code queue:/data/q}, {@code kafka:localhost:9092/examples},
     *     {@code cifar100:/data/cifar-100-binary} or {@code idx:/data/a,cifar100:/data/b}
     * @return the spec
     * @throws ConfigurationException naming the text and the accepted forms
     */
    public static SourceSpec parse(String text) {
        String t = text == null ? "" : text.trim();
        if (t.indexOf(',') >= 0) {
            return multiTask(text, t, false);
        }
        int colon = t.indexOf(':');
        String prefix = colon < 0 ? "" : t.substring(0, colon).toLowerCase(Locale.ROOT);
        String rest = colon < 0 ? "" : t.substring(colon + 1);
        Kind dataset = datasetKind(prefix);
        if (dataset != null) {
            return new SourceSpec(dataset, rest, null);
        }
        switch (prefix) {
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
                throw new ConfigurationException("source was '" + text + "' but allowed forms are idx:DIR,"
                        + " cifar100:DIR, imagefolder:DIR, several datasets comma-separated (A,B,...), queue:DIR"
                        + " and kafka:HOST:PORT/TOPIC");
        }
    }

    /**
     * Reads a dataset spec, as {@code --data} takes it: {@code idx:DIR} or a bare {@code DIR} (an
     * IDX folder), {@code cifar100:DIR}, {@code imagefolder:DIR}, or several of these
     * comma-separated for a multi-task dataset. A bare {@code DIR} is any text without a
     * {@code word:} prefix before its first {@code /}.
     *
     * @param text the spec
     * @return the spec, of a dataset kind ({@link #isDataset()}); a bare {@code DIR} gives an
     *     {@code idx} spec
     * @throws ConfigurationException naming the text and the allowed forms, for a blank text, a
     *     stream that is not a dataset ({@code queue:}, {@code kafka:}), an unknown prefix or an
     *     empty part of a list
     */
    public static SourceSpec parseDataset(String text) {
        String t = text == null ? "" : text.trim();
        if (t.indexOf(',') >= 0) {
            return multiTask(text, t, true);
        }
        if (t.isEmpty()) {
            throw new ConfigurationException("data was '" + (text == null ? "" : text) + "' but a dataset is "
                    + DATASET_FORMS);
        }
        String prefix = prefixOf(t);
        if (prefix == null) {
            return new SourceSpec(Kind.IDX, t, null);
        }
        Kind kind = datasetKind(prefix.toLowerCase(Locale.ROOT));
        if (kind == null) {
            throw new ConfigurationException("data was '" + text + "' but '" + prefix + ":' names no dataset kind;"
                    + " a dataset is " + DATASET_FORMS);
        }
        return new SourceSpec(kind, t.substring(prefix.length() + 1), null);
    }

    /** The word of a leading {@code word:} (letters, digits, '-', '_'; two or more), else {@code null}. */
    private static String prefixOf(String t) {
        int colon = t.indexOf(':');
        if (colon <= 1) {
            return null; // none, or a drive letter such as C:
        }
        for (int i = 0; i < colon; i++) {
            char c = t.charAt(i);
            if (!(Character.isLetterOrDigit(c) || c == '-' || c == '_')) {
                return null;
            }
        }
        return t.substring(0, colon);
    }

    private static Kind datasetKind(String lowerPrefix) {
        for (Kind kind : Kind.values()) {
            if (kind.isDataset() && kind != Kind.MULTI_TASK && kind.prefix().equals(lowerPrefix)) {
                return kind;
            }
        }
        return null;
    }

    private static SourceSpec multiTask(String text, String trimmed, boolean bareAllowed) {
        List<String> parts = new ArrayList<>();
        for (String part : trimmed.split(",", -1)) {
            if (part.isBlank()) {
                throw new ConfigurationException((bareAllowed ? "data" : "source") + " was '" + text
                        + "' but a multi-task list has an empty part; write each dataset as " + DATASET_FORMS);
            }
            SourceSpec spec;
            if (bareAllowed) {
                spec = parseDataset(part);
            } else {
                spec = parse(part);
                if (!spec.isDataset()) {
                    throw new ConfigurationException("source was '" + text + "' but a multi-task list holds datasets"
                            + " only, and '" + part.trim() + "' is a " + spec.kind().prefix() + " stream; write each"
                            + " part as idx:DIR, cifar100:DIR or imagefolder:DIR");
                }
            }
            parts.add(spec.toString());
        }
        return new SourceSpec(Kind.MULTI_TASK, String.join(",", parts), null);
    }

    /**
     * @return whether the spec names a dataset ({@code idx:DIR}, {@code cifar100:DIR},
     *     {@code imagefolder:DIR} or a multi-task list of them), whose train split is streamed in a
     *     chosen order and ends, rather than a stream that others append to (a queue, a topic)
     */
    public boolean isDataset() {
        return kind.isDataset();
    }

    /**
     * @return the tasks of a multi-task list, in order; this spec alone for any other kind
     */
    public List<SourceSpec> parts() {
        if (kind != Kind.MULTI_TASK) {
            return List.of(this);
        }
        List<SourceSpec> parts = new ArrayList<>();
        for (String part : location.split(",")) {
            parts.add(parse(part));
        }
        return List.copyOf(parts);
    }

    /** @return the folder of a dataset (other than a multi-task list) or a queue */
    public Path path() {
        if (kind == Kind.KAFKA) {
            throw new IllegalStateException("a Kafka stream has no folder");
        }
        if (kind == Kind.MULTI_TASK) {
            throw new IllegalStateException("a multi-task list has a folder per task: see parts()");
        }
        return Path.of(location);
    }

    /** @return the spec as written on the command line; a multi-task list as its parts' specs, comma-separated */
    @Override
    public String toString() {
        if (kind == Kind.MULTI_TASK) {
            return location;
        }
        return kind.prefix() + ":" + location + (topic == null ? "" : "/" + topic);
    }
}
