package io.coldstream.io;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Opens {@link Dataset}s from the specs of the command line ({@code shared/CLI.md},
 * {@link SourceSpec#parseDataset}):
 *
 * <ul>
 *   <li>{@code idx:DIR} or a bare {@code DIR}: an IDX folder holding
 *       {@code train-images-idx3-ubyte[.gz]}, {@code train-labels-idx1-ubyte[.gz]} and the same for
 *       {@code t10k} (see {@link IdxDataset#readSplit});</li>
 *   <li>{@code cifar100:DIR}: a CIFAR-100 binary version folder holding {@code train.bin} and
 *       {@code test.bin} (see {@link Cifar100Dataset#readSplit}), fine or coarse labels as
 *       {@link DatasetOptions#labels()} says;</li>
 *   <li>{@code imagefolder:DIR}: {@code train/<class>/*} and {@code val/<class>/*}, images brought
 *       to {@link DatasetOptions#imageSize()} (see {@link ImageFolderDataset#open});</li>
 *   <li>{@code A,B,...}: each part one of the above, a task each of a {@link MultiTaskDataset}.</li>
 * </ul>
 *
 * Stateless; any thread.
 */
public final class Datasets {

    private Datasets() {
    }

    /**
     * Opens a dataset with {@link DatasetOptions#defaults()}: {@link #open(String, DatasetOptions)}.
     *
     * @param spec a dataset spec
     * @return the dataset
     */
    public static Dataset open(String spec) {
        return open(spec, DatasetOptions.defaults());
    }

    /**
     * Opens a dataset without reading it: each split is read when first asked for, with the
     * errors of its reader (a missing folder or file, a malformed file).
     *
     * @param spec {@code idx:DIR} or a bare {@code DIR}, {@code cifar100:DIR},
     *     {@code imagefolder:DIR}, or several comma-separated
     * @param options how the kinds that take options read their folder
     * @return the dataset; its name is the spec with its kind's prefix ({@code "idx:" + DIR} for a
     *     bare {@code DIR}); a multi-task dataset's, its tasks' names comma-separated
     * @throws io.coldstream.core.ConfigurationException naming the spec and the allowed forms if
     *     it is not a dataset spec
     */
    public static Dataset open(String spec, DatasetOptions options) {
        Objects.requireNonNull(spec, "spec");
        return open(SourceSpec.parseDataset(spec), options);
    }

    /**
     * Opens the dataset a spec names, without reading it (see {@link #open(String, DatasetOptions)}).
     *
     * @param spec a spec of a dataset kind ({@link SourceSpec#isDataset()})
     * @param options how the kinds that take options read their folder
     * @return the dataset
     * @throws IllegalArgumentException if the spec names a queue or a topic
     */
    public static Dataset open(SourceSpec spec, DatasetOptions options) {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(options, "options");
        return switch (spec.kind()) {
            case IDX -> {
                Path folder = spec.path();
                yield new LazyDataset(spec.toString(), () -> IdxDataset.readSplit(folder, IdxDataset.TRAIN_SPLIT),
                        () -> IdxDataset.readSplit(folder, IdxDataset.TEST_SPLIT));
            }
            case CIFAR100 -> {
                Path folder = spec.path();
                CifarLabels labels = options.labels();
                yield new LazyDataset(spec.toString(),
                        () -> Cifar100Dataset.readSplit(folder, Cifar100Dataset.TRAIN_SPLIT, labels),
                        () -> Cifar100Dataset.readSplit(folder, Cifar100Dataset.TEST_SPLIT, labels));
            }
            case IMAGEFOLDER -> ImageFolderDataset.open(spec.path(), options);
            case MULTI_TASK -> {
                List<Dataset> tasks = new ArrayList<>();
                for (SourceSpec part : spec.parts()) {
                    tasks.add(open(part, options));
                }
                yield new MultiTaskDataset(tasks);
            }
            case QUEUE, KAFKA -> throw new IllegalArgumentException("cannot open " + spec + " as a dataset: a dataset"
                    + " is " + SourceSpec.DATASET_FORMS);
        };
    }

    /**
     * {@link #forRun(String, SourceSpec, DatasetOptions)} with {@link DatasetOptions#defaults()}.
     *
     * @param data the holdout's dataset spec
     * @param stream what the run trains on
     * @return the dataset
     */
    public static Dataset forRun(String data, SourceSpec stream) {
        return forRun(data, stream, DatasetOptions.defaults());
    }

    /**
     * The dataset of a training run, read in the order a run needs it: the test split (the
     * holdout) of {@code data} first; then, when {@code stream} names a dataset
     * ({@link SourceSpec#isDataset()}), the train split of that dataset (the stream), checked to
     * have the test split's shape. {@link Dataset#numClasses()} then covers both splits. A run
     * from a queue or a topic reads no train split at all (but a multi-task {@code data} reads
     * both splits of each task, see {@link MultiTaskDataset}). Give the result to
     * {@link SourceOptions.Builder#dataset} so that {@link Sources#open} streams the split read
     * here instead of reading it again.
     *
     * @param data the holdout's dataset spec, as for {@link #open(String, DatasetOptions)}
     * @param stream what the run trains on; a dataset spec may name {@code data}'s dataset (the
     *     same kind and folders) or another
     * @param options how both datasets are read
     * @return the dataset, its test split read, and its train split too when {@code stream} names one;
     *     its name is the stream's dataset's when there is one, else {@code data}'s
     * @throws io.coldstream.core.DatasetNotFoundException if a split is missing
     * @throws io.coldstream.core.DataException if a split is malformed
     * @throws io.coldstream.core.ConfigurationException if {@code data} is not a dataset spec or the
     *     two splits have different shapes
     */
    public static Dataset forRun(String data, SourceSpec stream, DatasetOptions options) {
        Objects.requireNonNull(stream, "stream");
        SourceSpec holdoutSpec = SourceSpec.parseDataset(data);
        Dataset holdout = open(holdoutSpec, options);
        Dataset run = holdout;
        if (stream.isDataset() && !sameDataset(stream, holdoutSpec)) {
            Dataset streamed = open(stream, options);
            run = new LazyDataset(streamed.name(), streamed::train, holdout::test);
        }
        run.test();
        if (stream.isDataset()) {
            run.train();
        }
        return run;
    }

    /** Whether two dataset specs name the same kind over the same folders, in the same order. */
    private static boolean sameDataset(SourceSpec a, SourceSpec b) {
        List<SourceSpec> first = a.parts();
        List<SourceSpec> second = b.parts();
        if (a.kind() != b.kind() || first.size() != second.size()) {
            return false;
        }
        for (int i = 0; i < first.size(); i++) {
            if (first.get(i).kind() != second.get(i).kind() || !folder(first.get(i)).equals(folder(second.get(i)))) {
                return false;
            }
        }
        return true;
    }

    private static Path folder(SourceSpec spec) {
        return spec.path().toAbsolutePath().normalize();
    }
}
