package io.coldstream.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.coldstream.core.ColdstreamException;
import io.coldstream.core.DataException;
import io.coldstream.eval.internal.EvalWriter;
import io.coldstream.eval.internal.JsonFields;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The accuracy of one model snapshot on a dataset's test split ({@code coldstream eval}): top-1 and top-5
 * over every test example, top-1 per class, and the confusion matrix of top-1 predictions.
 * {@link #write(Path)} writes, into one folder:
 * <ul>
 *   <li>{@code eval.json}: one indented JSON object with {@code formatVersion} (1), {@code snapshot},
 *       {@code dataset}, {@code snapshotExamplesSeen}, {@code examples}, {@code top1}, {@code top5},
 *       {@code perClass} (a list of {@code {class, name, examples, top1}}) and {@code confusion} (one list
 *       per true class of the counts per predicted class); {@code NaN} and unknown figures are
 *       {@code null};</li>
 *   <li>{@code eval.md}: the figures, a per-class table with each class's most frequent mistake, the
 *       confusion matrix as a table when there are at most 20 classes, and the plot;</li>
 *   <li>{@code confusion.png}: the confusion matrix as a class x class heat map (true class down, predicted
 *       across, each row shaded by the fraction of that class's examples), 900 x 900 pixels.</li>
 * </ul>
 * Top-1 and the per-class figures are derived from the confusion matrix; top-5 is not, so it is kept.
 * Immutable and thread-safe.
 *
 * @param snapshot the snapshot's version, such as {@code v000012}; not blank
 * @param dataset the dataset's spec, such as {@code idx:/usr/share/datasets/fashion-mnist}; not blank
 * @param snapshotExamplesSeen stream examples the snapshot had been trained on, or {@code -1} when unknown
 * @param top5 fraction of the test examples whose true class was among the model's five highest scores
 *     (ties to the lower class, as {@link StageEvaluator} ranks), in {@code [0, 1]}
 * @param classNames the classes' names, one per class, or empty when the dataset has none
 * @param confusion the counts of test examples by true and predicted class; at least one example
 */
public record EvalReport(String snapshot, String dataset, long snapshotExamplesSeen, double top5,
        List<String> classNames, ConfusionMatrix confusion) {

    /** The JSON file's name. */
    public static final String JSON_FILE = "eval.json";
    /** The Markdown file's name. */
    public static final String MARKDOWN_FILE = "eval.md";
    /** The heat map's file name. */
    public static final String CONFUSION_FILE = "confusion.png";
    /** The {@code eval.json} format this version writes. */
    public static final int FORMAT_VERSION = 1;

    private static final ObjectMapper READER = new ObjectMapper();
    private static final ObjectMapper WRITER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * Checks the names, that top-5 is a fraction no smaller than top-1, and that there is a name per class
     * or none; copies the names.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public EvalReport {
        Objects.requireNonNull(snapshot, "snapshot");
        Objects.requireNonNull(dataset, "dataset");
        Objects.requireNonNull(confusion, "confusion");
        classNames = List.copyOf(Objects.requireNonNull(classNames, "classNames"));
        if (snapshot.isBlank() || dataset.isBlank()) {
            throw new IllegalArgumentException("snapshot was '" + snapshot + "' and dataset '" + dataset
                    + "' but neither may be blank");
        }
        if (snapshotExamplesSeen < -1) {
            throw new IllegalArgumentException("snapshotExamplesSeen was " + snapshotExamplesSeen
                    + " but must be >= 0, or -1 when unknown");
        }
        if (confusion.total() == 0) {
            throw new IllegalArgumentException("the confusion matrix counts no example but an evaluation has at"
                    + " least one");
        }
        double top1 = (double) confusion.correct() / confusion.total();
        if (!(top5 >= 0 && top5 <= 1) || top5 < top1 - 1e-12) {
            throw new IllegalArgumentException("top5 was " + top5 + " but must be in [0, 1] and >= top-1 (" + top1
                    + ")");
        }
        if (!classNames.isEmpty() && classNames.size() != confusion.numClasses()) {
            throw new IllegalArgumentException(classNames.size() + " class names were given but there are "
                    + confusion.numClasses() + " classes; give one per class or none");
        }
    }

    /** @return the test examples evaluated */
    public long examples() {
        return confusion.total();
    }

    /** @return the fraction of test examples whose true class scored highest */
    public double top1() {
        return (double) confusion.correct() / confusion.total();
    }

    /** @return top-1 accuracy over each class's test examples, indexed by class; {@code NaN} for a class with none */
    public List<Double> perClassTop1() {
        List<Double> perClass = new ArrayList<>(confusion.numClasses());
        for (int c = 0; c < confusion.numClasses(); c++) {
            int n = confusion.actualTotal(c);
            perClass.add(n == 0 ? Double.NaN : (double) confusion.count(c, c) / n);
        }
        return perClass;
    }

    /**
     * @param c a class
     * @return its name, or its number when there are no names
     */
    public String className(int c) {
        Objects.checkIndex(c, confusion.numClasses());
        return classNames.isEmpty() ? Integer.toString(c) : classNames.get(c);
    }

    /** @return the text of {@code eval.json}, as the class comment describes it, followed by a newline */
    public String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("formatVersion", FORMAT_VERSION);
        m.put("snapshot", snapshot);
        m.put("dataset", dataset);
        m.put("snapshotExamplesSeen", snapshotExamplesSeen < 0 ? null : snapshotExamplesSeen);
        m.put("examples", examples());
        m.put("top1", top1());
        m.put("top5", top5);
        List<Double> perClassTop1 = perClassTop1();
        List<Object> perClass = new ArrayList<>();
        for (int c = 0; c < confusion.numClasses(); c++) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("class", c);
            p.put("name", classNames.isEmpty() ? null : classNames.get(c));
            p.put("examples", confusion.actualTotal(c));
            p.put("top1", Double.isNaN(perClassTop1.get(c)) ? null : perClassTop1.get(c));
            perClass.add(p);
        }
        m.put("perClass", perClass);
        m.put("confusion", confusion.rows());
        try {
            return WRITER.writeValueAsString(m) + "\n";
        } catch (JsonProcessingException e) {
            throw new ColdstreamException("could not write the evaluation of " + snapshot + " as JSON: "
                    + e.getOriginalMessage(), e);
        }
    }

    /**
     * Writes {@code eval.json}, {@code eval.md} and {@code confusion.png} into {@code dir}, creating it if
     * needed; each file under a temporary name, then renamed. Rendering runs headless: unless the JVM was
     * started with {@code java.awt.headless} set, this sets it to {@code true}.
     *
     * @param dir the folder
     * @return {@code eval.md} and {@code confusion.png}
     * @throws ColdstreamException when the folder or a file cannot be written
     */
    public ReportFiles write(Path dir) {
        Objects.requireNonNull(dir, "dir");
        return EvalWriter.write(this, dir);
    }

    /**
     * Reads an {@code eval.json}; {@code examples}, {@code top1} and the per-class accuracies are recomputed
     * from the confusion matrix.
     *
     * @param file the file
     * @return the evaluation
     * @throws DataException when the file is missing, not JSON, of a later format, or has a value of the
     *     wrong type or that breaks a rule (the message names the file, the key and the rule)
     */
    public static EvalReport read(Path file) {
        JsonNode root;
        try {
            root = READER.readTree(Files.readString(file, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new DataException(file + " is malformed: it is not valid JSON (" + e.getOriginalMessage() + ")", e);
        } catch (NoSuchFileException e) {
            throw new DataException(file + " does not exist; coldstream eval writes it", e);
        } catch (IOException e) {
            throw new DataException("could not read " + file + ": " + e.getMessage(), e);
        }
        JsonFields f = new JsonFields(file.toString());
        if (root == null || !root.isObject()) {
            throw f.bad("the file", root, "a JSON object");
        }
        if (f.count(root, "formatVersion") > FORMAT_VERSION) {
            throw f.bad("\"formatVersion\"", root.get("formatVersion"), "at most " + FORMAT_VERSION);
        }
        JsonNode rows = root.get("confusion");
        if (rows == null || !rows.isArray()) {
            throw f.bad("\"confusion\"", rows, "an array of rows of counts");
        }
        List<List<Integer>> counts = new ArrayList<>();
        for (int a = 0; a < rows.size(); a++) {
            counts.add(f.counts(rows.get(a), "confusion[" + a + "]"));
        }
        List<String> names = new ArrayList<>();
        JsonNode perClass = root.get("perClass");
        if (perClass != null && perClass.isArray()) {
            for (JsonNode p : perClass) {
                names.add(f.text(p, "name"));
            }
        }
        try {
            return new EvalReport(f.requiredText(root, "snapshot", "snapshot"),
                    f.requiredText(root, "dataset", "dataset"), f.count(root, "snapshotExamplesSeen"),
                    f.number(root, "top5"), names.contains(null) ? List.of() : names, ConfusionMatrix.ofRows(counts));
        } catch (IllegalArgumentException e) {
            throw f.malformed(e.getMessage(), e);
        }
    }
}
