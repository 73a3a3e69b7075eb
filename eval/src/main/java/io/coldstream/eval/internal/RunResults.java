package io.coldstream.eval.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.coldstream.core.DataException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the report uses of {@code results.json}. A figure the file does not carry (absent or
 * {@code null}) is {@code NaN}, {@code -1} for a count, or {@code null} for text.
 *
 * @param examplesSeen stream examples trained on
 * @param prequentialAccuracy test-then-train accuracy over the whole stream
 * @param holdout the periodic holdout evaluations, in order
 * @param finalAccuracy accuracy on the test split after the last example
 * @param stepsPerSecond training steps per second
 * @param wallSeconds the run's wall time in seconds
 * @param replayEntries replay buffer entries at the end
 * @param replayBytes bytes the replay buffer used at the end
 * @param replayBudgetBytes the replay buffer's budget in bytes
 * @param replayEvictions entries evicted over the run
 * @param badRecords malformed stream records skipped
 * @param parameterCount trainable parameters
 * @param latestSnapshot the newest snapshot's version
 * @param backend the ND4J backend summary
 * @param threads ND4J threads
 * @param configuration the effective configuration flattened to dotted keys, in file order
 */
record RunResults(long examplesSeen, double prequentialAccuracy, List<HoldoutPoint> holdout, double finalAccuracy,
        double stepsPerSecond, double wallSeconds, long replayEntries, long replayBytes, long replayBudgetBytes,
        long replayEvictions, long badRecords, long parameterCount, String latestSnapshot, String backend,
        long threads, Map<String, String> configuration) {

    static final String FILE_NAME = "results.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Copies the collections, keeping the configuration's order. */
    RunResults {
        holdout = List.copyOf(Objects.requireNonNull(holdout, "holdout"));
        configuration = Collections.unmodifiableMap(
                new LinkedHashMap<>(Objects.requireNonNull(configuration, "configuration")));
    }

    /**
     * @param runDir the run folder
     * @return the results, or {@code null} when the run folder has no {@code results.json}
     * @throws DataException when the file exists but is not a JSON object with the expected types
     */
    static RunResults readIfPresent(Path runDir) {
        Path file = runDir.resolve(FILE_NAME);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new DataException(file + " is malformed: it is not valid JSON (" + e.getOriginalMessage()
                    + "); delete it to build the report from metrics.jsonl alone", e);
        } catch (IOException e) {
            throw new DataException("could not read " + file + ": " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw bad(file, "the file", root, "a JSON object");
        }
        JsonNode replay = object(file, root, "replay");
        JsonNode configuration = object(file, root, "configuration");
        Map<String, String> flat = new LinkedHashMap<>();
        if (configuration != null) {
            flatten("", configuration, flat);
        }
        return new RunResults(count(file, root, "examplesSeen"), number(file, root, "prequentialAccuracy"),
                holdout(file, root), number(file, root, "finalAccuracy"), number(file, root, "stepsPerSecond"),
                number(file, root, "wallSeconds"), count(file, replay, "entries"), count(file, replay, "bytes"),
                count(file, replay, "budgetBytes"), count(file, replay, "evictions"), count(file, root, "badRecords"),
                count(file, root, "parameterCount"), text(file, root, "latestSnapshot"),
                text(file, root, "backend"), count(file, root, "threads"), flat);
    }

    private static List<HoldoutPoint> holdout(Path file, JsonNode root) {
        JsonNode list = root.get("holdout");
        if (list == null || list.isNull()) {
            return List.of();
        }
        if (!list.isArray()) {
            throw bad(file, "\"holdout\"", list, "an array of {examplesSeen, accuracy}");
        }
        List<HoldoutPoint> points = new ArrayList<>();
        for (JsonNode entry : list) {
            if (!entry.isObject()) {
                throw bad(file, "an entry of \"holdout\"", entry, "an object {examplesSeen, accuracy}");
            }
            long seen = count(file, entry, "examplesSeen");
            double accuracy = number(file, entry, "accuracy");
            if (seen < 0) {
                throw bad(file, "\"holdout[].examplesSeen\"", entry.get("examplesSeen"), "an integer >= 0");
            }
            if (accuracy < 0 || accuracy > 1) {
                throw bad(file, "\"holdout[].accuracy\"", entry.get("accuracy"), "a number in [0, 1] or null");
            }
            points.add(new HoldoutPoint(seen, accuracy));
        }
        return points;
    }

    /** Writes {@code prefix.key -> value} for every leaf; arrays stay whole, as JSON text. */
    private static void flatten(String prefix, JsonNode node, Map<String, String> out) {
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            String key = prefix + field.getKey();
            JsonNode value = field.getValue();
            if (value.isObject() && !value.isEmpty()) {
                flatten(key + ".", value, out);
            } else if (value.isValueNode()) {
                out.put(key, value.asText());
            } else {
                out.put(key, value.toString());
            }
        }
    }

    private static JsonNode object(Path file, JsonNode parent, String key) {
        JsonNode value = parent.get(key);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isObject()) {
            throw bad(file, "\"" + key + "\"", value, "a JSON object or null");
        }
        return value;
    }

    private static double number(Path file, JsonNode parent, String key) {
        JsonNode value = parent == null ? null : parent.get(key);
        if (value == null || value.isNull()) {
            return Double.NaN;
        }
        if (!value.isNumber()) {
            throw bad(file, "\"" + key + "\"", value, "a number or null");
        }
        return value.doubleValue();
    }

    private static long count(Path file, JsonNode parent, String key) {
        JsonNode value = parent == null ? null : parent.get(key);
        if (value == null || value.isNull()) {
            return -1;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < 0) {
            throw bad(file, "\"" + key + "\"", value, "an integer >= 0 or null");
        }
        return value.longValue();
    }

    private static String text(Path file, JsonNode parent, String key) {
        JsonNode value = parent.get(key);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw bad(file, "\"" + key + "\"", value, "a string or null");
        }
        return value.textValue();
    }

    private static DataException bad(Path file, String what, JsonNode value, String rule) {
        return new DataException(file + " is malformed: " + what + " was " + MetricsLog.describe(value)
                + " but must be " + rule);
    }
}
