package io.coldstream.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.coldstream.core.ColdstreamException;
import io.coldstream.core.DataException;
import io.coldstream.eval.internal.JsonFields;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One line of a run's metrics log, {@code <out>/metrics.jsonl}: the one definition of that format,
 * which the trainer appends to while it trains ({@link #appendTo(Path)}) and {@code coldstream report}
 * reads ({@link #readLines(Path)}). Each line is one compact JSON object, UTF-8, with these keys in this
 * order: {@code kind}, {@code time}, {@code elapsedSeconds}, {@code examplesSeen},
 * {@code examplesPerSecond}, {@code loss}, {@code meanLoss}, {@code prequentialAccuracy},
 * {@code windowAccuracy}, {@code holdoutAccuracy}, {@code replay} ({@code entries}, {@code capacity},
 * {@code bytes}, {@code budgetBytes}, {@code evictions}, {@code classCounts}), {@code stepMillis}
 * ({@code mean}, {@code p50}, {@code p95}, {@code p99}, {@code max}), {@code snapshotVersion},
 * {@code badRecords}, {@code jvmHeapUsedBytes}, {@code residentBytes}.
 *
 * <p>A figure that is not recorded is {@code NaN} for a number, {@code -1} for a count and {@code null}
 * for an object, a time or text; it is written as JSON {@code null}, and a {@code null} or absent key
 * reads back as "not recorded". Reading is forward compatible: keys this version does not know are
 * ignored, and so are lines whose {@code kind} is not {@code interval}, {@code holdout} or {@code final}.
 *
 * <p>Immutable and thread-safe; {@link Writer} is not.
 *
 * @param kind why the line was written
 * @param time when it was written, or {@code null}
 * @param elapsedSeconds seconds since the run (or this resumed part of it) started, or {@code NaN}
 * @param examplesSeen stream examples trained on so far, {@code >= 0}
 * @param examplesPerSecond training rate over the interval since the previous interval line, or {@code NaN}
 * @param loss the last mini-batch loss, or {@code NaN}
 * @param meanLoss mean mini-batch loss over the interval, or {@code NaN}
 * @param prequentialAccuracy test-then-train accuracy so far, in [0, 1], or {@code NaN}
 * @param windowAccuracy test-then-train accuracy over the recent window, or {@code NaN}
 * @param holdoutAccuracy this evaluation's accuracy on a holdout line (the whole test split's on the final
 *     line), the latest one otherwise, or {@code NaN}
 * @param replay the replay buffer, or {@code null}
 * @param stepMillis training step times, or {@code null} when no step was timed yet
 * @param snapshotVersion the latest published snapshot ({@code v000003}), or {@code null}
 * @param badRecords malformed stream records skipped so far, or {@code -1}
 * @param jvmHeapUsedBytes JVM heap in use, in bytes, or {@code -1}
 * @param residentBytes the trainer process's resident memory (heap, native buffers of both engines and
 *     the JVM's own), in bytes, or {@code -1}; lines from before 0.1 carried {@code offHeapBytes}, what
 *     JavaCPP tracked, which ND4J 1.0.0-M2.1 on CPU and libtorch bypass, so it is no longer read
 * @param holdoutClassAccuracy on a holdout or final line, this evaluation's accuracy per class,
 *     indexed by class ({@code NaN} for a class the holdout does not hold); empty otherwise, and then
 *     the key {@code holdoutClassAccuracy} is left out of the line
 */
public record MetricsRecord(Kind kind, Instant time, double elapsedSeconds, long examplesSeen,
        double examplesPerSecond, double loss, double meanLoss, double prequentialAccuracy, double windowAccuracy,
        double holdoutAccuracy, Replay replay, StepMillis stepMillis, String snapshotVersion, long badRecords,
        long jvmHeapUsedBytes, long residentBytes, List<Double> holdoutClassAccuracy) {

    /** The file name inside a run's output folder. */
    public static final String FILE_NAME = "metrics.jsonl";

    private static final ObjectMapper READER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final ObjectMapper WRITER = new ObjectMapper();

    /** Why the trainer wrote a line. */
    public enum Kind {
        /** Every {@code metrics.every} examples. */
        INTERVAL("interval"),
        /** Right after a holdout evaluation. */
        HOLDOUT("holdout"),
        /** Once, at the end of the run. */
        FINAL("final");

        private final String jsonName;

        Kind(String jsonName) {
            this.jsonName = jsonName;
        }

        /** @return the value of {@code kind} in the file: {@code interval}, {@code holdout} or {@code final} */
        public String jsonName() {
            return jsonName;
        }
    }

    /**
     * The replay buffer at the time of a line.
     *
     * @param entries entries stored, or {@code -1}
     * @param capacity entries the budget holds, or {@code -1}
     * @param bytes bytes used, or {@code -1}
     * @param budgetBytes the byte budget, or {@code -1}
     * @param evictions entries evicted so far, or {@code -1}
     * @param classCounts entries per class, indexed by class; empty when not recorded
     */
    public record Replay(long entries, long capacity, long bytes, long budgetBytes, long evictions,
            List<Integer> classCounts) {

        /** Rejects a count below {@code -1}; copies the list. */
        public Replay {
            checkCount("replay.entries", entries);
            checkCount("replay.capacity", capacity);
            checkCount("replay.bytes", bytes);
            checkCount("replay.budgetBytes", budgetBytes);
            checkCount("replay.evictions", evictions);
            classCounts = List.copyOf(Objects.requireNonNull(classCounts, "classCounts"));
        }
    }

    /**
     * Training step times (predict, replay sample, augment, fit, offer) since the run started, in
     * milliseconds; each is {@code NaN} when not recorded.
     *
     * @param mean mean step time
     * @param p50 median step time
     * @param p95 95th percentile step time
     * @param p99 99th percentile step time
     * @param max longest step time
     */
    public record StepMillis(double mean, double p50, double p95, double p99, double max) {
    }

    /**
     * A line as read, with its place in the file.
     *
     * @param number the 1-based line number in the file
     * @param record what the line holds
     */
    public record Line(int number, MetricsRecord record) {

        /** Rejects a line number below 1 and a missing record. */
        public Line {
            if (number < 1) {
                throw new IllegalArgumentException("line number was " + number + " but must be >= 1");
            }
            Objects.requireNonNull(record, "record");
        }
    }

    /** Rejects a missing kind, a negative example count and a count below {@code -1}. */
    public MetricsRecord {
        Objects.requireNonNull(kind, "kind");
        if (examplesSeen < 0) {
            throw new IllegalArgumentException("examplesSeen was " + examplesSeen + " but must be >= 0");
        }
        checkCount("badRecords", badRecords);
        checkCount("jvmHeapUsedBytes", jvmHeapUsedBytes);
        checkCount("residentBytes", residentBytes);
        holdoutClassAccuracy = List.copyOf(Objects.requireNonNull(holdoutClassAccuracy, "holdoutClassAccuracy"));
    }

    /**
     * A line without per-class holdout accuracy (an interval line, or a holdout line that has none).
     *
     * @see #MetricsRecord(Kind, Instant, double, long, double, double, double, double, double, double, Replay,
     *     StepMillis, String, long, long, long, List)
     */
    public MetricsRecord(Kind kind, Instant time, double elapsedSeconds, long examplesSeen,
            double examplesPerSecond, double loss, double meanLoss, double prequentialAccuracy, double windowAccuracy,
            double holdoutAccuracy, Replay replay, StepMillis stepMillis, String snapshotVersion, long badRecords,
            long jvmHeapUsedBytes, long residentBytes) {
        this(kind, time, elapsedSeconds, examplesSeen, examplesPerSecond, loss, meanLoss, prequentialAccuracy,
                windowAccuracy, holdoutAccuracy, replay, stepMillis, snapshotVersion, badRecords, jvmHeapUsedBytes,
                residentBytes, List.of());
    }

    private static void checkCount(String name, long value) {
        if (value < -1) {
            throw new IllegalArgumentException(name + " was " + value + " but must be >= 0, or -1 when not recorded");
        }
    }

    /** @return whether the line reports training progress (an interval or the final line) */
    public boolean isProgress() {
        return kind != Kind.HOLDOUT;
    }

    /**
     * @return the line's JSON text, without the line break: compact, keys in the order the class comment
     *     lists them, numbers as Java's {@code Double.toString} and {@code Long.toString} write them
     */
    public String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", kind.jsonName());
        m.put("time", time == null ? null : time.toString());
        m.put("elapsedSeconds", finite(elapsedSeconds));
        m.put("examplesSeen", examplesSeen);
        m.put("examplesPerSecond", finite(examplesPerSecond));
        m.put("loss", finite(loss));
        m.put("meanLoss", finite(meanLoss));
        m.put("prequentialAccuracy", finite(prequentialAccuracy));
        m.put("windowAccuracy", finite(windowAccuracy));
        m.put("holdoutAccuracy", finite(holdoutAccuracy));
        if (replay == null) {
            m.put("replay", null);
        } else {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("entries", count(replay.entries()));
            r.put("capacity", count(replay.capacity()));
            r.put("bytes", count(replay.bytes()));
            r.put("budgetBytes", count(replay.budgetBytes()));
            r.put("evictions", count(replay.evictions()));
            r.put("classCounts", replay.classCounts());
            m.put("replay", r);
        }
        if (stepMillis == null) {
            m.put("stepMillis", null);
        } else {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("mean", finite(stepMillis.mean()));
            t.put("p50", finite(stepMillis.p50()));
            t.put("p95", finite(stepMillis.p95()));
            t.put("p99", finite(stepMillis.p99()));
            t.put("max", finite(stepMillis.max()));
            m.put("stepMillis", t);
        }
        m.put("snapshotVersion", snapshotVersion);
        m.put("badRecords", count(badRecords));
        m.put("jvmHeapUsedBytes", count(jvmHeapUsedBytes));
        m.put("residentBytes", count(residentBytes));
        if (!holdoutClassAccuracy.isEmpty()) {
            List<Double> perClass = new ArrayList<>(holdoutClassAccuracy.size());
            holdoutClassAccuracy.forEach(a -> perClass.add(finite(a)));
            m.put("holdoutClassAccuracy", perClass);
        }
        try {
            return WRITER.writeValueAsString(m);
        } catch (JsonProcessingException e) {
            // Strings, numbers, lists and maps only: this cannot happen.
            throw new ColdstreamException("could not write a metrics line as JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    private static Long count(long v) {
        return v < 0 ? null : v;
    }

    /**
     * Opens a metrics log for appending. A last line cut short by a crash is removed first, so that a
     * resumed run's log stays one JSON object per line.
     *
     * @param file the file, normally {@code <out>/metrics.jsonl}; created if missing, its folder must exist
     * @return the writer; close it when the run ends
     * @throws ColdstreamException when the file cannot be opened
     */
    public static Writer appendTo(Path file) {
        return new Writer(file);
    }

    /**
     * Appends lines to a metrics log, each flushed as written, so that a crashed run keeps everything up
     * to its last line. Not thread-safe: one thread (the trainer's) appends.
     */
    public static final class Writer implements AutoCloseable {

        private final Path file;
        private final BufferedWriter writer;

        private Writer(Path file) {
            this.file = file;
            try {
                dropTruncatedLastLine(file);
                this.writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new ColdstreamException("could not open the metrics log " + file + ": " + e.getMessage(), e);
            }
        }

        private static void dropTruncatedLastLine(Path file) throws IOException {
            if (!Files.exists(file)) {
                return;
            }
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                long size = channel.size();
                long keep = size;
                ByteBuffer one = ByteBuffer.allocate(1);
                while (keep > 0) {
                    one.clear();
                    channel.read(one, keep - 1);
                    if (one.get(0) == '\n') {
                        break;
                    }
                    keep--;
                }
                if (keep < size) {
                    channel.truncate(keep);
                }
            }
        }

        /**
         * Appends one line ({@link MetricsRecord#toJson()} and a line break) and flushes it.
         *
         * @param record the line
         * @throws ColdstreamException when the write fails
         */
        public void append(MetricsRecord record) {
            try {
                writer.write(record.toJson());
                writer.write('\n');
                writer.flush();
            } catch (IOException e) {
                throw new ColdstreamException("could not write the metrics log " + file + ": " + e.getMessage(), e);
            }
        }

        /** @throws ColdstreamException when closing the file fails */
        @Override
        public void close() {
            try {
                writer.close();
            } catch (IOException e) {
                throw new ColdstreamException("could not close the metrics log " + file + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * Reads a metrics log: one JSON object per line, UTF-8; blank lines are skipped, and so are lines of a
     * kind this version does not know.
     *
     * @param file the file, normally {@code <out>/metrics.jsonl}
     * @return the lines of a known kind, with their line numbers, in file order; empty when every line has
     *     an unknown kind
     * @throws DataException when the file is missing, unreadable or has no line, or when a line is
     *     malformed (the message names the file, the line number, the key and what it must be)
     */
    public static List<Line> readLines(Path file) {
        List<Line> lines = new ArrayList<>();
        int objects = 0;
        int number = 0;
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String text = reader.readLine(); text != null; text = reader.readLine()) {
                number++;
                if (text.isBlank()) {
                    continue;
                }
                objects++;
                MetricsRecord record = parse(new JsonFields(file + " line " + number), text);
                if (record != null) {
                    lines.add(new Line(number, record));
                }
            }
        } catch (NoSuchFileException e) {
            Path runDir = file.getParent() == null ? Path.of(".") : file.getParent();
            throw new DataException(file + " does not exist; a training run (coldstream train --out " + runDir
                    + ") writes it while it trains", e);
        } catch (CharacterCodingException e) {
            throw new DataException(file + " is not UTF-8 text at or after line " + (number + 1) + " (" + e
                    + "); the trainer writes it as UTF-8 JSON lines", e);
        } catch (IOException e) {
            throw new DataException("could not read " + file + ": " + e.getMessage(), e);
        }
        if (objects == 0) {
            throw new DataException(file + " is empty; a training run writes one JSON object per metrics interval"
                    + " into it, so a report needs at least one line");
        }
        return lines;
    }

    /**
     * {@link #readLines(Path)} without the line numbers.
     *
     * @param file the file, normally {@code <out>/metrics.jsonl}
     * @return the lines of a known kind, in file order
     * @throws DataException as {@link #readLines(Path)} does
     */
    public static List<MetricsRecord> read(Path file) {
        return readLines(file).stream().map(Line::record).toList();
    }

    /** @return the line, or {@code null} when its kind is not one this version knows */
    private static MetricsRecord parse(JsonFields f, String text) {
        JsonNode node;
        try {
            node = READER.readTree(text);
        } catch (JsonProcessingException e) {
            throw f.malformed("it is not valid JSON (" + e.getOriginalMessage() + ")", e);
        }
        if (node == null || !node.isObject()) {
            throw f.malformed("it is " + JsonFields.describe(node) + " but must be a JSON object");
        }
        JsonNode kindNode = node.get("kind");
        if (kindNode == null || !kindNode.isTextual()) {
            throw f.bad("\"kind\"", kindNode, "\"interval\", \"holdout\" or \"final\"");
        }
        Kind kind = null;
        for (Kind k : Kind.values()) {
            if (k.jsonName().equals(kindNode.textValue())) {
                kind = k;
            }
        }
        if (kind == null) {
            return null;
        }
        long examplesSeen = f.count(node, "examplesSeen");
        if (examplesSeen < 0) {
            throw f.bad("\"examplesSeen\"", node.get("examplesSeen"), "an integer >= 0");
        }
        JsonNode replay = f.object(node, "replay");
        JsonNode step = f.object(node, "stepMillis");
        return new MetricsRecord(kind, time(f, node), f.number(node, "elapsedSeconds"), examplesSeen,
                f.number(node, "examplesPerSecond"), f.number(node, "loss"), f.number(node, "meanLoss"),
                f.number(node, "prequentialAccuracy"), f.number(node, "windowAccuracy"),
                f.number(node, "holdoutAccuracy"),
                replay == null ? null : new Replay(f.count(replay, "entries"), f.count(replay, "capacity"),
                        f.count(replay, "bytes"), f.count(replay, "budgetBytes"), f.count(replay, "evictions"),
                        f.counts(replay, "classCounts", "replay.classCounts")),
                step == null ? null : new StepMillis(f.number(step, "mean"), f.number(step, "p50"),
                        f.number(step, "p95"), f.number(step, "p99"), f.number(step, "max")),
                f.text(node, "snapshotVersion"), f.count(node, "badRecords"), f.count(node, "jvmHeapUsedBytes"),
                f.count(node, "residentBytes"), classAccuracy(f, node));
    }

    private static List<Double> classAccuracy(JsonFields f, JsonNode node) {
        JsonNode a = node.get("holdoutClassAccuracy");
        if (a == null || a.isNull()) {
            return List.of();
        }
        if (!a.isArray()) {
            throw f.bad("\"holdoutClassAccuracy\"", a, "a list of accuracies in [0, 1] or null");
        }
        List<Double> values = new ArrayList<>(a.size());
        for (JsonNode v : a) {
            if (v.isNull()) {
                values.add(Double.NaN);
            } else if (v.isNumber() && v.doubleValue() >= 0 && v.doubleValue() <= 1) {
                values.add(v.doubleValue());
            } else {
                throw f.bad("\"holdoutClassAccuracy\"", a, "a list of accuracies in [0, 1] or null");
            }
        }
        return values;
    }

    private static Instant time(JsonFields f, JsonNode node) {
        String text = f.text(node, "time");
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw f.bad("\"time\"", node.get("time"), "an ISO-8601 instant such as 2025-01-01T00:00:00Z, or null");
        }
    }
}
