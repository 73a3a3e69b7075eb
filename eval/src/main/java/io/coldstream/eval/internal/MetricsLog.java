package io.coldstream.eval.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.coldstream.core.DataException;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/** Reads {@code metrics.jsonl}: one JSON object per line, UTF-8; blank lines are skipped. */
final class MetricsLog {

    static final String FILE_NAME = "metrics.jsonl";

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private MetricsLog() {
    }

    /**
     * @param runDir the run folder
     * @return the lines of a known kind, in file order; may be empty when every line has an unknown kind
     * @throws DataException when the folder or file is missing, empty or has a malformed line
     */
    static List<MetricsLine> read(Path runDir) {
        if (!Files.isDirectory(runDir)) {
            throw new DataException("run folder " + runDir + " does not exist or is not a folder; a training run"
                    + " (coldstream train --out " + runDir + ") writes it, with " + FILE_NAME + " inside");
        }
        Path file = runDir.resolve(FILE_NAME);
        List<MetricsLine> lines = new ArrayList<>();
        int objects = 0;
        int number = 0;
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String text = reader.readLine(); text != null; text = reader.readLine()) {
                number++;
                if (text.isBlank()) {
                    continue;
                }
                objects++;
                MetricsLine line = parse(file, number, text);
                if (line != null) {
                    lines.add(line);
                }
            }
        } catch (NoSuchFileException e) {
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

    /** @return the line, or {@code null} when its kind is not one this version knows */
    static MetricsLine parse(Path file, int number, String text) {
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw malformed(file, number, "it is not valid JSON (" + e.getOriginalMessage() + ")", e);
        }
        if (node == null || !node.isObject()) {
            throw malformed(file, number, "it is " + describe(node) + " but must be a JSON object", null);
        }
        Fields f = new Fields(file, number);
        JsonNode kindNode = node.get("kind");
        if (kindNode == null || !kindNode.isTextual()) {
            throw malformed(file, number, "\"kind\" was " + describe(kindNode)
                    + " but must be \"interval\", \"holdout\" or \"final\"", null);
        }
        MetricsLine.Kind kind;
        switch (kindNode.textValue()) {
            case "interval" -> kind = MetricsLine.Kind.INTERVAL;
            case "holdout" -> kind = MetricsLine.Kind.HOLDOUT;
            case "final" -> kind = MetricsLine.Kind.FINAL;
            default -> {
                return null;
            }
        }
        long examplesSeen = f.count(node, "examplesSeen");
        if (examplesSeen < 0) {
            throw malformed(file, number, "\"examplesSeen\" was " + describe(node.get("examplesSeen"))
                    + " but must be an integer >= 0", null);
        }
        JsonNode replay = f.object(node, "replay");
        JsonNode step = f.object(node, "stepMillis");
        return new MetricsLine(kind, number, examplesSeen,
                f.number(node, "elapsedSeconds"),
                f.number(node, "examplesPerSecond"),
                f.number(node, "meanLoss"),
                f.number(node, "prequentialAccuracy"),
                f.number(node, "windowAccuracy"),
                f.number(node, "holdoutAccuracy"),
                f.count(replay, "entries"),
                f.count(replay, "bytes"),
                f.count(replay, "budgetBytes"),
                f.count(replay, "evictions"),
                f.classCounts(replay),
                f.number(step, "p50"),
                f.number(step, "p95"),
                f.number(step, "p99"),
                f.text(node, "snapshotVersion"),
                f.count(node, "badRecords"),
                f.count(node, "jvmHeapUsedBytes"),
                f.count(node, "offHeapBytes"));
    }

    static DataException malformed(Path file, int number, String what, Throwable cause) {
        String message = file + " line " + number + " is malformed: " + what;
        return cause == null ? new DataException(message) : new DataException(message, cause);
    }

    static String describe(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "absent";
        }
        String text = node.toString();
        String kind = node.isObject() ? "an object " : node.isArray() ? "an array " : "";
        return kind + (text.length() > 60 ? text.substring(0, 57) + "..." : text);
    }

    /** Typed field access that names the line and key in its errors. */
    private record Fields(Path file, int number) {

        /**
         * @return the value of {@code key}, or {@code null} when the parent or the value is absent or
         *     JSON {@code null}
         * @throws DataException naming the line and the key, when the value fails {@code ok}
         */
        private JsonNode present(JsonNode parent, String key, Predicate<JsonNode> ok, String must) {
            JsonNode value = parent == null ? null : parent.get(key);
            if (value == null || value.isNull()) {
                return null;
            }
            if (!ok.test(value)) {
                throw malformed(file, number, "\"" + key + "\" was " + describe(value) + " but must be " + must, null);
            }
            return value;
        }

        /** @return the nested object, or {@code null} when absent or {@code null} */
        JsonNode object(JsonNode parent, String key) {
            return present(parent, key, JsonNode::isObject, "a JSON object or null");
        }

        /** @return the number, or {@code NaN} when the parent or the value is absent or {@code null} */
        double number(JsonNode parent, String key) {
            JsonNode value = present(parent, key, JsonNode::isNumber, "a number or null");
            return value == null ? Double.NaN : value.doubleValue();
        }

        /** @return the count, or {@code -1} when the parent or the value is absent or {@code null} */
        long count(JsonNode parent, String key) {
            JsonNode value = present(parent, key,
                    v -> v.isIntegralNumber() && v.canConvertToLong() && v.longValue() >= 0, "an integer >= 0 or null");
            return value == null ? -1 : value.longValue();
        }

        String text(JsonNode parent, String key) {
            JsonNode value = present(parent, key, JsonNode::isTextual, "a string or null");
            return value == null ? null : value.textValue();
        }

        List<Integer> classCounts(JsonNode replay) {
            JsonNode value = replay == null ? null : replay.get("classCounts");
            if (value == null || value.isNull()) {
                return List.of();
            }
            if (!value.isArray()) {
                throw malformed(file, number, "\"replay.classCounts\" was " + describe(value)
                        + " but must be an array of integers >= 0", null);
            }
            List<Integer> counts = new ArrayList<>(value.size());
            for (int c = 0; c < value.size(); c++) {
                JsonNode n = value.get(c);
                if (!n.isIntegralNumber() || !n.canConvertToInt() || n.intValue() < 0) {
                    throw malformed(file, number, String.format(Locale.ROOT,
                            "\"replay.classCounts\"[%d] was %s but must be an integer >= 0", c, describe(n)), null);
                }
                counts.add(n.intValue());
            }
            return counts;
        }
    }
}
