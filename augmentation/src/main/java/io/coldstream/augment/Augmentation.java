package io.coldstream.augment;

import io.coldstream.core.MiniBatch;
import io.coldstream.core.SeededRandom;

/**
 * One in-place, seeded change to a mini-batch, such as a random crop, a flip or mixup.
 *
 * <p>{@link #apply} changes only rows {@code [batch.augmentFrom(), batch.size())} of
 * {@link MiniBatch#features()} and {@link MiniBatch#targets()}; rows before
 * {@code augmentFrom} stay bit for bit as they were, and the array lengths and
 * {@link MiniBatch#size()} never change. Every random choice comes from the {@link SeededRandom}
 * passed in, so the same generator state and the same batch give the same result, bit for bit.
 *
 * <p>An implementation may keep scratch buffers: they are sized on the first call for a batch
 * shape and reused, so that {@code apply} does not allocate afterwards (they grow only when a
 * larger batch arrives). Hence implementations are <b>not thread-safe</b>: give each trainer thread
 * its own instance.
 */
public interface Augmentation {

    /**
     * Augments rows {@code [batch.augmentFrom(), batch.size())} in place.
     *
     * @param batch the batch to change; its other rows are left untouched
     * @param random the only source of random choices; advanced by the draws this call makes
     */
    void apply(MiniBatch batch, SeededRandom random);
}
