package io.coldstream.io;

import io.coldstream.core.Example;
import io.coldstream.core.Shape;
import io.coldstream.core.StreamPosition;

/**
 * One split of a labelled dataset, held in memory: the train split a run streams in a chosen order
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

    /** @return the largest label plus one, at least 2 */
    int numClasses();

    /**
     * @param index the example's index in the split, {@code [0, size())}
     * @return its label, {@code >= 0}
     */
    int label(int index);

    /** @return every label in file order, in a fresh array (for {@link StreamOrders#order}) */
    int[] labels();

    /**
     * Copies one example's uint8 pixels, channels first; does not allocate.
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
}
