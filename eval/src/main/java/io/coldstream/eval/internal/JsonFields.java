package io.coldstream.eval.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.coldstream.core.DataException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Typed access to the fields of a parsed JSON file, for the readers of {@code results.json},
 * {@code metrics.jsonl}, {@code bench.json} and {@code eval.json}. A value that is absent or JSON {@code null} reads as "not recorded"
 * ({@code NaN}, {@code -1} or {@code null}); a value of the wrong type fails with a
 * {@link DataException} that names the place, the key, the value and the rule:
 * {@code <where> is malformed: "meanLoss" was "high" but must be a number or null}.
 */
public final class JsonFields {

    private final String where;

    /** @param where the file, or the file and line, named in every error ({@code runs/a/metrics.jsonl line 7}) */
    public JsonFields(String where) {
        this.where = where;
    }

    /**
     * @param what what is wrong, without the place
     * @return {@code <where> is malformed: <what>}
     */
    public DataException malformed(String what) {
        return new DataException(where + " is malformed: " + what);
    }

    /**
     * @param what what is wrong, without the place
     * @param cause the parser's error
     * @return {@code <where> is malformed: <what>}
     */
    public DataException malformed(String what, Throwable cause) {
        return new DataException(where + " is malformed: " + what, cause);
    }

    /**
     * @param what the field, as the message names it ({@code "holdout"} with its quotes)
     * @param value its value, or {@code null} when absent
     * @param rule what it must be
     * @return {@code <where> is malformed: <what> was <value> but must be <rule>}
     */
    public DataException bad(String what, JsonNode value, String rule) {
        return malformed(what + " was " + describe(value) + " but must be " + rule);
    }

    /**
     * @return the value of {@code key}, or {@code null} when the parent or the value is absent or JSON
     *     {@code null}
     * @throws DataException when the value fails {@code ok}
     */
    private JsonNode present(JsonNode parent, String key, Predicate<JsonNode> ok, String must) {
        JsonNode value = parent == null ? null : parent.get(key);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!ok.test(value)) {
            throw bad("\"" + key + "\"", value, must);
        }
        return value;
    }

    /**
     * @param parent the enclosing object, or {@code null}
     * @param key the field
     * @return the nested object, or {@code null} when absent or {@code null}
     */
    public JsonNode object(JsonNode parent, String key) {
        return present(parent, key, JsonNode::isObject, "a JSON object or null");
    }

    /**
     * @param parent the enclosing object, or {@code null}
     * @param key the field
     * @return the number, or {@code NaN} when the parent or the value is absent or {@code null}
     */
    public double number(JsonNode parent, String key) {
        JsonNode value = present(parent, key, JsonNode::isNumber, "a number or null");
        return value == null ? Double.NaN : value.doubleValue();
    }

    /**
     * @param parent the enclosing object, or {@code null}
     * @param key the field
     * @return the count, or {@code -1} when the parent or the value is absent or {@code null}
     */
    public long count(JsonNode parent, String key) {
        JsonNode value = present(parent, key,
                v -> v.isIntegralNumber() && v.canConvertToLong() && v.longValue() >= 0, "an integer >= 0 or null");
        return value == null ? -1 : value.longValue();
    }

    /**
     * @param parent the enclosing object, or {@code null}
     * @param key the field
     * @return the count, or {@code -1} when the parent or the value is absent or {@code null}
     * @throws DataException also when the count does not fit an {@code int}
     */
    public int intCount(JsonNode parent, String key) {
        JsonNode value = present(parent, key,
                v -> v.isIntegralNumber() && v.canConvertToInt() && v.intValue() >= 0, "an integer >= 0 or null");
        return value == null ? -1 : value.intValue();
    }

    /**
     * @param parent the enclosing object, or {@code null}
     * @param key the field
     * @return the text, or {@code null} when the parent or the value is absent or {@code null}
     */
    public String text(JsonNode parent, String key) {
        JsonNode value = present(parent, key, JsonNode::isTextual, "a string or null");
        return value == null ? null : value.textValue();
    }

    /**
     * @param parent the enclosing object, or {@code null}
     * @param key the field
     * @param absent the value when the parent or the field is absent or {@code null}
     * @return the boolean
     */
    public boolean bool(JsonNode parent, String key, boolean absent) {
        JsonNode value = present(parent, key, JsonNode::isBoolean, "a boolean or null");
        return value == null ? absent : value.booleanValue();
    }

    /**
     * @param parent the enclosing object, or {@code null}
     * @param key the field, an array of counts
     * @param name the field as errors name it ({@code replay.classCounts})
     * @return the counts, empty when the parent or the field is absent or {@code null}
     */
    public List<Integer> counts(JsonNode parent, String key, String name) {
        return counts(parent == null ? null : parent.get(key), name);
    }

    /**
     * @param value an array of counts, or {@code null}
     * @param name the array as errors name it ({@code confusion[3]})
     * @return the counts, empty when the value is absent or {@code null}
     */
    public List<Integer> counts(JsonNode value, String name) {
        if (value == null || value.isNull()) {
            return List.of();
        }
        if (!value.isArray()) {
            throw bad("\"" + name + "\"", value, "an array of integers >= 0");
        }
        List<Integer> counts = new ArrayList<>(value.size());
        for (int c = 0; c < value.size(); c++) {
            JsonNode n = value.get(c);
            if (!n.isIntegralNumber() || !n.canConvertToInt() || n.intValue() < 0) {
                throw malformed(String.format(Locale.ROOT, "\"%s\"[%d] was %s but must be an integer >= 0", name, c,
                        describe(n)));
            }
            counts.add(n.intValue());
        }
        return counts;
    }

    /**
     * @param parent the enclosing object, or {@code null}
     * @param key the field, an array of numbers or {@code null}s
     * @param name the field as errors name it ({@code results[0].stages[2].perClassTop1})
     * @return the numbers, {@code null} elements as {@code NaN}; empty when the parent or the field is
     *     absent or {@code null}
     */
    public List<Double> numbers(JsonNode parent, String key, String name) {
        JsonNode value = array(parent, key, name, "an array of numbers or nulls");
        List<Double> numbers = new ArrayList<>(value == null ? 0 : value.size());
        for (int i = 0; value != null && i < value.size(); i++) {
            JsonNode n = value.get(i);
            if (!n.isNull() && !n.isNumber()) {
                throw malformed(String.format(Locale.ROOT, "\"%s\"[%d] was %s but must be a number or null", name, i,
                        describe(n)));
            }
            numbers.add(n.isNull() ? Double.NaN : n.doubleValue());
        }
        return numbers;
    }

    /**
     * @param parent the enclosing object, or {@code null}
     * @param key the field, an array of booleans
     * @param name the field as errors name it
     * @return the booleans, empty when the parent or the field is absent or {@code null}
     */
    public List<Boolean> booleans(JsonNode parent, String key, String name) {
        JsonNode value = array(parent, key, name, "an array of booleans");
        List<Boolean> booleans = new ArrayList<>(value == null ? 0 : value.size());
        for (int i = 0; value != null && i < value.size(); i++) {
            JsonNode n = value.get(i);
            if (!n.isBoolean()) {
                throw malformed(String.format(Locale.ROOT, "\"%s\"[%d] was %s but must be a boolean", name, i,
                        describe(n)));
            }
            booleans.add(n.booleanValue());
        }
        return booleans;
    }

    /**
     * @param parent the enclosing object, or {@code null}
     * @param key the field, an array of strings
     * @param name the field as errors name it
     * @return the strings, empty when the parent or the field is absent or {@code null}
     */
    public List<String> texts(JsonNode parent, String key, String name) {
        JsonNode value = array(parent, key, name, "an array of strings");
        List<String> texts = new ArrayList<>(value == null ? 0 : value.size());
        for (int i = 0; value != null && i < value.size(); i++) {
            JsonNode n = value.get(i);
            if (!n.isTextual()) {
                throw malformed(String.format(Locale.ROOT, "\"%s\"[%d] was %s but must be a string", name, i,
                        describe(n)));
            }
            texts.add(n.textValue());
        }
        return texts;
    }

    /**
     * @param parent the enclosing object, or {@code null}
     * @param key the field, an object of strings
     * @param name the field as errors name it
     * @return its entries in file order, empty when the parent or the field is absent or {@code null}
     */
    public Map<String, String> textMap(JsonNode parent, String key, String name) {
        return valueMap(parent, key, name, "an object of strings", JsonNode::isTextual, "a string", JsonNode::textValue);
    }

    /**
     * @param parent the enclosing object, or {@code null}
     * @param key the field, an object of whole numbers {@code >= 0}
     * @param name the field as errors name it
     * @return its entries in file order, empty when the parent or the field is absent or {@code null}
     */
    public Map<String, Long> countMap(JsonNode parent, String key, String name) {
        return valueMap(parent, key, name, "an object of counts",
                n -> n.isIntegralNumber() && n.canConvertToLong() && n.longValue() >= 0, "an integer >= 0",
                JsonNode::longValue);
    }

    /** The entries of an object whose every value passes {@code ok}, read by {@code read}, in file order. */
    private <V> Map<String, V> valueMap(JsonNode parent, String key, String name, String objectRule,
            Predicate<JsonNode> ok, String valueRule, java.util.function.Function<JsonNode, V> read) {
        JsonNode value = parent == null ? null : parent.get(key);
        Map<String, V> map = new LinkedHashMap<>();
        if (value == null || value.isNull()) {
            return map;
        }
        if (!value.isObject()) {
            throw bad("\"" + name + "\"", value, objectRule);
        }
        for (Map.Entry<String, JsonNode> entry : value.properties()) {
            if (!ok.test(entry.getValue())) {
                throw bad("\"" + name + "." + entry.getKey() + "\"", entry.getValue(), valueRule);
            }
            map.put(entry.getKey(), read.apply(entry.getValue()));
        }
        return map;
    }

    /**
     * @param parent the enclosing object, or {@code null}
     * @param key the field
     * @param name the field as errors name it
     * @return the count
     * @throws DataException also when the value is absent or {@code null}
     */
    public long requiredCount(JsonNode parent, String key, String name) {
        long value = count(parent, key);
        if (value < 0) {
            throw bad("\"" + name + "\"", parent == null ? null : parent.get(key), "an integer >= 0");
        }
        return value;
    }

    /**
     * @param parent the enclosing object, or {@code null}
     * @param key the field
     * @param name the field as errors name it
     * @return the text
     * @throws DataException also when the value is absent or {@code null}
     */
    public String requiredText(JsonNode parent, String key, String name) {
        String value = text(parent, key);
        if (value == null) {
            throw bad("\"" + name + "\"", parent == null ? null : parent.get(key), "a string");
        }
        return value;
    }

    /** @return the array, or {@code null} when the parent or the value is absent or {@code null} */
    private JsonNode array(JsonNode parent, String key, String name, String must) {
        JsonNode value = parent == null ? null : parent.get(key);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isArray()) {
            throw bad("\"" + name + "\"", value, must);
        }
        return value;
    }

    /**
     * @param node a value, or {@code null}
     * @return the value as an error message shows it: {@code absent}, or its JSON text cut to 60 characters
     */
    public static String describe(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "absent";
        }
        String text = node.toString();
        String kind = node.isObject() ? "an object " : node.isArray() ? "an array " : "";
        return kind + (text.length() > 60 ? text.substring(0, 57) + "..." : text);
    }
}
