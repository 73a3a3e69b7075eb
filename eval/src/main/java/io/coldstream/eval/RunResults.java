package io.coldstream.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.coldstream.core.AtomicFiles;
import io.coldstream.core.ColdstreamException;
import io.coldstream.core.DataException;
import io.coldstream.eval.internal.JsonFields;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The outcome of a training run: the one definition of {@code <out>/results.json}, which the trainer
 * writes at the end of a run and {@code coldstream report} reads. The file is one indented JSON object
 * whose keys, in this order, are {@code examplesSeen}, {@code prequentialAccuracy}, {@code holdout}
 * (a list of {@code {examplesSeen, accuracy}}), {@code finalAccuracy}, {@code stepsPerSecond},
 * {@code wallSeconds}, {@code replay} ({@code entries}, {@code bytes}, {@code budgetBytes},
 * {@code evictions}, {@code classCounts}, and when recorded {@code codec}, {@code payloadBytes},
 * {@code bookkeepingBytes}, {@code fixedBytes}, {@code meanBytesPerEntry}), {@code badRecords}, {@code parameterCount},
 * {@code latestSnapshot}, {@code backend}, {@code threads}, {@code complete}, {@code resumed},
 * {@code configuration}, {@code badRecordReasons}, {@code skippedSteps} and {@code acceptedLosses}.
 *
 * <p>A figure that is not recorded is {@code NaN} for a number, {@code -1} for a count and
 * {@code null} for text; it is written as JSON {@code null}, and a {@code null} or absent key reads
 * back as "not recorded". An absent {@code complete} reads as {@code true} and an absent
 * {@code resumed} as {@code false}: files older than those keys come from runs that could neither stop
 * early nor resume.
 *
 * <p>Immutable and thread-safe.
 *
 * @param examplesSeen stream examples trained on, or {@code -1}
 * @param prequentialAccuracy test-then-train accuracy over the whole stream, in [0, 1], or {@code NaN}
 * @param holdout periodic holdout evaluations, in order
 * @param finalAccuracy accuracy on the whole test split after the last example, or {@code NaN}
 * @param stepsPerSecond training steps per second, not counting holdout evaluations, or {@code NaN}
 * @param wallSeconds the run's wall time in seconds, evaluations included, or {@code NaN}
 * @param replayEntries entries in the replay buffer at the end, or {@code -1}
 * @param replayBytes bytes the replay buffer used at the end, or {@code -1}
 * @param replayBudgetBytes the replay buffer's budget in bytes, or {@code -1}
 * @param replayEvictions entries evicted over the run, or {@code -1}
 * @param replayClassCounts entries per class at the end, indexed by class; empty when not recorded
 * @param badRecords malformed stream records skipped, or {@code -1}
 * @param parameterCount trainable parameters of the network, or {@code -1}
 * @param latestSnapshot the newest snapshot's version ({@code v000003}), or {@code null}
 * @param backend the ND4J backend summary line, or {@code null}
 * @param threads ND4J threads used (bit-identical results need the same count), or {@code -1}
 * @param configuration the effective configuration, grouped as {@code replay: {budget, k, policy}}: plain
 *     JSON values only (strings, numbers, booleans, {@code null}, lists and maps of them with string keys)
 * @param complete {@code false} when the run was stopped before its stream ended (SIGTERM); it resumes
 *     from its final checkpoint when run again with the same {@code --out}
 * @param resumed whether the run resumed from a checkpoint
 * @param badRecordReasons malformed records skipped over the whole run (resumes included), by reason
 *     ({@code bad-magic}, ...); empty when none or not recorded
 * @param skippedSteps steps whose update was not applied (a non-finite loss), by reason; empty when none
 * @param acceptedLosses stream records known to be lost and accepted on resume (one line each, such as
 *     Kafka records deleted by retention before they were trained on, with the flag that accepted them);
 *     empty when none
 * @param replayStorage how the replay buffer stores its entries and where its bytes go, or {@code null}
 *     when not recorded (files written before it)
 */
public record RunResults(long examplesSeen, double prequentialAccuracy, List<HoldoutPoint> holdout,
        double finalAccuracy, double stepsPerSecond, double wallSeconds, int replayEntries, long replayBytes,
        long replayBudgetBytes, long replayEvictions, List<Integer> replayClassCounts, long badRecords,
        long parameterCount, String latestSnapshot, String backend, int threads, Map<String, Object> configuration,
        boolean complete, boolean resumed, Map<String, Long> badRecordReasons, Map<String, Long> skippedSteps,
        List<String> acceptedLosses, ReplayStorage replayStorage) {

    /**
     * Where the replay buffer's bytes go at the end of a run.
     *
     * @param codec the codec's name ({@code raw}, {@code quantized}, ...)
     * @param payloadBytes the entries' stored payloads, off the heap
     * @param bookkeepingBytes the entries' bookkeeping (labels, sampling order, class lists)
     * @param fixedBytes what the buffer allocates besides its entries (per-class arrays, chunks,
     *     the change bit set, object headers), counted in the budget
     * @param meanBytesPerEntry payload and bookkeeping bytes per entry held, or {@code NaN} when empty
     */
    public record ReplayStorage(String codec, long payloadBytes, long bookkeepingBytes, long fixedBytes,
            double meanBytesPerEntry) {

        /** @throws NullPointerException if the codec is {@code null} */
        public ReplayStorage {
            Objects.requireNonNull(codec, "codec");
        }
    }

    /** The file name inside a run's output folder. */
    public static final String FILE_NAME = "results.json";

    private static final ObjectMapper READER = new ObjectMapper();
    private static final ObjectMapper WRITER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * Copies the lists and the configuration (deeply, keeping its order; integers narrower than
     * {@code long} are held as {@code Long}, so that a file read back equals the value that wrote it).
     *
     * @throws IllegalArgumentException when a count is below {@code -1} or the configuration holds a value
     *     that is not plain JSON
     * @throws NullPointerException when a list, a class count or the configuration is {@code null}
     */
    public RunResults {
        holdout = List.copyOf(Objects.requireNonNull(holdout, "holdout"));
        replayClassCounts = List.copyOf(Objects.requireNonNull(replayClassCounts, "replayClassCounts"));
        checkCount("examplesSeen", examplesSeen);
        checkCount("replayEntries", replayEntries);
        checkCount("replayBytes", replayBytes);
        checkCount("replayBudgetBytes", replayBudgetBytes);
        checkCount("replayEvictions", replayEvictions);
        checkCount("badRecords", badRecords);
        checkCount("parameterCount", parameterCount);
        checkCount("threads", threads);
        Objects.requireNonNull(configuration, "configuration");
        Map<String, Object> copy = new LinkedHashMap<>();
        configuration.forEach((key, value) -> copy.put(key, plain(key, value)));
        configuration = Collections.unmodifiableMap(copy);
        badRecordReasons = counts("badRecordReasons", badRecordReasons);
        skippedSteps = counts("skippedSteps", skippedSteps);
        acceptedLosses = List.copyOf(Objects.requireNonNull(acceptedLosses, "acceptedLosses"));
    }

    /** Results of a run that recorded no replay storage. */
    public RunResults(long examplesSeen, double prequentialAccuracy, List<HoldoutPoint> holdout,
            double finalAccuracy, double stepsPerSecond, double wallSeconds, int replayEntries, long replayBytes,
            long replayBudgetBytes, long replayEvictions, List<Integer> replayClassCounts, long badRecords,
            long parameterCount, String latestSnapshot, String backend, int threads, Map<String, Object> configuration,
            boolean complete, boolean resumed, Map<String, Long> badRecordReasons, Map<String, Long> skippedSteps,
            List<String> acceptedLosses) {
        this(examplesSeen, prequentialAccuracy, holdout, finalAccuracy, stepsPerSecond, wallSeconds, replayEntries,
                replayBytes, replayBudgetBytes, replayEvictions, replayClassCounts, badRecords, parameterCount,
                latestSnapshot, backend, threads, configuration, complete, resumed, badRecordReasons, skippedSteps,
                acceptedLosses, null);
    }

    /** Results of a run that recorded no reasons, skipped steps or accepted losses. */
    public RunResults(long examplesSeen, double prequentialAccuracy, List<HoldoutPoint> holdout,
            double finalAccuracy, double stepsPerSecond, double wallSeconds, int replayEntries, long replayBytes,
            long replayBudgetBytes, long replayEvictions, List<Integer> replayClassCounts, long badRecords,
            long parameterCount, String latestSnapshot, String backend, int threads,
            Map<String, Object> configuration, boolean complete, boolean resumed) {
        this(examplesSeen, prequentialAccuracy, holdout, finalAccuracy, stepsPerSecond, wallSeconds, replayEntries,
                replayBytes, replayBudgetBytes, replayEvictions, replayClassCounts, badRecords, parameterCount,
                latestSnapshot, backend, threads, configuration, complete, resumed, Map.of(), Map.of(), List.of());
    }

    private static Map<String, Long> counts(String name, Map<String, Long> counts) {
        Objects.requireNonNull(counts, name);
        Map<String, Long> copy = new java.util.TreeMap<>();
        counts.forEach((k, v) -> {
            if (v == null || v < 0) {
                throw new IllegalArgumentException(name + "." + k + " was " + v + " but must be >= 0");
            }
            copy.put(Objects.requireNonNull(k, name + " key"), v);
        });
        return Collections.unmodifiableMap(copy);
    }

    private static void checkCount(String name, long value) {
        if (value < -1) {
            throw new IllegalArgumentException(name + " was " + value + " but must be >= 0, or -1 when not recorded");
        }
    }

    /** @return an unmodifiable copy of a plain JSON value, integers widened to {@code Long} */
    private static Object plain(String path, Object value) {
        if (value == null || value instanceof String || value instanceof Boolean || value instanceof Long
                || value instanceof Double || value instanceof BigInteger) {
            return value;
        }
        if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof Number) {
            return value;
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                if (!(entry.getKey() instanceof String key)) {
                    throw new IllegalArgumentException("configuration key " + entry.getKey() + " under '" + path
                            + "' was a " + (entry.getKey() == null ? "null" : entry.getKey().getClass().getName())
                            + " but must be a string");
                }
                copy.put(key, plain(path + "." + key, entry.getValue()));
            }
            return Collections.unmodifiableMap(copy);
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            for (int i = 0; i < list.size(); i++) {
                copy.add(plain(path + "[" + i + "]", list.get(i)));
            }
            return Collections.unmodifiableList(copy);
        }
        throw new IllegalArgumentException("configuration value '" + path + "' was a " + value.getClass().getName()
                + " (" + value + ") but must be a string, number, boolean, null, or a list or map of those");
    }

    /**
     * @return the text of {@code results.json}: one JSON object indented by two spaces, as the class
     *     comment lists it, followed by a newline; numbers as Java's {@code Double.toString} and
     *     {@code Long.toString} write them
     */
    public String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("examplesSeen", count(examplesSeen));
        m.put("prequentialAccuracy", finite(prequentialAccuracy));
        m.put("holdout", holdout.stream().map(h -> {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("examplesSeen", h.examplesSeen());
            p.put("accuracy", finite(h.accuracy()));
            return p;
        }).toList());
        m.put("finalAccuracy", finite(finalAccuracy));
        m.put("stepsPerSecond", finite(stepsPerSecond));
        m.put("wallSeconds", finite(wallSeconds));
        Map<String, Object> replay = new LinkedHashMap<>();
        replay.put("entries", count(replayEntries));
        replay.put("bytes", count(replayBytes));
        replay.put("budgetBytes", count(replayBudgetBytes));
        replay.put("evictions", count(replayEvictions));
        replay.put("classCounts", replayClassCounts);
        if (replayStorage != null) {
            replay.put("codec", replayStorage.codec());
            replay.put("payloadBytes", count(replayStorage.payloadBytes()));
            replay.put("bookkeepingBytes", count(replayStorage.bookkeepingBytes()));
            replay.put("fixedBytes", count(replayStorage.fixedBytes()));
            replay.put("meanBytesPerEntry", finite(replayStorage.meanBytesPerEntry()));
        }
        m.put("replay", replay);
        m.put("badRecords", count(badRecords));
        m.put("parameterCount", count(parameterCount));
        m.put("latestSnapshot", latestSnapshot);
        m.put("backend", backend);
        m.put("threads", count(threads));
        m.put("complete", complete);
        m.put("resumed", resumed);
        m.put("configuration", configuration);
        m.put("badRecordReasons", badRecordReasons);
        m.put("skippedSteps", skippedSteps);
        m.put("acceptedLosses", acceptedLosses);
        try {
            return WRITER.writeValueAsString(m) + "\n";
        } catch (JsonProcessingException e) {
            // The configuration holds plain JSON values only (checked when built), so this cannot happen.
            throw new ColdstreamException("could not write the run's results as JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    private static Long count(long v) {
        return v < 0 ? null : v;
    }

    /**
     * Writes {@link #toJson()} so that a reader sees either the old file or the whole new one: a
     * temporary sibling ({@code .results.json.tmp}) is written, fsynced and renamed over the target, then
     * the folder is fsynced.
     *
     * @param file the file to write, normally {@code <out>/results.json}; its folder must exist
     * @throws ColdstreamException when a step fails; the file is then unchanged
     */
    public void write(Path file) {
        try {
            AtomicFiles.writeAtomically(file, toJson());
        } catch (IOException e) {
            throw new ColdstreamException("could not write " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads a {@code results.json}. Keys this version does not know are ignored.
     *
     * @param file the file
     * @return its results
     * @throws DataException when the file is missing or unreadable, is not a JSON object, or a key has the
     *     wrong type (the message names the file, the key, the value and what it must be)
     */
    public static RunResults read(Path file) {
        JsonNode root;
        try {
            root = READER.readTree(Files.readString(file, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new DataException(file + " is malformed: it is not valid JSON (" + e.getOriginalMessage()
                    + "); delete it to build the report from metrics.jsonl alone", e);
        } catch (NoSuchFileException e) {
            throw new DataException(file + " does not exist; a training run writes it when it ends", e);
        } catch (IOException e) {
            throw new DataException("could not read " + file + ": " + e.getMessage(), e);
        }
        JsonFields f = new JsonFields(file.toString());
        if (root == null || !root.isObject()) {
            throw f.bad("the file", root, "a JSON object");
        }
        JsonNode replay = f.object(root, "replay");
        JsonNode configuration = f.object(root, "configuration");
        Map<String, Object> config = new LinkedHashMap<>();
        if (configuration != null) {
            configuration.properties().forEach(p -> config.put(p.getKey(), plain(p.getValue())));
        }
        return new RunResults(f.count(root, "examplesSeen"), f.number(root, "prequentialAccuracy"),
                holdout(f, root), f.number(root, "finalAccuracy"), f.number(root, "stepsPerSecond"),
                f.number(root, "wallSeconds"), f.intCount(replay, "entries"), f.count(replay, "bytes"),
                f.count(replay, "budgetBytes"), f.count(replay, "evictions"),
                f.counts(replay, "classCounts", "replay.classCounts"), f.count(root, "badRecords"),
                f.count(root, "parameterCount"), f.text(root, "latestSnapshot"), f.text(root, "backend"),
                f.intCount(root, "threads"), config, f.bool(root, "complete", true), f.bool(root, "resumed", false),
                f.countMap(root, "badRecordReasons", "badRecordReasons"),
                f.countMap(root, "skippedSteps", "skippedSteps"),
                f.texts(root, "acceptedLosses", "acceptedLosses"),
                replay == null || f.text(replay, "codec") == null ? null : new ReplayStorage(f.text(replay, "codec"),
                        f.count(replay, "payloadBytes"), f.count(replay, "bookkeepingBytes"),
                        f.count(replay, "fixedBytes"), f.number(replay, "meanBytesPerEntry")));
    }

    private static List<HoldoutPoint> holdout(JsonFields f, JsonNode root) {
        JsonNode list = root.get("holdout");
        if (list == null || list.isNull()) {
            return List.of();
        }
        if (!list.isArray()) {
            throw f.bad("\"holdout\"", list, "an array of {examplesSeen, accuracy}");
        }
        List<HoldoutPoint> points = new ArrayList<>();
        for (JsonNode entry : list) {
            if (!entry.isObject()) {
                throw f.bad("an entry of \"holdout\"", entry, "an object {examplesSeen, accuracy}");
            }
            long seen = f.count(entry, "examplesSeen");
            double accuracy = f.number(entry, "accuracy");
            if (seen < 0) {
                throw f.bad("\"holdout[].examplesSeen\"", entry.get("examplesSeen"), "an integer >= 0");
            }
            if (accuracy < 0 || accuracy > 1) {
                throw f.bad("\"holdout[].accuracy\"", entry.get("accuracy"), "a number in [0, 1] or null");
            }
            points.add(new HoldoutPoint(seen, accuracy));
        }
        return points;
    }

    /** @return the node as the plain Java value that writes it back the same */
    private static Object plain(JsonNode node) {
        if (node.isNull()) {
            return null;
        }
        if (node.isTextual()) {
            return node.textValue();
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isIntegralNumber()) {
            return node.canConvertToLong() ? (Object) node.longValue() : node.bigIntegerValue();
        }
        if (node.isNumber()) {
            return node.numberValue();
        }
        if (node.isArray()) {
            List<Object> list = new ArrayList<>(node.size());
            node.forEach(element -> list.add(plain(element)));
            return list;
        }
        Map<String, Object> map = new LinkedHashMap<>();
        node.properties().forEach(p -> map.put(p.getKey(), plain(p.getValue())));
        return map;
    }
}
