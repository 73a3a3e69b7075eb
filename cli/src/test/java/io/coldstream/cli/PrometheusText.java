package io.coldstream.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict checker of the Prometheus text exposition format, version 0.0.4, as a Prometheus
 * server parses it: comment lines ({@code # HELP name text}, {@code # TYPE name type}), sample
 * lines {@code name{label="value",...} value [timestamp]}, metric and label names by the spec's
 * grammar, label values with only the allowed escapes, float values (including NaN, +Inf, -Inf),
 * one TYPE per family before its samples, and no duplicate series.
 */
final class PrometheusText {

    private static final String NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
    private static final String LABEL_NAME = "[a-zA-Z_][a-zA-Z0-9_]*";
    private static final String LABEL_VALUE = "\"(?:[^\"\\\\\\n]|\\\\[\\\\\"n])*\"";
    private static final String VALUE = "(?:[+-]?(?:\\d+\\.?\\d*(?:[eE][+-]?\\d+)?|\\.\\d+(?:[eE][+-]?\\d+)?)|NaN|[+-]Inf)";
    private static final Pattern SAMPLE = Pattern.compile("(" + NAME + ")(\\{(?:" + LABEL_NAME + "=" + LABEL_VALUE
            + ")(?:," + LABEL_NAME + "=" + LABEL_VALUE + ")*,?\\})? (" + VALUE + ")(?: -?\\d+)?");
    private static final Pattern HELP = Pattern.compile("# HELP (" + NAME + ") .*");
    private static final Pattern TYPE = Pattern.compile("# TYPE (" + NAME + ") (counter|gauge|histogram|summary|untyped)");
    private static final List<String> SUFFIXES = List.of("_total", "_count", "_sum", "_bucket", "_created", "_max");

    private PrometheusText() {
    }

    /**
     * @param text a scrape body
     * @return the samples, series (name plus labels) to value
     * @throws AssertionError naming the first bad line
     */
    static Map<String, Double> parse(String text) {
        if (!text.endsWith("\n")) {
            throw new AssertionError("exposition must end with a newline");
        }
        Map<String, String> types = new HashMap<>();
        Map<String, Double> samples = new HashMap<>();
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        lines.remove(lines.size() - 1);
        int n = 0;
        for (String line : lines) {
            n++;
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("#")) {
                Matcher t = TYPE.matcher(line);
                if (t.matches()) {
                    if (types.put(t.group(1), t.group(2)) != null) {
                        throw new AssertionError("line " + n + ": second TYPE for " + t.group(1));
                    }
                } else if (!HELP.matcher(line).matches() && (line.startsWith("# HELP") || line.startsWith("# TYPE"))) {
                    throw new AssertionError("line " + n + ": malformed comment: " + line);
                }
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            if (!m.matches()) {
                throw new AssertionError("line " + n + ": not a valid sample: " + line);
            }
            String name = m.group(1);
            if (!types.containsKey(name) && SUFFIXES.stream().noneMatch(
                    s -> name.endsWith(s) && types.containsKey(name.substring(0, name.length() - s.length())))) {
                throw new AssertionError("line " + n + ": sample " + name + " comes before any TYPE of its family");
            }
            String series = name + (m.group(2) == null ? "" : m.group(2));
            if (samples.put(series, Double.valueOf(m.group(3).replace("Inf", "Infinity"))) != null) {
                throw new AssertionError("line " + n + ": duplicate series " + series);
            }
        }
        return samples;
    }
}
