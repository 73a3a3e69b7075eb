package io.coldstream.replay;

import io.coldstream.core.ByteSize;
import io.coldstream.core.ConfigurationException;
import io.coldstream.core.DataException;
import io.coldstream.core.SeededRandom;
import io.coldstream.core.Shape;
import java.io.DataInput;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Creates {@link ReplayBuffer}s, and restores them from a checkpoint ({@link #readState}).
 * Stateless; safe to call from any thread.
 */
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
        requireSettings(budget, shape, numClasses, policy);
        Objects.requireNonNull(random, "random");
        return allocate(budget, shape, numClasses, policy, random);
    }

    /** The argument checks {@link #create} and {@link #readState} share. */
    private static void requireSettings(ByteSize budget, Shape shape, int numClasses, EvictionPolicy policy) {
        Objects.requireNonNull(budget, "budget");
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(policy, "policy");
        if (numClasses < 1) {
            throw new IllegalArgumentException("numClasses was " + numClasses + " but must be >= 1");
        }
    }

    private static SlabReplayBuffer allocate(ByteSize budget, Shape shape, int numClasses, EvictionPolicy policy,
            SeededRandom random) {
        int capacity = capacity(budget, shape, policy);
        return switch (policy) {
            case CLASS_BALANCED -> new ClassBalancedReplayBuffer(budget.bytes(), shape, numClasses, capacity, random);
            case RESERVOIR -> new ReservoirReplayBuffer(budget.bytes(), shape, numClasses, capacity, random);
        };
    }

    /**
     * Reads a state that {@link ReplayBuffer#writeState} wrote and returns a new buffer that
     * continues exactly where the written one stood: same entries in the same slots, same
     * counters, same sampling and eviction bookkeeping, and a {@link SeededRandom} of its own set
     * to the saved state. The caller passes the current run's configuration; it must match the
     * fingerprint the state was written with. Storage is allocated as {@link #create} does for
     * that configuration, and every count and index read is checked against it before use, so a
     * corrupt state cannot make it allocate more or index out of bounds. Reads exactly the bytes
     * {@code writeState} wrote, unless it throws.
     *
     * <p>Stateless; safe to call from any thread. The buffer returned is not thread-safe.
     *
     * @param in the state, positioned at its first byte (the magic number)
     * @param budget the current run's {@code replay.budget}
     * @param shape the current run's example shape
     * @param numClasses the current run's number of classes, {@code >= 1}
     * @param policy the current run's {@code replay.policy}
     * @return the restored buffer
     * @throws ConfigurationException naming every setting that differs from the one the state was
     *     written with (or if the budget does not fit this JVM, as for {@link #create})
     * @throws DataException if the state is truncated, does not start with the magic number, has
     *     another format version, fails a consistency check or its checksum, or {@code in} fails
     * @throws IllegalArgumentException if {@code numClasses < 1}
     */
    public static ReplayBuffer readState(DataInput in, ByteSize budget, Shape shape, int numClasses,
            EvictionPolicy policy) {
        Objects.requireNonNull(in, "in");
        requireSettings(budget, shape, numClasses, policy);
        ReplayStateFormat.Reader r = new ReplayStateFormat.Reader(in);
        int magic = r.readInt("magic number");
        if (magic != ReplayStateFormat.MAGIC) {
            throw new DataException(String.format("not a replay buffer state: it starts with 0x%08x but must start"
                    + " with the magic number 0x%08x (\"CSRB\")", magic, ReplayStateFormat.MAGIC));
        }
        int version = r.readInt("format version");
        if (version != ReplayStateFormat.VERSION) {
            throw new DataException("replay buffer state has format version " + version + " but this Coldstream reads"
                    + " version " + ReplayStateFormat.VERSION + " only");
        }
        String policyName = r.readAscii("policy name", ReplayStateFormat.MAX_POLICY_NAME_BYTES);
        EvictionPolicy savedPolicy = null;
        for (EvictionPolicy p : EvictionPolicy.values()) {
            if (p.cliName().equals(policyName)) {
                savedPolicy = p;
            }
        }
        if (savedPolicy == null) {
            throw r.corrupt("policy was '" + policyName + "', which is not a policy this Coldstream knows");
        }
        long savedBudget = r.readLong("budget");
        int channels = r.readInt("shape channels");
        int height = r.readInt("shape height");
        int width = r.readInt("shape width");
        int savedClasses = r.readInt("numClasses");
        if (savedBudget < 0) {
            throw r.corrupt("budget was " + savedBudget + " bytes but must be >= 0");
        }
        if (channels < 1 || height < 1 || width < 1 || (long) channels * height * width > Integer.MAX_VALUE) {
            throw r.corrupt("shape was " + channels + "x" + height + "x" + width
                    + " but every dimension must be >= 1 and the element count at most 2^31-1");
        }
        if (savedClasses < 1) {
            throw r.corrupt("numClasses was " + savedClasses + " but must be >= 1");
        }
        List<String> differences = new ArrayList<>();
        if (savedBudget != budget.bytes()) {
            differences.add("replay.budget was " + budget + " but the checkpoint was written with "
                    + new ByteSize(savedBudget) + "; resume with the same budget or start a new run");
        }
        if (savedPolicy != policy) {
            differences.add("replay.policy was " + policy.cliName() + " but the checkpoint was written with "
                    + savedPolicy.cliName() + "; resume with the same policy or start a new run");
        }
        if (channels != shape.channels() || height != shape.height() || width != shape.width()) {
            differences.add("the example shape was " + shape + " but the checkpoint was written with " + channels
                    + "x" + height + "x" + width + "; resume on the same data or start a new run");
        }
        if (savedClasses != numClasses) {
            differences.add("numClasses was " + numClasses + " but the checkpoint was written with " + savedClasses
                    + "; resume on the same data or start a new run");
        }
        if (!differences.isEmpty()) {
            throw new ConfigurationException(differences);
        }
        SlabReplayBuffer buffer = allocate(budget, shape, numClasses, policy, new SeededRandom(0));
        buffer.readState(r);
        return buffer;
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
