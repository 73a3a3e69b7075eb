package io.coldstream.io;

import io.coldstream.core.Example;
import io.coldstream.core.Shape;
import io.coldstream.core.StreamPosition;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One split of a labelled dataset, held in memory or (an {@link ImageFolderSplit}'s train split)
 * decoded from its files on demand: the train split a run streams in a chosen order
 * ({@link IdxSource}), or the test split it holds out. Examples are uint8 pixels of one
 * {@link #shape()}, channels first, indexed {@code [0, size())} in file order.
 *
 * <p>Implementations are immutable once read and safe to share between threads.
 */
public interface DatasetSplit {

    /**
     * @return the split's name, such as {@code "train"} or {@code "t10k"}; a holdout built from
     *     the split uses it as the partition name of its examples' positions
     */
    String name();

    /** @return where the split was read from, as a spec such as {@code "idx:/usr/share/datasets/fashion-mnist"} */
    String location();

    /** @return the number of examples, {@code >= 1} */
    int size();

    /** @return the shape of one example */
    Shape shape();

    /**
     * @return the number of classes, at least 2: fixed by the format where it has one (CIFAR-100:
     *     100 fine or 20 coarse), else the largest label plus one (IDX)
     */
    int numClasses();

    /**
     * @param index the example's index in the split, {@code [0, size())}
     * @return its label, {@code >= 0}
     */
    int label(int index);

    /** @return every label in file order, in a fresh array (for {@link StreamOrders#order}) */
    int[] labels();

    /**
     * Copies one example's uint8 pixels, channels first; does not allocate when the split is held in
     * memory (a split decoded on demand decodes the example's file, see {@link ImageFolderSplit}).
     *
     * @param index the example's index in the split, {@code [0, size())}
     * @param dst where to write {@code shape().elementCount()} bytes
     * @param dstOffset the first byte written in {@code dst}
     */
    void copyPixels(int index, byte[] dst, int dstOffset);

    /**
     * @param index the example's index in the split, {@code [0, size())}; becomes its id
     * @param position where the example sits in its stream
     * @return the example, with a fresh pixel array of its own
     */
    Example example(int index, StreamPosition position);

    /**
     * Reads the examples {@code order[from]}, {@code order[from + 1]}, ... {@code order[to - 1]},
     * in that order: how {@link IdxSource} streams the split. The default reads each with
     * {@link #example} on the reading thread, giving an example that throws a
     * {@link BadRecordException} to the bad-record handler; a split that decodes from files
     * overrides it to decode ahead on background threads (see {@link ImageFolderSplit}).
     *
     * @param order indices into the split, each in {@code [0, size())}; not copied, so it must
     *     not change while the reader is open
     * @param from the first position of {@code order} read
     * @param to one past the last position of {@code order} read, {@code [from, order.length]}
     * @return the reader, at {@code from}; the caller closes it
     */
    default SplitReader streamInOrder(int[] order, int from, int to) {
        Objects.checkFromToIndex(from, to, order.length);
        return new DirectSplitReader(this, order, from, to);
    }

    /**
     * @return the name of each class, indexed by label, where the dataset has them (the
     *     {@code *_label_names.txt} of a CIFAR-100 folder); empty by default (IDX has none)
     */
    default Optional<List<String>> labelNames() {
        return Optional.empty();
    }

    /**
     * The tasks of the split, as class ranges: task {@code t} owns the labels from
     * {@code offsets[t]} up to the next task's first label (the last task, up to
     * {@link #numClasses()}), and a task's examples lie together. A split of one dataset is one
     * task ({@code {0}}, the default); a {@link MultiTaskDataset}'s has one per task, which the
     * {@link StreamOrder#MULTI_TASK} order follows.
     *
     * @return a fresh array of the first class of each task, ascending from {@code 0}
     */
    default int[] taskClassOffsets() {
        return new int[] {0};
    }

    /**
     * @return images decoded from files so far, by any thread, for a split decoded on demand
     *     ({@link ImageFolderSplit}); {@code 0} for a split held in memory
     */
    default long decodedImages() {
        return 0;
    }

    /**
     * @return nanoseconds spent decoding {@link #decodedImages()}, summed over the decoding threads;
     *     {@code 0} for a split held in memory
     */
    default long decodeNanos() {
        return 0;
    }

    /**
     * @return the split in a few words, for the trainer's stream line: by default its
     *     {@link #location()}; a {@link MultiTaskDataset}'s also says how each task was brought to
     *     one shape
     */
    default String describe() {
        return location();
    }
}
