package io.coldstream.replay;

import io.coldstream.core.ByteSize;
import io.coldstream.core.ConfigurationException;
import io.coldstream.core.DataException;
import io.coldstream.core.SeededRandom;
import io.coldstream.core.Shape;
import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.OperatingSystemMXBean;
import java.io.DataInput;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
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
     * Heap bytes every buffer costs besides its arrays' elements, rounded up: the buffer and slot
     * store objects and the headers of their arrays. Part of {@link #fixedBytes}.
     */
    static final int HEAP_OBJECT_BYTES = 448;

    /**
     * Creates a raw ({@link ReplayCodec#RAW}) buffer: {@code create(budget, shape, numClasses,
     * policy, ReplayCodec.RAW, random)}.
     *
     * @param budget the most bytes the buffer may allocate, everything counted
     * @param shape the shape of every example the buffer will take
     * @param numClasses the number of classes, {@code >= 1}
     * @param policy what a full buffer does with a new example
     * @param random the source of every random choice the buffer makes
     * @return a new, empty buffer; not thread-safe
     * @throws ConfigurationException as {@link #create(ByteSize, Shape, int, EvictionPolicy, ReplayCodec, SeededRandom)}
     */
    public static ReplayBuffer create(ByteSize budget, Shape shape, int numClasses, EvictionPolicy policy,
            SeededRandom random) {
        return create(budget, shape, numClasses, policy, ReplayCodec.RAW, random);
    }

    /**
     * Creates a buffer that stores examples of one shape in a codec's form under a hard byte budget
     * and allocates all of its storage now. The budget counts every byte the buffer allocates:
     * {@code capacity() * bytesPerEntry() + fixedBytes() <= budget}, where an entry's bytes are its
     * stored payload ({@link ReplayCodec#payloadBytes}, off the heap in direct buffers) and its
     * bookkeeping ints (on the heap), and the fixed bytes are the per-class arrays, the per-chunk
     * objects and the objects' headers ({@link #fixedBytes}).
     *
     * @param budget the most bytes the buffer may allocate, everything counted
     * @param shape the shape of every example the buffer will take
     * @param numClasses the number of classes, {@code >= 1}; labels lie in {@code [0, numClasses)}
     * @param policy what a full buffer does with a new example
     * @param codec how entries are stored
     * @param random the source of every random choice the buffer makes (eviction, sampling); the
     *     buffer takes it over and advances it, so derive one for the buffer alone, e.g.
     *     {@code root.derive("replay")}
     * @return a new, empty buffer; not thread-safe
     * @throws ConfigurationException if the budget does not hold one example, holds more than
     *     {@link #MAX_ENTRIES} entries, or its storage does not fit this JVM's direct-memory limit,
     *     its heap or the machine's memory (checked before anything is allocated)
     * @throws IllegalArgumentException if {@code numClasses < 1}
     */
    public static ReplayBuffer create(ByteSize budget, Shape shape, int numClasses, EvictionPolicy policy,
            ReplayCodec codec, SeededRandom random) {
        requireSettings(budget, shape, numClasses, policy);
        Objects.requireNonNull(codec, "codec");
        Objects.requireNonNull(random, "random");
        return allocate(budget, shape, numClasses, policy, codec, capacity(budget, shape, numClasses, policy, codec),
                random);
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

    /** Allocates a buffer of exactly {@code capacity} entries; package-private for the golden states. */
    static SlabReplayBuffer allocate(ByteSize budget, Shape shape, int numClasses, EvictionPolicy policy,
            ReplayCodec codec, int capacity, SeededRandom random) {
        return switch (policy) {
            case CLASS_BALANCED -> new ClassBalancedReplayBuffer(budget.bytes(), shape, numClasses, capacity, codec,
                    random);
            case RESERVOIR -> new ReservoirReplayBuffer(budget.bytes(), shape, numClasses, capacity, codec, random);
        };
    }

    /**
     * Reads a raw buffer's state: {@code readState(in, budget, shape, numClasses, policy,
     * ReplayCodec.RAW)}.
     *
     * @param in the state, positioned at its first byte (the magic number)
     * @param budget the current run's {@code replay.budget}
     * @param shape the current run's example shape
     * @param numClasses the current run's number of classes, {@code >= 1}
     * @param policy the current run's {@code replay.policy}
     * @return the restored buffer
     * @throws ConfigurationException as the six-argument form
     * @throws DataException as the six-argument form
     */
    public static ReplayBuffer readState(DataInput in, ByteSize budget, Shape shape, int numClasses,
            EvictionPolicy policy) {
        return readState(in, budget, shape, numClasses, policy, ReplayCodec.RAW);
    }

    /**
     * Reads a state that {@link ReplayBuffer#writeState} wrote (format version 2, or version 1,
     * which has no codec and is read as {@link ReplayCodec#RAW}) and returns a new buffer that
     * continues exactly where the written one stood: same entries in the same slots, same
     * counters, same sampling and eviction bookkeeping, and a {@link SeededRandom} of its own set
     * to the saved state. The caller passes the current run's configuration; it must match the
     * fingerprint the state was written with. The buffer gets the saved capacity, which must be
     * the one this budget gives today or the one it gave before the budget counted fixed bytes
     * (version 1's {@code floor(budget / bytesPerEntry)}), so that a run started before keeps
     * its capacity and resumes exactly. Every count and index read is checked before use, so a
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
     * @param codec the current run's {@code replay.codec}
     * @return the restored buffer
     * @throws ConfigurationException naming every setting that differs from the one the state was
     *     written with (or if the budget does not fit this JVM, as for {@link #create})
     * @throws DataException if the state is truncated, does not start with the magic number, has
     *     an unknown format version, fails a consistency check or its checksum, or {@code in} fails
     * @throws IllegalArgumentException if {@code numClasses < 1}
     */
    public static ReplayBuffer readState(DataInput in, ByteSize budget, Shape shape, int numClasses,
            EvictionPolicy policy, ReplayCodec codec) {
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(codec, "codec");
        requireSettings(budget, shape, numClasses, policy);
        ReplayStateFormat.Reader r = new ReplayStateFormat.Reader(in);
        int magic = r.readInt("magic number");
        if (magic != ReplayStateFormat.MAGIC) {
            throw new DataException(String.format("not a replay buffer state: it starts with 0x%08x but must start"
                    + " with the magic number 0x%08x (\"CSRB\")", magic, ReplayStateFormat.MAGIC));
        }
        int version = r.readInt("format version");
        if (version != ReplayStateFormat.VERSION && version != ReplayStateFormat.VERSION_1) {
            throw new DataException("replay buffer state has format version " + version + " but this Coldstream reads"
                    + " versions " + ReplayStateFormat.VERSION_1 + " and " + ReplayStateFormat.VERSION + " only");
        }
        readFingerprint(r, version >= 2, budget, shape, numClasses, policy, codec);
        int savedCapacity = r.readInt("capacity");
        long perEntry = bytesPerEntry(shape, policy, codec);
        long legacy = budget.bytes() / perEntry;
        if (savedCapacity < 1 || savedCapacity > legacy || savedCapacity > MAX_ENTRIES) {
            throw r.corrupt("capacity was " + savedCapacity + " but budget, shape, policy and codec allow 1 to "
                    + Math.min(legacy, MAX_ENTRIES));
        }
        int current = capacityOrZero(budget, shape, numClasses, policy, codec);
        long perEntryNow = bytesPerEntry(shape, policy, codec);
        long beforeIncrements = Math.min(MAX_ENTRIES, Math.max(0, budget.bytes()
                - fixedBytesBeforeIncrements(shape, numClasses, budget.bytes() / perEntryNow, policy, codec))
                / perEntryNow);
        if (savedCapacity != current && savedCapacity != legacy && savedCapacity != beforeIncrements) {
            throw r.corrupt("capacity was " + savedCapacity + " but budget, shape, policy and codec give " + current
                    + " (or " + beforeIncrements + " before the bit per slot for increments, or " + legacy
                    + " before fixed bytes were counted)");
        }
        checkFits(budget, shape, policy, codec, savedCapacity, Limits.current());
        SlabReplayBuffer buffer = allocate(budget, shape, numClasses, policy, codec, savedCapacity,
                new SeededRandom(0));
        buffer.readState(r);
        return buffer;
    }

    /**
     * Reads the policy, codec (when the format has one), budget, shape and number of classes, and
     * checks them against the current run's.
     */
    private static void readFingerprint(ReplayStateFormat.Reader r, boolean hasCodec, ByteSize budget, Shape shape,
            int numClasses, EvictionPolicy policy, ReplayCodec codec) {
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
        ReplayCodec savedCodec = ReplayCodec.RAW;
        if (hasCodec) {
            String codecName = r.readAscii("codec name", ReplayStateFormat.MAX_POLICY_NAME_BYTES);
            savedCodec = null;
            for (ReplayCodec c : ReplayCodec.values()) {
                if (c.cliName().equals(codecName)) {
                    savedCodec = c;
                }
            }
            if (savedCodec == null) {
                throw r.corrupt("codec was '" + codecName + "', which is not a codec this Coldstream knows");
            }
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
        if (savedCodec != codec) {
            differences.add("replay.codec was " + codec.cliName() + " but the checkpoint was written with "
                    + savedCodec.cliName() + "; resume with the same codec or start a new run");
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
    }

    /**
     * Applies an increment that {@link ReplayBuffer#writeIncrement} wrote to the buffer restored
     * from the state (or the increment) written just before it, so that the buffer continues exactly
     * where the writing one stood. The increment's fingerprint and capacity must be the buffer's.
     * Every count and index read is checked before use, and the checksum at the end; on any failure
     * the buffer is part-updated and must be discarded.
     *
     * @param in the increment, positioned at its magic number
     * @param buffer a buffer returned by {@link #readState} (and earlier increments), not used since
     * @throws ConfigurationException if the increment was written with another configuration
     * @throws DataException if it is not an increment, is truncated or corrupt, or does not follow
     *     the buffer's state
     */
    public static void applyIncrement(DataInput in, ReplayBuffer buffer) {
        Objects.requireNonNull(in, "in");
        if (!(Objects.requireNonNull(buffer, "buffer") instanceof SlabReplayBuffer slab)) {
            throw new IllegalArgumentException("buffer " + buffer + " was not created by ReplayBuffers");
        }
        ReplayStateFormat.Reader r = new ReplayStateFormat.Reader(in);
        int magic = r.readInt("magic number");
        if (magic != ReplayStateFormat.INCREMENT_MAGIC) {
            throw new DataException(String.format("not a replay buffer increment: it starts with 0x%08x but must"
                    + " start with the magic number 0x%08x (\"CSRI\")", magic, ReplayStateFormat.INCREMENT_MAGIC));
        }
        int version = r.readInt("format version");
        if (version != ReplayStateFormat.INCREMENT_VERSION) {
            throw new DataException("replay buffer increment has format version " + version + " but this Coldstream"
                    + " reads version " + ReplayStateFormat.INCREMENT_VERSION + " only");
        }
        readFingerprint(r, true, new ByteSize(buffer.budgetBytes()), buffer.shape(), buffer.numClasses(),
                buffer.policy(), buffer.codec());
        int savedCapacity = r.readInt("capacity");
        if (savedCapacity != buffer.capacity()) {
            throw r.corrupt("capacity was " + savedCapacity + " but the buffer it applies to holds "
                    + buffer.capacity());
        }
        slab.readIncrement(r);
    }

    /**
     * The bytes one entry costs in a buffer with this policy and codec: the stored payload
     * ({@link ReplayCodec#payloadBytes}) plus one element of each per-entry bookkeeping array
     * (for {@link EvictionPolicy#CLASS_BALANCED}: label, sampling order and class list, 12 bytes;
     * for {@link EvictionPolicy#RESERVOIR}: label and sampling order, 8 bytes).
     *
     * @param shape the example shape
     * @param policy the eviction policy
     * @param codec the codec
     * @return bytes per entry
     */
    public static long bytesPerEntry(Shape shape, EvictionPolicy policy, ReplayCodec codec) {
        return codec.payloadBytes(shape) + (long) bookkeepingBytesPerEntry(policy);
    }

    /**
     * The bytes a buffer of {@code capacity} entries allocates besides its entries: the per-class
     * arrays ({@code 16 * numClasses} for class-balanced: count, segment start, rank, by-count
     * order; {@code 4 * numClasses} for reservoir), {@value SlotStore#HEAP_BYTES_PER_CHUNK} heap
     * bytes per direct-buffer chunk of up to 1 GiB, one bit per entry (in whole longs, plus their
     * array's header) that marks the slots changed since the last checkpoint, and
     * {@value #HEAP_OBJECT_BYTES} bytes for the objects and array headers.
     *
     * @param shape the example shape
     * @param numClasses the number of classes
     * @param capacity the number of entries
     * @param policy the eviction policy
     * @param codec the codec
     * @return the fixed bytes, counted in the budget
     */
    public static long fixedBytes(Shape shape, int numClasses, long capacity, EvictionPolicy policy,
            ReplayCodec codec) {
        return fixedBytesBeforeIncrements(shape, numClasses, capacity, policy, codec)
                + CHANGED_ARRAY_HEADER_BYTES + (long) Long.BYTES * changedWords(capacity);
    }

    /** Heap bytes of the changed-slot bit set's array header. */
    private static final int CHANGED_ARRAY_HEADER_BYTES = 16;

    /** @return the longs of a bit set with one bit per slot */
    static int changedWords(long capacity) {
        return (int) ((Math.max(1, capacity) + 63) / 64);
    }

    /** {@link #fixedBytes} before the buffer kept a bit per slot for increments (version 2 states up to then). */
    private static long fixedBytesBeforeIncrements(Shape shape, int numClasses, long capacity, EvictionPolicy policy,
            ReplayCodec codec) {
        int perClass = switch (Objects.requireNonNull(policy, "policy")) {
            case CLASS_BALANCED -> ClassBalancedReplayBuffer.BYTES_PER_CLASS;
            case RESERVOIR -> ReservoirReplayBuffer.BYTES_PER_CLASS;
        };
        return HEAP_OBJECT_BYTES + (long) perClass * numClasses
                + (long) SlotStore.HEAP_BYTES_PER_CHUNK * SlotStore.chunkCount(Math.max(1, capacity),
                        codec.storedBytes(shape));
    }

    /**
     * The number of entries a buffer would hold, checking the budget as {@link #create} does but
     * allocating nothing; for validating a configuration before a run starts.
     *
     * @param budget the byte budget
     * @param shape the example shape
     * @param numClasses the number of classes
     * @param policy the eviction policy
     * @param codec the codec
     * @return the largest {@code n} with {@code n * bytesPerEntry + fixedBytes(n) <= budget}
     * @throws ConfigurationException if that is 0, more than {@link #MAX_ENTRIES}, or the storage
     *     does not fit this JVM's direct-memory limit, its heap or the machine's memory
     */
    public static int capacity(ByteSize budget, Shape shape, int numClasses, EvictionPolicy policy,
            ReplayCodec codec) {
        return capacity(budget, shape, numClasses, policy, codec, Limits.current());
    }

    static int capacity(ByteSize budget, Shape shape, int numClasses, EvictionPolicy policy, ReplayCodec codec,
            Limits limits) {
        long payload = codec.payloadBytes(shape);
        int bookkeeping = bookkeepingBytesPerEntry(policy);
        long perEntry = payload + bookkeeping;
        long capacity = largest(budget.bytes(), perEntry, n -> fixedBytes(shape, numClasses, n, policy, codec));
        long fixed = fixedBytes(shape, numClasses, Math.max(1, capacity), policy, codec);
        if (capacity < 1) {
            throw new ConfigurationException("replay.budget was '" + budget + "' (" + budget.bytes()
                    + " bytes) but one " + shape + " example needs " + perEntry + " bytes (" + payload
                    + " payload in codec " + codec.cliName() + " + " + bookkeeping + " bookkeeping) besides the "
                    + fixed + " fixed bytes of a buffer of " + numClasses + " classes");
        }
        if (capacity > MAX_ENTRIES) {
            throw new ConfigurationException("replay.budget was '" + budget + "' (" + budget.bytes()
                    + " bytes), room for " + capacity + " " + shape + " examples of " + perEntry
                    + " bytes, but a replay buffer holds at most " + MAX_ENTRIES + " entries");
        }
        checkFits(budget, shape, policy, codec, capacity, limits);
        return (int) capacity;
    }

    /** {@link #capacity} without its exceptions: 0 when the budget holds no entry. */
    private static int capacityOrZero(ByteSize budget, Shape shape, int numClasses, EvictionPolicy policy,
            ReplayCodec codec) {
        long perEntry = bytesPerEntry(shape, policy, codec);
        return (int) Math.min(MAX_ENTRIES, largest(budget.bytes(), perEntry,
                n -> fixedBytes(shape, numClasses, n, policy, codec)));
    }

    /**
     * The largest {@code n >= 0} with {@code n * perEntry + fixed(n) <= budget}, for a fixed-bytes
     * function that does not decrease with {@code n}: a binary search between the estimate from the
     * fixed bytes of the most entries the budget could hold (which fits) and that most (a linear
     * walk between them took a minute for a budget of {@code Long.MAX_VALUE} bytes).
     */
    private static long largest(long budget, long perEntry, java.util.function.LongUnaryOperator fixed) {
        long upper = budget / perEntry;
        long fits = Math.max(0, budget - fixed.applyAsLong(upper)) / perEntry;
        long tooMany = upper + 1;
        while (tooMany - fits > 1) {
            long mid = fits + (tooMany - fits) / 2;
            // mid <= upper, so mid * perEntry <= budget and the subtraction cannot overflow
            if (fixed.applyAsLong(mid) <= budget - mid * perEntry) {
                fits = mid;
            } else {
                tooMany = mid;
            }
        }
        return fits;
    }

    /** Refuses, before anything is allocated, storage that this JVM or machine cannot hold. */
    private static void checkFits(ByteSize budget, Shape shape, EvictionPolicy policy, ReplayCodec codec,
            long capacity, Limits limits) {
        long direct = capacity * codec.payloadBytes(shape);
        long heap = capacity * bookkeepingBytesPerEntry(policy);
        String what = "replay.budget was '" + budget + "' (" + budget.bytes() + " bytes) and its " + capacity
                + " entries take ";
        if (direct > limits.directBytesFree()) {
            throw new ConfigurationException(what + direct + " bytes of direct (off-heap) memory, more than the "
                    + limits.directBytesFree() + " bytes this JVM has left of its limit of " + limits.directBytesMax()
                    + "; lower replay.budget or raise -XX:MaxDirectMemorySize (its default is -Xmx)");
        }
        if (heap > limits.heapBytesMax()) {
            throw new ConfigurationException(what + heap + " bytes of bookkeeping on the heap, more than the JVM's"
                    + " maximum heap of " + limits.heapBytesMax() + " bytes; lower replay.budget or raise -Xmx");
        }
        if (direct + heap > limits.physicalBytes()) {
            throw new ConfigurationException(what + (direct + heap) + " bytes, more than this machine's "
                    + limits.physicalBytes() + " bytes of memory; lower replay.budget");
        }
    }

    private static int bookkeepingBytesPerEntry(EvictionPolicy policy) {
        return switch (Objects.requireNonNull(policy, "policy")) {
            case CLASS_BALANCED -> ClassBalancedReplayBuffer.BOOKKEEPING_BYTES_PER_ENTRY;
            case RESERVOIR -> ReservoirReplayBuffer.BOOKKEEPING_BYTES_PER_ENTRY;
        };
    }

    /**
     * The memory limits a budget is checked against, in bytes.
     *
     * @param directBytesMax this JVM's direct-memory limit ({@code -XX:MaxDirectMemorySize}, by default the maximum heap)
     * @param directBytesFree what is left of it now
     * @param heapBytesMax the maximum heap
     * @param physicalBytes the machine's memory
     */
    record Limits(long directBytesMax, long directBytesFree, long heapBytesMax, long physicalBytes) {

        /** The limits now: the fixed ones read once per JVM, the direct memory in use read now. */
        static Limits current() {
            long used = JvmMemory.DIRECT_POOL == null ? 0 : JvmMemory.DIRECT_POOL.getMemoryUsed();
            return new Limits(JvmMemory.DIRECT_MAX, Math.max(0, JvmMemory.DIRECT_MAX - used), JvmMemory.HEAP_MAX,
                    JvmMemory.PHYSICAL);
        }
    }

    /** What does not change while a JVM runs, read once (the management beans allocate when asked). */
    private static final class JvmMemory {

        static final long HEAP_MAX = Runtime.getRuntime().maxMemory();
        static final long DIRECT_MAX = directMax();
        static final long PHYSICAL = physical();
        static final BufferPoolMXBean DIRECT_POOL = directPool();

        private static long directMax() {
            try {
                HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
                long set = Long.parseLong(hotspot.getVMOption("MaxDirectMemorySize").getValue());
                if (set > 0) {
                    return set;
                }
            } catch (RuntimeException e) {
                // Not a HotSpot JVM: the JDK's default (the maximum heap) stands.
            }
            return HEAP_MAX;
        }

        private static long physical() {
            if (ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os) {
                return os.getTotalMemorySize();
            }
            return Long.MAX_VALUE;
        }

        private static BufferPoolMXBean directPool() {
            for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
                if (pool.getName().equals("direct")) {
                    return pool;
                }
            }
            return null;
        }
    }
}
