package io.coldstream.cli;

import io.coldstream.core.ConfigurationException;
import io.coldstream.core.DataException;
import io.coldstream.core.DatasetNotFoundException;
import io.coldstream.core.Example;
import io.coldstream.core.SnapshotException;
import io.coldstream.core.StreamPosition;
import io.coldstream.eval.EvalReport;
import io.coldstream.eval.ReportFiles;
import io.coldstream.eval.StageAccuracy;
import io.coldstream.eval.StageEvaluator;
import io.coldstream.io.Dataset;
import io.coldstream.io.DatasetSplit;
import io.coldstream.io.CifarLabels;
import io.coldstream.io.DatasetOptions;
import io.coldstream.io.Datasets;
import io.coldstream.io.FashionMnist;
import io.coldstream.model.Network;
import io.coldstream.model.Networks;
import io.coldstream.model.SnapshotManifest;
import io.coldstream.model.SnapshotStore;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code coldstream eval --snapshot DIR|VERSION --data SPEC}: the accuracy of one published snapshot on a
 * dataset's test split (top-1, top-5, per class, confusion matrix), written as {@code eval.json},
 * {@code eval.md} and {@code confusion.png} ({@link EvalReport}) with a short summary on standard output.
 */
// No mixinStandardHelpOptions: its -V/--version would take --version, which here names a snapshot version.
@Command(name = "eval",
        description = "Evaluate one snapshot on a dataset's test split: top-1, top-5, per-class accuracy and a"
                + " confusion matrix, written to --out as eval.json, eval.md and confusion.png.")
final class EvalCommand implements Callable<Integer> {

    private static final Pattern VERSION = Pattern.compile("v\\d{6,}");
    private static final String IDX_PREFIX = "idx:";

    @Spec
    CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Option(names = "--snapshot", required = true, paramLabel = "DIR|VERSION",
            description = "a snapshot folder (runs/x/snapshots/v000012), a run's --out folder or its snapshots/"
                    + " folder (then LATEST, or --version), or a version of the store in the current folder")
    String snapshot;

    @Option(names = "--version", paramLabel = "VERSION",
            description = "the version to evaluate when --snapshot names a store (default: its LATEST)")
    String version;

    @Option(names = "--data", paramLabel = "SPEC",
            description = "the dataset whose test split to evaluate on: idx:DIR or DIR, cifar100:DIR,"
                    + " imagefolder:DIR (default: /usr/share/datasets/fashion-mnist)")
    String data = FashionMnist.DEFAULT_DIR.toString();

    @Option(names = "--labels", paramLabel = "fine|coarse",
            description = "CIFAR-100 labels to read (default: those the snapshot was trained with, else fine)")
    String labels;

    @Option(names = "--image-size", paramLabel = "PX",
            description = "side imagefolder images are brought to (default: the snapshot's input size, else 32)")
    Integer imageSize;

    @Option(names = "--out", paramLabel = "DIR",
            description = "where to write eval.json, eval.md and confusion.png (default: eval-<version> in the"
                    + " current folder)")
    Path out;

    @Option(names = "--limit", paramLabel = "N",
            description = "evaluate the first N test examples only (default: 0, the whole test split)")
    int limit;

    @Option(names = "--batch", paramLabel = "N", description = "test examples per forward pass (default: 256)")
    int batch = 256;

    @Option(names = "--threads", paramLabel = "N",
            description = "engine threads; bin/coldstream passes it to OMP_NUM_THREADS (default: the runtime's)")
    int threads;

    /** A snapshot store and the version in it to evaluate. */
    record Target(SnapshotStore store, String version) {
    }

    @Override
    public Integer call() {
        List<String> problems = new ArrayList<>();
        if (limit < 0) {
            problems.add("--limit was " + limit + " but it must be >= 0 (0: the whole test split)");
        }
        if (batch < 1 || batch > 65_536) {
            problems.add("--batch was " + batch + " but it must be in [1, 65536]");
        }
        if (threads < 0) {
            problems.add("--threads was " + threads + " but it must be >= 0 (0: the runtime's default)");
        }
        if (version != null && !VERSION.matcher(version).matches()) {
            problems.add("--version was '" + version + "' but it must be a snapshot version such as v000012");
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException(String.join("; ", problems));
        }
        Target target = resolve(snapshot, version, Path.of(""));
        SnapshotManifest manifest = manifest(target);
        Dataset dataset = Datasets.open(data, datasetOptions(manifest));
        DatasetSplit test = dataset.test();
        int numClasses = requireMatch(target, manifest, dataset, test);
        Path folder = out != null ? out : Path.of("eval-" + target.version());

        PrintWriter err = spec.commandLine().getErr();
        err.println("backend:  " + Networks.startEngine(manifest.engine(), threads, true).summary());
        err.flush();
        StageEvaluator evaluator = evaluator(test, limit == 0 ? test.size() : Math.min(limit, test.size()),
                numClasses);
        boolean[] all = new boolean[numClasses];
        Arrays.fill(all, true);
        StageAccuracy accuracy;
        try (Network network = load(target, evaluator.batchSize())) {
            accuracy = evaluator.evaluate(0, manifest.examplesSeen(), all, network::predictProbabilities);
        }
        EvalReport report = new EvalReport(target.version(), dataset.name(), manifest.examplesSeen(),
                accuracy.top5(), classNames(test, numClasses), evaluator.confusion());
        ReportFiles files = report.write(folder);

        PrintWriter stdout = spec.commandLine().getOut();
        stdout.printf(Locale.ROOT, "snapshot %s (%s, %s, trained on %d examples) on %s, test split: %d examples%n",
                target.version(), target.store().dir().resolve(target.version()), manifest.network(),
                manifest.examplesSeen(), dataset.name(), report.examples());
        stdout.printf(Locale.ROOT, "top-1 %.4f  top-5 %.4f%n", report.top1(), report.top5());
        List<Double> perClass = report.perClassTop1();
        StringBuilder line = new StringBuilder("per class top-1:");
        for (int c = 0; c < numClasses; c++) {
            line.append(c == 0 ? " " : ", ").append(report.className(c)).append(' ')
                    .append(Double.isNaN(perClass.get(c)) ? "—" : String.format(Locale.ROOT, "%.3f", perClass.get(c)));
        }
        stdout.println(line);
        stdout.println("wrote " + folder.resolve(EvalReport.JSON_FILE));
        stdout.println("wrote " + files.summary());
        files.plots().forEach(p -> stdout.println("wrote " + p));
        stdout.flush();
        return 0;
    }

    /**
     * Finds the snapshot {@code --snapshot} and {@code --version} name.
     *
     * @param snapshot the {@code --snapshot} value
     * @param version the {@code --version} value, or {@code null}
     * @param here the current folder, where a bare version is looked for
     * @return the store and version
     * @throws DataException when there is no such snapshot (exit status 2)
     * @throws ConfigurationException when the two flags disagree
     */
    static Target resolve(String snapshot, String version, Path here) {
        Path path = Path.of(snapshot);
        if (Files.isDirectory(path) && Files.isRegularFile(path.resolve(SnapshotStore.MANIFEST_FILE))) {
            Path folder = path.toAbsolutePath().normalize();
            String name = folder.getFileName() == null ? "" : folder.getFileName().toString();
            if (!VERSION.matcher(name).matches()) {
                throw new DataException("--snapshot was '" + snapshot + "', a folder with a "
                        + SnapshotStore.MANIFEST_FILE + " but not named like a snapshot version (v000012); give the"
                        + " snapshot folder of a store, such as runs/x/snapshots/v000012");
            }
            if (version != null && !version.equals(name)) {
                throw new ConfigurationException("--snapshot names snapshot " + name + " but --version names "
                        + version + "; give --version only with a store folder");
            }
            return new Target(new SnapshotStore(folder.getParent()), name);
        }
        if (Files.isDirectory(path)) {
            return inStore(SnapshotStore.of(path), version, "--snapshot " + snapshot);
        }
        if (VERSION.matcher(snapshot).matches() && version == null) {
            SnapshotStore store = SnapshotStore.of(here);
            if (!store.versions().contains(snapshot)) {
                throw new DataException("--snapshot was '" + snapshot + "': there is no such folder and the store"
                        + " in the current folder (" + store.dir().toAbsolutePath().normalize() + ") "
                        + holds(store) + "; give a snapshot folder or a run's --out folder");
            }
            return new Target(store, snapshot);
        }
        throw new DataException("--snapshot was '" + snapshot + "' but no such folder exists; give a snapshot folder"
                + " (runs/x/snapshots/v000012), a run's --out folder or its snapshots/ folder (with --version to"
                + " choose one), or a version in the current folder's store");
    }

    private static Target inStore(SnapshotStore store, String version, String what) {
        String chosen = version;
        if (chosen == null) {
            chosen = store.latest().orElseThrow(() -> new DataException(what + ": no snapshot was published in "
                    + store.dir() + " (it has no " + SnapshotStore.LATEST + "); train with --snapshot-every N to"
                    + " publish snapshots, or give a snapshot folder"));
        }
        if (!store.versions().contains(chosen)) {
            throw new DataException(what + ": snapshot " + chosen + " is not in " + store.dir() + ", which "
                    + holds(store));
        }
        return new Target(store, chosen);
    }

    private static String holds(SnapshotStore store) {
        List<String> versions = store.versions();
        if (versions.isEmpty()) {
            return "holds no snapshot";
        }
        return "holds " + (versions.size() <= 6 ? String.join(", ", versions)
                : versions.size() + " snapshots, " + versions.get(0) + " to " + versions.get(versions.size() - 1));
    }

    /** @return the snapshot's manifest, of a format that records the engine and input shape */
    private static SnapshotManifest manifest(Target target) {
        SnapshotManifest manifest;
        try {
            manifest = target.store().manifest(target.version());
        } catch (SnapshotException e) {
            throw new DataException(e.getMessage(), e);
        }
        if (manifest.inputShape() == null || manifest.engine() == null) {
            throw new DataException("snapshot " + target.version() + " has manifest format "
                    + manifest.formatVersion() + ", which does not record the engine and input shape; evaluate"
                    + " snapshots of format " + SnapshotManifest.FORMAT_VERSION + " (published by this version of"
                    + " Coldstream)");
        }
        return manifest;
    }

    /**
     * Refuses a dataset the snapshot cannot be evaluated on.
     *
     * @return the number of classes to evaluate: the snapshot's
     * @throws DataException naming both shapes or both class counts
     */
    private static int requireMatch(Target target, SnapshotManifest manifest, Dataset dataset, DatasetSplit test) {
        if (!test.shape().equals(manifest.inputShape())) {
            throw new DataException("snapshot " + target.version() + " takes examples of " + manifest.inputShape()
                    + " but " + dataset.name() + " has " + test.shape() + "; evaluate it on a dataset of the shape it"
                    + " was trained on");
        }
        int classes = test.numClasses();
        if (classes < manifest.numClasses()) {
            // The test split may lack the last classes; the train split says how many the dataset has.
            try {
                dataset.train();
                classes = dataset.numClasses();
            } catch (DatasetNotFoundException e) {
                // A dataset without a train split: the test split's count stands.
            }
        }
        if (classes != manifest.numClasses()) {
            throw new DataException("snapshot " + target.version() + " predicts " + manifest.numClasses()
                    + " classes but " + dataset.name() + " has " + classes + "; evaluate it on the dataset it was"
                    + " trained on");
        }
        return classes;
    }

    /**
     * How to read {@code --data}: the flags, else what the snapshot was trained with (the labels and
     * image size in its manifest's configuration; for the image size, its input shape), else the
     * defaults. A snapshot of coarse CIFAR-100 labels or 64-pixel images is so evaluated as trained.
     */
    DatasetOptions datasetOptions(SnapshotManifest manifest) {
        List<String> problems = new ArrayList<>();
        DatasetOptions options = DatasetOptions.defaults();
        Map<String, Object> trained = manifest.configuration() == null ? Map.of() : manifest.configuration();
        Object trainedLabels = trained.get("labels");
        String labelText = labels != null ? labels : trainedLabels instanceof String t ? t : null;
        if (labelText != null) {
            try {
                options = options.withLabels(CifarLabels.parse(labelText));
            } catch (ConfigurationException e) {
                problems.add("--labels: " + e.getMessage());
            }
        }
        Integer size = imageSize;
        if (size == null && trained.get("image") instanceof Map<?, ?> image && image.get("size") instanceof Number n) {
            size = n.intValue();
        }
        if (size == null && manifest.inputShape() != null
                && manifest.inputShape().height() == manifest.inputShape().width()) {
            size = manifest.inputShape().height();
        }
        if (size != null && (size < DatasetOptions.MIN_IMAGE_SIZE || size > DatasetOptions.MAX_IMAGE_SIZE)) {
            problems.add("--image-size was " + size + " but it must be in [" + DatasetOptions.MIN_IMAGE_SIZE + ", "
                    + DatasetOptions.MAX_IMAGE_SIZE + "] pixels");
        } else if (size != null) {
            options = options.withImageSize(size);
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException(String.join("; ", problems));
        }
        return options;
    }

    /** @return an evaluator of the first {@code count} test examples, all classes in one group */
    private StageEvaluator evaluator(DatasetSplit test, int count, int numClasses) {
        List<Example> examples = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            examples.add(test.example(i, new StreamPosition(test.name(), i)));
        }
        return new StageEvaluator(examples, numClasses, new int[numClasses], Math.min(batch, count));
    }

    private static Network load(Target target, int maxBatch) {
        try {
            return target.store().load(target.version(), maxBatch);
        } catch (SnapshotException e) {
            throw new DataException(e.getMessage(), e);
        }
    }

    /** @return the dataset's class names, or Fashion-MNIST's for its folder, or none */
    private List<String> classNames(DatasetSplit test, int numClasses) {
        List<String> names = test.labelNames().orElse(List.of());
        if (names.size() == numClasses) {
            return names;
        }
        String folder = data.regionMatches(true, 0, IDX_PREFIX, 0, IDX_PREFIX.length())
                ? data.substring(IDX_PREFIX.length()) : data;
        boolean fashion = !folder.contains(":") && !folder.contains(",")
                && Path.of(folder).toAbsolutePath().normalize().equals(FashionMnist.DEFAULT_DIR);
        return fashion && numClasses == FashionMnist.CLASS_NAMES.size() ? FashionMnist.CLASS_NAMES : List.of();
    }
}
