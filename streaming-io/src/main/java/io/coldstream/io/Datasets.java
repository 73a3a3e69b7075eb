package io.coldstream.io;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Opens {@link Dataset}s from the specs of the command line ({@code shared/CLI.md}): {@code idx:DIR}
 * or a bare {@code DIR}, an IDX folder holding {@code train-images-idx3-ubyte[.gz]},
 * {@code train-labels-idx1-ubyte[.gz]} and the same for {@code t10k} (see
 * {@link IdxDataset#readSplit}). Stateless; any thread.
 */
public final class Datasets {

    private static final String IDX_PREFIX = "idx:";

    private Datasets() {
    }

    /**
     * Opens a dataset without reading it: each split is read when first asked for, with the
     * errors of {@link IdxDataset#readSplit} (a missing folder or file, a malformed file).
     *
     * @param spec {@code idx:DIR}, or any other text as the folder itself
     * @return the dataset; its name is {@code "idx:" + DIR}
     */
    public static Dataset open(String spec) {
        Objects.requireNonNull(spec, "spec");
        String dir = spec.regionMatches(true, 0, IDX_PREFIX, 0, IDX_PREFIX.length())
                ? spec.substring(IDX_PREFIX.length()) : spec;
        Path folder = Path.of(dir);
        return new LazyDataset(IDX_PREFIX + dir, () -> IdxDataset.readSplit(folder, IdxDataset.TRAIN_SPLIT),
                () -> IdxDataset.readSplit(folder, IdxDataset.TEST_SPLIT));
    }

    /**
     * The dataset of a training run, read in the order a run needs it: the test split (the
     * holdout) of {@code data} first; then, when {@code stream} names a dataset
     * ({@link SourceSpec#isDataset()}), the train split of that dataset (the stream), checked to
     * have the test split's shape. {@link Dataset#numClasses()} then covers both splits. A run
     * from a queue or a topic reads no train split at all. Give the result to
     * {@link SourceOptions.Builder#dataset} so that {@link Sources#open} streams the split read
     * here instead of reading it again.
     *
     * @param data the holdout's dataset, as for {@link #open}
     * @param stream what the run trains on; a dataset spec may name {@code data}'s folder or another
     * @return the dataset, its test split read, and its train split too when {@code stream} names one;
     *     its name is the stream's dataset's when there is one, else {@code data}'s
     * @throws io.coldstream.core.DatasetNotFoundException if a split is missing
     * @throws io.coldstream.core.DataException if a split is malformed
     * @throws io.coldstream.core.ConfigurationException if the two splits have different shapes
     */
    public static Dataset forRun(String data, SourceSpec stream) {
        Objects.requireNonNull(stream, "stream");
        Dataset holdout = open(data);
        Dataset run = holdout;
        if (stream.isDataset()) {
            Dataset streamed = open(stream.toString());
            if (!folder(streamed).equals(folder(holdout))) {
                run = new LazyDataset(streamed.name(), streamed::train, holdout::test);
            }
        }
        run.test();
        if (stream.isDataset()) {
            run.train();
        }
        return run;
    }

    private static Path folder(Dataset dataset) {
        return Path.of(dataset.name().substring(IDX_PREFIX.length())).toAbsolutePath().normalize();
    }
}
