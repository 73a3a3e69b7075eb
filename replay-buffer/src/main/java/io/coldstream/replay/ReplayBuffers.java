package io.coldstream.replay;

import io.coldstream.core.ByteSize;
import io.coldstream.core.ConfigurationException;
import io.coldstream.core.SeededRandom;
import io.coldstream.core.Shape;
import java.util.Objects;

/** Creates {@link ReplayBuffer}s. Stateless; safe to call from any thread. */
public final class ReplayBuffers {

    /** The most entries one buffer can index (the largest safe Java array length). */
    public static final int MAX_ENTRIES = Integer.MAX_VALUE - 8;

    private ReplayBuffers() {
    }

    /**
     * Creates a buffer that stores uint8 examples of one shape under a hard byte budget and
     * allocates all of its per-entry storage now: {@code capacity() * bytesPerEntry() <= budget}.
     * Per-class arrays add a fixed {@code 16 * numClasses} bytes at most, outside the budget.
     *
     * @param budget the most bytes the entries may take, payload and bookkeeping together
     * @param shape the shape of every example the buffer will take
     * @param numClasses the number of classes, {@code >= 1}; labels lie in {@code [0, numClasses)}
     * @param policy what a full buffer does with a new example
     * @param random the source of every random choice the buffer makes (eviction, sampling); the
     *     buffer takes it over and advances it, so derive one for the buffer alone, e.g.
     *     {@code root.derive("replay")}
     * @return a new, empty buffer; not thread-safe
     * @throws ConfigurationException if the budget does not hold one example, holds more than
     *     {@link #MAX_ENTRIES} entries, or is larger than the JVM's maximum heap
     * @throws IllegalArgumentException if {@code numClasses < 1}
     */
    public static ReplayBuffer create(ByteSize budget, Shape shape, int numClasses, EvictionPolicy policy,
            SeededRandom random) {
        Objects.requireNonNull(budget, "budget");
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(random, "random");
        if (numClasses < 1) {
            throw new IllegalArgumentException("numClasses was " + numClasses + " but must be >= 1");
        }
        int capacity = capacity(budget, shape, policy);
        return switch (policy) {
            case CLASS_BALANCED -> new ClassBalancedReplayBuffer(budget.bytes(), shape, numClasses, capacity, random);
            case RESERVOIR -> new ReservoirReplayBuffer(budget.bytes(), shape, numClasses, capacity, random);
        };
    }

    /**
     * The bytes one entry costs in a buffer with this policy: the uint8 payload
     * ({@code shape.elementCount()} bytes) plus one element of each per-entry bookkeeping array
     * (for {@link EvictionPolicy#CLASS_BALANCED}: label, sampling order and class list, 12 bytes;
     * for {@link EvictionPolicy#RESERVOIR}: label and sampling order, 8 bytes).
     *
     * @param shape the example shape
     * @param policy the eviction policy
     * @return bytes per entry
     */
    public static long bytesPerEntry(Shape shape, EvictionPolicy policy) {
        return shape.elementCount() + (long) bookkeepingBytesPerEntry(policy);
    }

    /**
     * The number of entries a buffer would hold, checking the budget as {@link #create} does but
     * allocating nothing; for validating a configuration before a run starts.
     *
     * @param budget the byte budget
     * @param shape the example shape
     * @param policy the eviction policy
     * @return {@code floor(budget / bytesPerEntry(shape, policy))}
     * @throws ConfigurationException if that is 0, more than {@link #MAX_ENTRIES}, or the storage
     *     would be larger than the JVM's maximum heap
     */
    public static int capacity(ByteSize budget, Shape shape, EvictionPolicy policy) {
        long payload = shape.elementCount();
        int bookkeeping = bookkeepingBytesPerEntry(policy);
        long perEntry = payload + bookkeeping;
        long capacity = budget.bytes() / perEntry;
        if (capacity < 1) {
            throw new ConfigurationException("replay.budget was '" + budget + "' (" + budget.bytes()
                    + " bytes) but one " + shape + " example needs " + perEntry + " bytes (" + payload
                    + " payload + " + bookkeeping + " bookkeeping)");
        }
        if (capacity > MAX_ENTRIES) {
            throw new ConfigurationException("replay.budget was '" + budget + "' (" + budget.bytes()
                    + " bytes), room for " + capacity + " " + shape + " examples of " + perEntry
                    + " bytes, but a replay buffer holds at most " + MAX_ENTRIES + " entries");
        }
        long storage = capacity * perEntry;
        long maxHeap = Runtime.getRuntime().maxMemory();
        if (maxHeap != Long.MAX_VALUE && storage > maxHeap) {
            throw new ConfigurationException("replay.budget was '" + budget + "' (" + budget.bytes()
                    + " bytes) and its " + capacity + " entries take " + storage
                    + " bytes, more than the JVM's maximum heap of " + maxHeap
                    + " bytes; lower replay.budget or raise -Xmx");
        }
        return (int) capacity;
    }

    private static int bookkeepingBytesPerEntry(EvictionPolicy policy) {
        return switch (Objects.requireNonNull(policy, "policy")) {
            case CLASS_BALANCED -> ClassBalancedReplayBuffer.BOOKKEEPING_BYTES_PER_ENTRY;
            case RESERVOIR -> ReservoirReplayBuffer.BOOKKEEPING_BYTES_PER_ENTRY;
        };
    }
}
