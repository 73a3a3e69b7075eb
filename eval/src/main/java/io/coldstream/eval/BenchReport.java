package io.coldstream.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.coldstream.core.ColdstreamException;
import io.coldstream.core.DataException;
import io.coldstream.eval.internal.BenchWriter;
import io.coldstream.eval.internal.JsonFields;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A benchmark suite's results: every method on every scenario, and reference points (published figures,
 * one line of text each) to print beside them. {@link #write(Path)} writes, into one folder:
 * <ul>
 *   <li>{@code bench.json}: the one definition of the suite's results ({@link #toJson()},
 *       {@link #read(Path)});</li>
 *   <li>{@code bench.csv}: one row per method x scenario x stage, with a header row;</li>
 *   <li>{@code bench.md}: the reference points, then per scenario a table of method, final top-1, final
 *       top-5, Omega-all against the scenario's {@value #OFFLINE_METHOD} method, average forgetting, wall
 *       time and examples per second, the plots, and per method its stage x group top-1 matrix;</li>
 *   <li>per scenario two 900 x 500 PNG plots: {@code accuracy-<scenario>.png} (top-1 on the seen classes
 *       after each stage, one line per method) and {@code forgetting-<scenario>.png} (forgetting per class,
 *       one series per method), the scenario's name made safe for a file name.</li>
 * </ul>
 *
 * <p>{@code bench.json} is one indented JSON object: {@code formatVersion} (1), {@code suite},
 * {@code referencePoints} (strings) and {@code results}, a list of objects with {@code method},
 * {@code scenario}, {@code wallMillis}, {@code examplesTrained}, then figures derived from the rest, written
 * for readers and recomputed when read ({@code examplesPerSecond}, {@code finalTop1}, {@code finalTop5},
 * {@code omegaAll}, {@code omegaAllTop5}, {@code averageForgetting}, {@code forgettingPerClass}), then
 * {@code settings} (an object of strings) and {@code stages}, a list of {@link StageAccuracy} objects with
 * its components' names. A number that is {@code NaN} (no examples, a figure that cannot be computed) is
 * written as JSON {@code null} and reads back as {@code NaN}. Keys this version does not know are ignored.
 *
 * <p>Immutable and thread-safe; writing one folder from two threads at once is not.
 *
 * @param suite the suite's name, such as {@code quick}; not blank
 * @param results the runs, at least one, each (scenario, method) pair once; in the order to show them
 * @param referencePoints lines of text to print beside the results, such as
 *     {@code "REMIND (Hayes et al., ECCV 2020): Omega-all 0.855 on ImageNet"}; may be empty
 */
public record BenchReport(String suite, List<MethodResult> results, List<String> referencePoints) {

    /** The JSON file's name. */
    public static final String JSON_FILE = "bench.json";
    /** The CSV file's name. */
    public static final String CSV_FILE = "bench.csv";
    /** The Markdown file's name. */
    public static final String MARKDOWN_FILE = "bench.md";
    /** The method that Omega-all divides by: the offline model of the same scenario. */
    public static final String OFFLINE_METHOD = "offline";
    /** The {@code bench.json} format this version writes. */
    public static final int FORMAT_VERSION = 1;

    private static final ObjectMapper READER = new ObjectMapper();
    private static final ObjectMapper WRITER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * Copies the lists and checks that the suite is named, there is a result, and no scenario has a method
     * twice.
     *
     * @throws IllegalArgumentException naming what is wrong
     * @throws NullPointerException when a list or an element is {@code null}
     */
    public BenchReport {
        Objects.requireNonNull(suite, "suite");
        if (suite.isBlank()) {
            throw new IllegalArgumentException("suite name was '" + suite + "' but must not be blank");
        }
        results = List.copyOf(Objects.requireNonNull(results, "results"));
        referencePoints = List.copyOf(Objects.requireNonNull(referencePoints, "referencePoints"));
        if (results.isEmpty()) {
            throw new IllegalArgumentException("suite " + suite + " has no results but a report needs at least one");
        }
        Set<List<String>> pairs = new HashSet<>();
        for (MethodResult r : results) {
            if (!pairs.add(List.of(r.scenario(), r.method()))) {
                throw new IllegalArgumentException("suite " + suite + " has method " + r.method() + " on scenario "
                        + r.scenario() + " twice but each pair must appear once");
            }
        }
    }

    /** @return the scenarios, in the order they first appear in {@link #results()} */
    public List<String> scenarios() {
        Set<String> names = new LinkedHashSet<>();
        results.forEach(r -> names.add(r.scenario()));
        return List.copyOf(names);
    }

    /**
     * @param scenario a scenario's name
     * @return its results, in order; empty for an unknown scenario
     */
    public List<MethodResult> resultsOf(String scenario) {
        return results.stream().filter(r -> r.scenario().equals(scenario)).toList();
    }

    /**
     * @param scenario a scenario's name
     * @return its {@value #OFFLINE_METHOD} method's result, if it has one
     */
    public Optional<MethodResult> offline(String scenario) {
        return results.stream().filter(r -> r.scenario().equals(scenario) && r.method().equals(OFFLINE_METHOD))
                .findFirst();
    }

    /**
     * @param result one of {@link #results()}
     * @return its {@link BenchMetrics#omegaAll Omega-all} against the offline method of its scenario;
     *     {@code NaN} when the scenario has none, or its stages do not match the result's (another count,
     *     other seen classes)
     */
    public double omegaAll(MethodResult result) {
        return omega(result, false);
    }

    /**
     * @param result one of {@link #results()}
     * @return its {@link BenchMetrics#omegaAllTop5 top-5 Omega-all}, {@code NaN} as {@link #omegaAll}
     */
    public double omegaAllTop5(MethodResult result) {
        return omega(result, true);
    }

    private double omega(MethodResult result, boolean top5) {
        Optional<MethodResult> offline = offline(result.scenario());
        if (offline.isEmpty()) {
            return Double.NaN;
        }
        try {
            return top5 ? BenchMetrics.omegaAllTop5(result.stages(), offline.get().stages())
                    : BenchMetrics.omegaAll(result.stages(), offline.get().stages());
        } catch (IllegalArgumentException e) {
            return Double.NaN;
        }
    }

    /**
     * @return the text of {@code bench.json}, as the class comment describes it, followed by a newline;
     *     numbers as Java's {@code Double.toString} and {@code Long.toString} write them
     */
    public String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("formatVersion", FORMAT_VERSION);
        m.put("suite", suite);
        m.put("referencePoints", referencePoints);
        List<Object> list = new ArrayList<>();
        for (MethodResult r : results) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("method", r.method());
            o.put("scenario", r.scenario());
            o.put("wallMillis", r.wallMillis());
            o.put("examplesTrained", r.examplesTrained());
            o.put("examplesPerSecond", finite(r.examplesPerSecond()));
            o.put("finalTop1", finite(r.finalTop1()));
            o.put("finalTop5", finite(r.finalTop5()));
            o.put("omegaAll", finite(omegaAll(r)));
            o.put("omegaAllTop5", finite(omegaAllTop5(r)));
            o.put("averageForgetting", finite(BenchMetrics.averageForgetting(r.stages())));
            o.put("forgettingPerClass", Arrays.stream(BenchMetrics.forgettingPerClass(r.stages()))
                    .mapToObj(BenchReport::finite).toList());
            o.put("settings", r.settings());
            o.put("stages", r.stages().stream().map(BenchReport::stage).toList());
            list.add(o);
        }
        m.put("results", list);
        try {
            return WRITER.writeValueAsString(m) + "\n";
        } catch (JsonProcessingException e) {
            // Strings, numbers, booleans and lists and maps of them only: this cannot happen.
            throw new ColdstreamException("could not write suite " + suite + " as JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static Map<String, Object> stage(StageAccuracy s) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("stage", s.stage());
        o.put("examplesSeen", s.examplesSeen());
        o.put("seenClasses", s.seenClasses());
        o.put("examples", s.examples());
        o.put("top1", finite(s.top1()));
        o.put("top5", finite(s.top5()));
        o.put("perGroupTop1", s.perGroupTop1().stream().map(BenchReport::finite).toList());
        o.put("perClassTop1", s.perClassTop1().stream().map(BenchReport::finite).toList());
        o.put("groupSeen", s.groupSeen());
        o.put("classSeen", s.classSeen());
        return o;
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    /**
     * Writes {@code bench.json}, {@code bench.csv}, {@code bench.md} and the plots into {@code dir},
     * creating it if needed. Each file is written under a temporary name and renamed, so a half-written
     * file is never left under its real name; a second call overwrites the files of the first. Rendering
     * runs headless: unless the JVM was started with {@code java.awt.headless} set, this sets it to
     * {@code true}.
     *
     * @param dir the folder to write into
     * @return {@code bench.md} as the summary, and the plots in the order {@code bench.md} shows them
     * @throws ColdstreamException when the folder or a file cannot be written
     */
    public ReportFiles write(Path dir) {
        Objects.requireNonNull(dir, "dir");
        return BenchWriter.write(this, dir);
    }

    /**
     * Reads a {@code bench.json}. The derived figures in it are ignored: they are recomputed from the stages.
     *
     * @param benchJson the file
     * @return the report
     * @throws DataException when the file is missing or unreadable, is not JSON, has a key of the wrong type
     *     or values that break a rule of {@link MethodResult} or {@link StageAccuracy} (the message names the
     *     file, the place, the value and what it must be), or is of a later format
     */
    public static BenchReport read(Path benchJson) {
        JsonNode root;
        try {
            root = READER.readTree(Files.readString(benchJson, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new DataException(benchJson + " is malformed: it is not valid JSON (" + e.getOriginalMessage() + ")",
                    e);
        } catch (NoSuchFileException e) {
            throw new DataException(benchJson + " does not exist; coldstream bench writes it", e);
        } catch (IOException e) {
            throw new DataException("could not read " + benchJson + ": " + e.getMessage(), e);
        }
        JsonFields f = new JsonFields(benchJson.toString());
        if (root == null || !root.isObject()) {
            throw f.bad("the file", root, "a JSON object");
        }
        long format = f.count(root, "formatVersion");
        if (format > FORMAT_VERSION) {
            throw f.bad("\"formatVersion\"", root.get("formatVersion"), "at most " + FORMAT_VERSION
                    + " (this version of Coldstream reads formats up to " + FORMAT_VERSION + ")");
        }
        String suite = f.requiredText(root, "suite", "suite");
        JsonNode list = root.get("results");
        if (list == null || !list.isArray()) {
            throw f.bad("\"results\"", list, "an array of method results");
        }
        List<MethodResult> results = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            results.add(result(f, list.get(i), "results[" + i + "]"));
        }
        try {
            return new BenchReport(suite, results, f.texts(root, "referencePoints", "referencePoints"));
        } catch (IllegalArgumentException e) {
            throw f.malformed(e.getMessage(), e);
        }
    }

    /**
     * Merges the {@code bench.json} files of several runs of one suite into one report, so that methods run
     * one at a time (or on several machines) are compared in one table: Omega-all of every method is
     * recomputed against the merged {@value #OFFLINE_METHOD} method of its scenario. Scenarios keep the order
     * in which they first appear and, within one, the results keep the order of the files; reference points
     * are the union, in order.
     *
     * <p>The runs must have streamed the same plan: within a scenario, every result must have the same stages,
     * stream positions, test examples and seen classes as the first one. That catches another
     * {@code --limit}, {@code --stage-classes}, {@code --eval-stages} or {@code --test-size}; it cannot tell
     * another {@code --seed} or dataset of the same shape, which the caller must keep the same.
     *
     * @param files the {@code bench.json} files, at least one
     * @return the merged report
     * @throws DataException when a file cannot be read ({@link #read}), the suites differ, a scenario has a
     *     method in two files, or a scenario's stages differ between files; the message names the files
     */
    public static BenchReport merge(List<Path> files) {
        Objects.requireNonNull(files, "files");
        if (files.isEmpty()) {
            throw new IllegalArgumentException("merge needs at least one bench.json");
        }
        String suite = null;
        Path first = null;
        List<MethodResult> results = new ArrayList<>();
        Map<List<String>, Path> from = new HashMap<>();
        Map<String, MethodResult> layout = new HashMap<>();
        Set<String> references = new LinkedHashSet<>();
        for (Path file : files) {
            BenchReport report = read(file);
            if (suite == null) {
                suite = report.suite();
                first = file;
            } else if (!suite.equals(report.suite())) {
                throw new DataException("cannot merge " + file + " (suite " + report.suite() + ") with " + first
                        + " (suite " + suite + "): only runs of one suite are compared in one table");
            }
            references.addAll(report.referencePoints());
            for (MethodResult r : report.results()) {
                Path earlier = from.putIfAbsent(List.of(r.scenario(), r.method()), file);
                if (earlier != null) {
                    throw new DataException("cannot merge: method " + r.method() + " on scenario " + r.scenario()
                            + " is in both " + earlier + " and " + file + "; leave one of the files out");
                }
                MethodResult shape = layout.putIfAbsent(r.scenario(), r);
                if (shape != null) {
                    String difference = stageDifference(shape.stages(), r.stages());
                    if (difference != null) {
                        throw new DataException("cannot merge " + file + ": on scenario " + r.scenario() + ", method "
                                + r.method() + " and method " + shape.method() + " in "
                                + from.get(List.of(shape.scenario(), shape.method())) + " did not stream the same plan ("
                                + difference + "); keep --limit, --stage-classes, --eval-stages and --test-size the"
                                + " same");
                    }
                }
                results.add(r);
            }
        }
        List<MethodResult> ordered = new ArrayList<>();
        for (String scenario : new BenchReport(suite, results, List.of()).scenarios()) {
            results.stream().filter(r -> r.scenario().equals(scenario)).forEach(ordered::add);
        }
        return new BenchReport(suite, ordered, List.copyOf(references));
    }

    /** @return how {@code b}'s stages differ from {@code a}'s ("2 stages against 3", ...), or null when they do not */
    private static String stageDifference(List<StageAccuracy> a, List<StageAccuracy> b) {
        if (a.size() != b.size()) {
            return b.size() + " stages against " + a.size();
        }
        for (int t = 0; t < a.size(); t++) {
            StageAccuracy x = a.get(t);
            StageAccuracy y = b.get(t);
            if (x.examplesSeen() != y.examplesSeen()) {
                return "stage " + t + " ends at stream example " + y.examplesSeen() + " against " + x.examplesSeen();
            }
            if (x.examples() != y.examples() || !x.classSeen().equals(y.classSeen())) {
                return "stage " + t + " is evaluated on " + y.examples() + " test examples of " + y.seenClasses()
                        + " classes against " + x.examples() + " of " + x.seenClasses()
                        + (x.seenClasses() == y.seenClasses() ? " other classes" : "");
            }
        }
        return null;
    }

    private static MethodResult result(JsonFields f, JsonNode node, String where) {
        if (!node.isObject()) {
            throw f.bad(where, node, "an object {method, scenario, wallMillis, examplesTrained, settings, stages}");
        }
        JsonNode stagesNode = node.get("stages");
        if (stagesNode == null || !stagesNode.isArray()) {
            throw f.bad("\"" + where + ".stages\"", stagesNode, "an array of stage evaluations");
        }
        List<StageAccuracy> stages = new ArrayList<>();
        for (int j = 0; j < stagesNode.size(); j++) {
            stages.add(stage(f, stagesNode.get(j), where + ".stages[" + j + "]"));
        }
        try {
            return new MethodResult(f.requiredText(node, "method", where + ".method"),
                    f.requiredText(node, "scenario", where + ".scenario"), stages,
                    f.requiredCount(node, "wallMillis", where + ".wallMillis"),
                    f.requiredCount(node, "examplesTrained", where + ".examplesTrained"),
                    f.textMap(node, "settings", where + ".settings"));
        } catch (IllegalArgumentException e) {
            throw f.malformed(where + ": " + e.getMessage(), e);
        }
    }

    private static StageAccuracy stage(JsonFields f, JsonNode node, String where) {
        if (!node.isObject()) {
            throw f.bad(where, node, "an object {stage, examplesSeen, seenClasses, examples, top1, top5, ...}");
        }
        long stage = f.requiredCount(node, "stage", where + ".stage");
        long seenClasses = f.requiredCount(node, "seenClasses", where + ".seenClasses");
        long examples = f.requiredCount(node, "examples", where + ".examples");
        if (stage > Integer.MAX_VALUE || seenClasses > Integer.MAX_VALUE || examples > Integer.MAX_VALUE) {
            throw f.malformed(where + ": stage, seenClasses and examples must each be below 2^31");
        }
        try {
            return new StageAccuracy((int) stage, f.requiredCount(node, "examplesSeen", where + ".examplesSeen"),
                    (int) seenClasses, (int) examples, f.number(node, "top1"), f.number(node, "top5"),
                    f.numbers(node, "perGroupTop1", where + ".perGroupTop1"),
                    f.numbers(node, "perClassTop1", where + ".perClassTop1"),
                    f.booleans(node, "groupSeen", where + ".groupSeen"),
                    f.booleans(node, "classSeen", where + ".classSeen"));
        } catch (IllegalArgumentException e) {
            throw f.malformed(where + ": " + e.getMessage(), e);
        }
    }
}
