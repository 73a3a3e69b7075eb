package io.coldstream.io;

import io.coldstream.core.Shape;

/**
 * A labelled dataset: a train split (the stream, in a chosen order) and a test split (the
 * holdout), of one shape: an IDX folder, a CIFAR-100 binary folder, an image folder, or several of
 * them as one {@link MultiTaskDataset} ({@link Datasets#open}).
 *
 * <p>Splits are read when first asked for, so a run that streams from a queue reads only the
 * test split. A split that cannot be read is reported then, as a
 * {@link io.coldstream.core.DatasetNotFoundException} (missing) or a
 * {@link io.coldstream.core.DataException} (malformed); once both splits are read they are checked
 * to have one shape. Safe to share between threads; a split is read once.
 */
public interface Dataset {

    /** @return the dataset as a spec, such as {@code "idx:/usr/share/datasets/fashion-mnist"} */
    String name();

    /**
     * @return the shape of every example in both splits: the test split's (reading it if not read yet)
     * @throws io.coldstream.core.ColdstreamException (a subclass) if the test split cannot be read
     */
    Shape shape();

    /**
     * @return the number of classes: the larger of the two splits' when the train split has been
     *     read, else the test split's (reading it if not read yet)
     * @throws io.coldstream.core.ColdstreamException (a subclass) if the test split cannot be read
     */
    int numClasses();

    /**
     * @return the train split, read on the first call
     * @throws io.coldstream.core.DatasetNotFoundException if the split is missing
     * @throws io.coldstream.core.DataException if it is malformed
     * @throws io.coldstream.core.ConfigurationException if the test split has been read and has
     *     another shape
     */
    DatasetSplit train();

    /**
     * @return the test split, read on the first call
     * @throws io.coldstream.core.DatasetNotFoundException if the split is missing
     * @throws io.coldstream.core.DataException if it is malformed
     * @throws io.coldstream.core.ConfigurationException if the train split has been read and has
     *     another shape
     */
    DatasetSplit test();

    /**
     * @return the tasks as class ranges, as {@link DatasetSplit#taskClassOffsets()} says: by
     *     default the test split's (reading it if not read yet); one task for a single dataset
     * @throws io.coldstream.core.ColdstreamException (a subclass) if the test split cannot be read
     */
    default int[] taskClassOffsets() {
        return test().taskClassOffsets();
    }
}
