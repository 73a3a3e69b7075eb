package io.coldstream.replay;

import io.coldstream.core.SeededRandom;
import io.coldstream.core.Shape;

/**
 * {@link EvictionPolicy#RESERVOIR}: Vitter's Algorithm R ("Random Sampling with a Reservoir",
 * ACM TOMS 1985). Example {@code i >= capacity} (0-based) draws {@code j} uniformly from
 * {@code [0, i]} and replaces slot {@code j} if {@code j < capacity}.
 */
final class ReservoirReplayBuffer extends SlabReplayBuffer {

    /** Per entry: label and sampling order, one int each. */
    static final int BOOKKEEPING_BYTES_PER_ENTRY = 2 * Integer.BYTES;

    /** Per class: the class count. */
    static final int BYTES_PER_CLASS = Integer.BYTES;

    ReservoirReplayBuffer(long budgetBytes, Shape shape, int numClasses, int capacity, ReplayCodec codec,
            SeededRandom random) {
        super(budgetBytes, shape, numClasses, capacity, codec, random);
    }

    @Override
    public EvictionPolicy policy() {
        return EvictionPolicy.RESERVOIR;
    }

    @Override
    void added(int slot, int label) {
        classCounts[label]++;
    }

    @Override
    boolean offerWhenFull(byte[] pixels, int label, long index) {
        long j = index < Integer.MAX_VALUE ? random.nextInt((int) (index + 1)) : nextLong(random, index + 1);
        if (j >= capacity) {
            return false;
        }
        int slot = (int) j;
        classCounts[labels[slot]]--;
        replace(slot, pixels, label);
        classCounts[label]++;
        return true;
    }

    /** Nothing beyond the shared state: labels, sampling order, counters and the random state. */
    @Override
    int[][] copyPolicyArrays() {
        return new int[0][]; // Algorithm R keeps no state of its own.
    }

    @Override
    void readPolicyState(ReplayStateFormat.Reader in) {
        // Algorithm R keeps no state of its own.
    }

    /** A uniformly distributed long in {@code [0, bound)}, {@code bound > 0}, without modulo bias. */
    static long nextLong(SeededRandom random, long bound) {
        long bits;
        long value;
        do {
            bits = random.nextLong() >>> 1;
            value = bits % bound;
        } while (bits - value + (bound - 1) < 0L);
        return value;
    }
}
