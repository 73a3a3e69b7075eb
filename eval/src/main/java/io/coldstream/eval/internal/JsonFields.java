package io.coldstream.eval.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.coldstream.core.DataException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * Typed access to the fields of a parsed JSON file, for the readers of {@code results.json} and
 * {@code metrics.jsonl}. A value that is absent or JSON {@code null} reads as "not recorded"
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
        JsonNode value = parent == null ? null : parent.get(key);
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
