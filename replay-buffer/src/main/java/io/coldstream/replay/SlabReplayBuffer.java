package io.coldstream.replay;

import io.coldstream.core.Example;
import io.coldstream.core.SeededRandom;
import io.coldstream.core.Shape;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * What every policy shares: the entries' stored form ({@link ReplayCodec}) in a preallocated
 * off-heap {@link SlotStore}, a label per slot, a sampling order, per-class counts and the
 * counters. Slots {@code [0, size)} are always the ones in use; once full, an eviction overwrites
 * a slot in place, so slots are never freed.
 *
 * <p>All state is in the fields below plus the {@link SeededRandom}'s state, so that a checkpoint
 * can save and restore it ({@link #writeState}, {@link #readState}).
 */
abstract class SlabReplayBuffer implements ReplayBuffer {

    private final long budgetBytes;
    private final Shape shape;
    final int numClasses;
    final int capacity;
    private final long bytesPerEntry;
    private final long fixedBytes;
    private final int elementCount;
    private final ReplayCodec codec;
    final SeededRandom random;

    /** Stored payloads, off the heap. */
    private final SlotStore store;
    /** Label of the entry in each slot (per-entry bookkeeping). */
    final int[] labels;
    /**
     * A permutation of the used slots in {@code [0, size)} (per-entry bookkeeping); sampling runs
     * a partial Fisher-Yates shuffle over it and leaves it permuted, which keeps it a permutation.
     */
    private final int[] samplingOrder;
    /** Entries per label (fixed overhead). */
    final int[] classCounts;
    /**
     * One bit per slot, set when the slot is written and cleared when a state or increment is
     * written (fixed overhead: {@code 8 * ceil(capacity / 64)} bytes); {@link #changedCount} bits set.
     */
    private final long[] changed;
    private int changedCount;
    /** {@link #offered} when the last state or increment was written or read: what an increment follows. */
    private long offeredAtWrite;
    /**
     * The newest capture, until the owner thread has seen it finish ({@link #settleCapture}); only the
     * owner thread writes this field.
     */
    private Capture capture;

    int size;
    private long offered;
    private long evictions;

    SlabReplayBuffer(long budgetBytes, Shape shape, int numClasses, int capacity, ReplayCodec codec,
            SeededRandom random) {
        this.budgetBytes = budgetBytes;
        this.shape = shape;
        this.numClasses = numClasses;
        this.capacity = capacity;
        this.codec = codec;
        this.elementCount = shape.elementCount();
        this.bytesPerEntry = ReplayBuffers.bytesPerEntry(shape, policy(), codec);
        this.fixedBytes = ReplayBuffers.fixedBytes(shape, numClasses, capacity, policy(), codec);
        this.random = random;
        this.store = new SlotStore(capacity, codec.storedBytes(shape));
        this.labels = new int[capacity];
        this.samplingOrder = new int[capacity];
        this.classCounts = new int[numClasses];
        this.changed = new long[ReplayBuffers.changedWords(capacity)];
    }

    /**
     * Records a new entry that was just written to slot {@code size - 1} (the buffer was not full):
     * update the class bookkeeping.
     */
    abstract void added(int slot, int label);

    /**
     * The buffer is full: store the example per policy (through {@link #replace}) or decline it.
     *
     * @param index the example's 0-based index among all examples offered
     */
    abstract boolean offerWhenFull(byte[] pixels, int label, long index);

    /**
     * Copies of the policy's own arrays, written after the shared state in this order (format on
     * {@link ReplayBuffer#writeState}).
     */
    abstract int[][] copyPolicyArrays();

    /**
     * Reads and checks what {@link #copyPolicyArrays} captured, into this buffer whose shared state
     * ({@link #labels}, {@link #classCounts}, {@link #size}) has just been restored.
     */
    abstract void readPolicyState(ReplayStateFormat.Reader in);

    @Override
    public final void writeState(DataOutput out) throws IOException {
        Objects.requireNonNull(out, "out");
        try (PendingWrite write = captureState()) {
            write.writeTo(out);
        }
    }

    @Override
    public final void writeIncrement(DataOutput out) throws IOException {
        Objects.requireNonNull(out, "out");
        try (PendingWrite write = captureIncrement()) {
            write.writeTo(out);
        }
    }

    @Override
    public final PendingWrite captureState() {
        return capture(true);
    }

    @Override
    public final PendingWrite captureIncrement() {
        return capture(false);
    }

    private Capture capture(boolean full) {
        settleCapture();
        if (capture != null) {
            throw new IllegalStateException("a previous capture of this replay buffer is still being written; wait for"
                    + " it before capturing again");
        }
        Capture c = new Capture(full);
        long[] bits = changed.clone();
        c.changedBefore = bits;
        c.changedCountBefore = changedCount;
        c.offeredAtWriteBefore = offeredAtWrite;
        Arrays.fill(changed, 0L);
        changedCount = 0;
        offeredAtWrite = offered;
        capture = c;
        return c;
    }

    /**
     * On the owner thread: forgets a finished capture; one that failed or was abandoned gives its
     * changed slots back, so that the next increment follows the last write that succeeded.
     */
    private void settleCapture() {
        Capture c = capture;
        if (c == null || !c.done) {
            return;
        }
        capture = null;
        if (c.failed) {
            for (int w = 0; w < changed.length; w++) {
                changed[w] |= c.changedBefore[w];
            }
            int count = 0;
            for (long word : changed) {
                count += Long.bitCount(word);
            }
            changedCount = count;
            offeredAtWrite = c.offeredAtWriteBefore;
        }
    }

    @Override
    public final int changedSinceWrite() {
        settleCapture();
        return changedCount;
    }

    /** The first changed slot at or after {@code from}, or {@code -1}. */
    private int nextChanged(int from) {
        if (from >= capacity) {
            return -1;
        }
        int word = from >>> 6;
        long bits = changed[word] & (-1L << (from & 63));
        while (bits == 0) {
            if (++word == changed.length) {
                return -1;
            }
            bits = changed[word];
        }
        return (word << 6) + Long.numberOfTrailingZeros(bits);
    }

    private void markChanged(int slot) {
        long bit = 1L << (slot & 63);
        int word = slot >>> 6;
        if ((changed[word] & bit) == 0) {
            changed[word] |= bit;
            changedCount++;
        }
    }

    private void clearChanged() {
        Arrays.fill(changed, 0L);
        changedCount = 0;
        offeredAtWrite = offered;
    }

    /** The magic number, version, configuration fingerprint, capacity, counters, random state and size. */
    private void writeHeader(ReplayStateFormat.Writer w, int magic, int version, long offeredNow, long evictionsNow,
            long randomState, int sizeNow) throws IOException {
        w.writeInt(magic);
        w.writeInt(version);
        w.writeAscii(policy().cliName());
        w.writeAscii(codec.cliName());
        w.writeLong(budgetBytes);
        w.writeInt(shape.channels());
        w.writeInt(shape.height());
        w.writeInt(shape.width());
        w.writeInt(numClasses);
        w.writeInt(capacity);
        w.writeLong(offeredNow);
        w.writeLong(evictionsNow);
        w.writeLong(randomState);
        w.writeInt(sizeNow);
    }

    /**
     * Fills this new, empty buffer from a saved state whose header, configuration fingerprint and
     * capacity {@link ReplayBuffers#readState} has already read, matched and allocated for, checking
     * every count and index before it is used, and finally the checksum.
     */
    final void readState(ReplayStateFormat.Reader in) {
        long savedOffered = in.readLong("offered");
        long savedEvictions = in.readLong("evictions");
        long randomState = in.readLong("random state");
        int savedSize = in.readInt("size");
        requireCounters(in, savedOffered, savedEvictions, savedSize);
        for (int first = 0; first < savedSize;) {
            int run = store.runFrom(first, savedSize - first);
            in.readBytes(store.chunk(first), store.offset(first), run * store.slotBytes(), "payload");
            first += run;
        }
        in.readInts(labels, 0, savedSize, "labels");
        for (int slot = 0; slot < savedSize; slot++) {
            requireLabel(in, slot, labels[slot]);
        }
        readArraysAndFinish(in, savedSize, savedOffered, savedEvictions, randomState);
    }

    /**
     * Applies an increment whose header and fingerprint {@link ReplayBuffers#applyIncrement} has
     * read and matched: the changed slots, then the whole arrays, each count and index checked
     * before use, then the checksum. On a failure the buffer is left part-updated and must be
     * discarded.
     */
    final void readIncrement(ReplayStateFormat.Reader in) {
        long savedOffered = in.readLong("offered");
        long savedEvictions = in.readLong("evictions");
        long randomState = in.readLong("random state");
        int savedSize = in.readInt("size");
        requireCounters(in, savedOffered, savedEvictions, savedSize);
        long follows = in.readLong("offered before the increment");
        if (follows != offered) {
            throw new io.coldstream.core.DataException("replay buffer increment follows a state with " + follows
                    + " examples offered but the buffer it is applied to has " + offered + ": apply the base and"
                    + " then each increment after it, in order");
        }
        if (savedSize < size || savedOffered < offered || savedEvictions < evictions) {
            throw in.corrupt("size " + savedSize + ", offered " + savedOffered + " and evictions " + savedEvictions
                    + " must not be below the state it applies to (" + size + ", " + offered + ", " + evictions
                    + "): an increment applies to the state written just before it");
        }
        int m = in.readInt("changed slots");
        if (m < savedSize - size || m > savedSize) {
            throw in.corrupt("changed slots were " + m + " but must be in [" + (savedSize - size) + ", " + savedSize
                    + "]: every slot added since the previous state is changed");
        }
        int[] slots = new int[m];
        in.readInts(slots, 0, m, "changed slots");
        for (int i = 0; i < m; i++) {
            if (slots[i] < 0 || slots[i] >= savedSize || (i > 0 && slots[i] <= slots[i - 1])) {
                throw in.corrupt("changed slot " + i + " was " + slots[i] + " but the changed slots must ascend"
                        + " within [0, " + savedSize + ")");
            }
        }
        if (m > 0 && savedSize > size && (m < savedSize - size || slots[m - (savedSize - size)] != size)) {
            throw in.corrupt("the slots added since the previous state, [" + size + ", " + savedSize
                    + "), must all be among the changed slots");
        }
        int bytes = store.slotBytes();
        for (int slot : slots) {
            in.readBytes(store.chunk(slot), store.offset(slot), bytes, "payload");
        }
        for (int slot : slots) {
            labels[slot] = requireLabel(in, slot, in.readInt("label"));
        }
        readArraysAndFinish(in, savedSize, savedOffered, savedEvictions, randomState);
    }

    /** @return {@code label}, checked to lie in {@code [0, numClasses)} */
    private int requireLabel(ReplayStateFormat.Reader in, int slot, int label) {
        if (label < 0 || label >= numClasses) {
            throw in.corrupt("slot " + slot + " has label " + label + " but labels lie in [0, " + numClasses + ")");
        }
        return label;
    }

    /**
     * What a state and an increment end with, once the labels of slots {@code [0, savedSize)} are in
     * place: the class counts recounted from them, the sampling order and the policy's arrays read
     * and checked, the counters set, the checksum checked, the random state set and the change
     * tracking started afresh.
     */
    private void readArraysAndFinish(ReplayStateFormat.Reader in, int savedSize, long savedOffered,
            long savedEvictions, long randomState) {
        Arrays.fill(classCounts, 0);
        for (int slot = 0; slot < savedSize; slot++) {
            classCounts[labels[slot]]++;
        }
        in.readInts(samplingOrder, 0, savedSize, "sampling order");
        requirePermutation(in, samplingOrder, savedSize, "sampling order");
        size = savedSize;
        offered = savedOffered;
        evictions = savedEvictions;
        readPolicyState(in);
        in.finish();
        random.setState(randomState);
        clearChanged();
    }

    private void requireCounters(ReplayStateFormat.Reader in, long savedOffered, long savedEvictions, int savedSize) {
        if (savedSize < 0 || savedSize > capacity) {
            throw in.corrupt("size was " + savedSize + " but must be in [0, " + capacity + "]");
        }
        boolean countersValid = savedSize < capacity
                ? savedOffered == savedSize && savedEvictions == 0
                : savedOffered >= savedSize && savedEvictions >= 0 && savedEvictions <= savedOffered - savedSize;
        if (!countersValid) {
            throw in.corrupt("offered " + savedOffered + ", evictions " + savedEvictions + " and size " + savedSize
                    + " (capacity " + capacity + ") do not fit together: a buffer that is not full has been offered"
                    + " exactly size examples and evicted none; a full one has evicted at most offered - size");
        }
    }

    /** Checks that {@code values[0, n)} holds every int in {@code [0, n)} once. */
    static void requirePermutation(ReplayStateFormat.Reader in, int[] values, int n, String what) {
        boolean[] seen = new boolean[n];
        for (int i = 0; i < n; i++) {
            int v = values[i];
            if (v < 0 || v >= n || seen[v]) {
                throw in.corrupt(what + "[" + i + "] was " + v + " but the first " + n
                        + " entries must hold each of [0, " + n + ") once");
            }
            seen[v] = true;
        }
    }

    @Override
    public final boolean offer(Example example) {
        Objects.requireNonNull(example, "example");
        Shape exampleShape = example.shape();
        if (exampleShape != shape && !exampleShape.equals(shape)) {
            throw new IllegalArgumentException("example " + example.id() + " has shape " + exampleShape
                    + " but this replay buffer holds " + shape + " examples");
        }
        int label = example.label();
        if (label >= numClasses) {
            throw new IllegalArgumentException("example " + example.id() + " has label " + label
                    + " but this replay buffer holds labels 0.." + (numClasses - 1) + " (numClasses " + numClasses + ")");
        }
        long index = offered++;
        if (size < capacity) {
            int slot = size;
            writePixels(slot, example.pixels());
            labels[slot] = label;
            samplingOrder[slot] = slot;
            markChanged(slot);
            size = slot + 1;
            added(slot, label);
            return true;
        }
        return offerWhenFull(example.pixels(), label, index);
    }

    /** Overwrites the entry in {@code slot} with a new example and counts one eviction. */
    final void replace(int slot, byte[] pixels, int label) {
        writePixels(slot, pixels);
        labels[slot] = label;
        markChanged(slot);
        evictions++;
    }

    @Override
    public final int sample(int k, byte[] pixelsOut, int[] labelsOut) {
        Objects.requireNonNull(pixelsOut, "pixelsOut");
        Objects.requireNonNull(labelsOut, "labelsOut");
        if (k < 0) {
            throw new IllegalArgumentException("k was " + k + " but must be >= 0");
        }
        long pixelsNeeded = (long) k * elementCount;
        if (pixelsOut.length < pixelsNeeded) {
            throw new IllegalArgumentException("pixelsOut holds " + pixelsOut.length + " bytes but " + k
                    + " entries of shape " + shape + " need " + pixelsNeeded);
        }
        if (labelsOut.length < k) {
            throw new IllegalArgumentException("labelsOut holds " + labelsOut.length + " labels but k was " + k);
        }
        int n = Math.min(k, size);
        int[] order = samplingOrder;
        for (int j = 0; j < n; j++) {
            int r = j + random.nextInt(size - j);
            int slot = order[r];
            order[r] = order[j];
            order[j] = slot;
            codec.decode(store.chunk(slot), store.offset(slot), pixelsOut, j * elementCount, shape);
            labelsOut[j] = labels[slot];
        }
        return n;
    }

    private void writePixels(int slot, byte[] pixels) {
        Capture c = capture;
        if (c != null && !c.done) {
            c.beforeOverwrite(slot);
        }
        ByteBuffer chunk = store.chunk(slot);
        codec.encode(pixels, chunk, store.offset(slot), shape);
    }

    @Override
    public final int size() {
        return size;
    }

    @Override
    public final int capacity() {
        return capacity;
    }

    @Override
    public final long bytesUsed() {
        return size * bytesPerEntry;
    }

    @Override
    public final long budgetBytes() {
        return budgetBytes;
    }

    @Override
    public final long bytesPerEntry() {
        return bytesPerEntry;
    }

    @Override
    public final long fixedBytes() {
        return fixedBytes;
    }

    @Override
    public final long allocatedBytes() {
        return capacity * bytesPerEntry + fixedBytes;
    }

    @Override
    public final long payloadBytesPerEntry() {
        return store.slotBytes();
    }

    @Override
    public final ReplayCodec codec() {
        return codec;
    }

    @Override
    public final long evictions() {
        return evictions;
    }

    @Override
    public final long offered() {
        return offered;
    }

    @Override
    public final int classCount(int label) {
        if (label < 0 || label >= numClasses) {
            throw new IllegalArgumentException("label was " + label + " but must be in [0, " + numClasses + ")");
        }
        return classCounts[label];
    }

    @Override
    public final int numClasses() {
        return numClasses;
    }

    @Override
    public final Shape shape() {
        return shape;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[policy=" + policy().cliName() + ", codec=" + codec.cliName()
                + ", shape=" + shape + ", size=" + size
                + ", capacity=" + capacity + ", bytesPerEntry=" + bytesPerEntry + ", budgetBytes=" + budgetBytes
                + ", offered=" + offered + ", evictions=" + evictions + "]";
    }

    /**
     * A state or increment captured on the owner thread: the counters, random state and the copies
     * of the per-entry arrays are taken at once; the payloads stay in the store and are read by the
     * writing thread in batches, under this object's lock, with copy on write for a slot that the
     * owner overwrites before the write has read it ({@link #beforeOverwrite}).
     */
    private final class Capture implements PendingWrite {

        private final boolean full;
        private final long offeredNow = offered;
        private final long evictionsNow = evictions;
        private final long randomState = random.state();
        private final int sizeNow = size;
        /** For an increment, the offered count of the state it follows. */
        private final long follows = offeredAtWrite;
        /** For an increment, the changed slots, ascending; {@code null} for a state (slots {@code [0, sizeNow)}). */
        private final int[] slots;
        /** How many payloads the write holds: {@code sizeNow} or {@code slots.length}. */
        private final int count;
        /** The labels in payload order. */
        private final int[] labelsNow;
        private final int[] orderNow;
        private final int[][] policyNow;
        /** The change tracking before the capture, given back if the capture fails. */
        long[] changedBefore;
        int changedCountBefore;
        long offeredAtWriteBefore;

        /** How many payloads (in payload order) the writer has read; guarded by this. */
        private int progress;
        /** Payload positions whose bytes were set aside, one bit each; guarded by this. */
        private long[] preservedBits;
        /** Payload positions of the bytes set aside, in pool order; guarded by this. */
        private int[] preservedAt;
        private byte[] pool;
        private int preservedCount;
        private boolean started;
        volatile boolean done;
        volatile boolean failed;

        Capture(boolean full) {
            this.full = full;
            if (full) {
                slots = null;
                count = sizeNow;
                labelsNow = Arrays.copyOf(labels, sizeNow);
            } else {
                slots = new int[changedCount];
                int i = 0;
                for (int slot = nextChanged(0); slot >= 0; slot = nextChanged(slot + 1)) {
                    slots[i++] = slot;
                }
                count = slots.length;
                labelsNow = new int[count];
                for (int j = 0; j < count; j++) {
                    labelsNow[j] = labels[slots[j]];
                }
            }
            orderNow = Arrays.copyOf(samplingOrder, sizeNow);
            policyNow = copyPolicyArrays();
        }

        @Override
        public boolean full() {
            return full;
        }

        /** @return the payload position of {@code slot} in this write, or -1 if it holds none */
        private int positionOf(int slot) {
            if (slots == null) {
                return slot < sizeNow ? slot : -1;
            }
            int at = Arrays.binarySearch(slots, slot);
            return at >= 0 ? at : -1;
        }

        private int slotAt(int position) {
            return slots == null ? position : slots[position];
        }

        /**
         * On the owner thread, before {@code slot} is overwritten: sets its captured bytes aside if
         * the write has not read them yet; waits for the write to pass the slot when the pool is full.
         */
        synchronized void beforeOverwrite(int slot) {
            int position = positionOf(slot);
            if (done || position < progress) {
                return;
            }
            if (preservedBits == null) {
                int slotBytes = store.slotBytes();
                int poolSlots = (int) Math.min(count, Math.max(16, POOL_BYTES / slotBytes));
                preservedBits = new long[ReplayBuffers.changedWords(count)];
                preservedAt = new int[poolSlots];
                pool = new byte[poolSlots * slotBytes];
            }
            if ((preservedBits[position >>> 6] & (1L << (position & 63))) != 0) {
                return; // already set aside: the captured bytes are the first ones
            }
            boolean interrupted = false;
            while (preservedCount == preservedAt.length && !done && position >= progress) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            if (done || position < progress) {
                return;
            }
            int slotBytes = store.slotBytes();
            store.chunk(slot).get(store.offset(slot), pool, preservedCount * slotBytes, slotBytes);
            preservedAt[preservedCount++] = position;
            preservedBits[position >>> 6] |= 1L << (position & 63);
        }

        /** Under the lock: copies payloads {@code [from, from + n)} into {@code batch} and marks them read. */
        private synchronized void read(int from, int n, byte[] batch) {
            int slotBytes = store.slotBytes();
            for (int i = 0; i < n; i++) {
                int position = from + i;
                if (preservedBits != null && (preservedBits[position >>> 6] & (1L << (position & 63))) != 0) {
                    int p = 0;
                    while (preservedAt[p] != position) {
                        p++;
                    }
                    System.arraycopy(pool, p * slotBytes, batch, i * slotBytes, slotBytes);
                } else {
                    int slot = slotAt(position);
                    store.chunk(slot).get(store.offset(slot), batch, i * slotBytes, slotBytes);
                }
            }
            progress = from + n;
            notifyAll();
        }

        @Override
        public void writeTo(DataOutput out) throws IOException {
            Objects.requireNonNull(out, "out");
            synchronized (this) {
                if (started || done) {
                    throw new IllegalStateException("this replay buffer capture was already written or closed");
                }
                started = true;
            }
            boolean ok = false;
            try {
                ReplayStateFormat.Writer w = new ReplayStateFormat.Writer(out);
                if (full) {
                    writeHeader(w, ReplayStateFormat.MAGIC, ReplayStateFormat.VERSION, offeredNow, evictionsNow,
                            randomState, sizeNow);
                } else {
                    writeHeader(w, ReplayStateFormat.INCREMENT_MAGIC, ReplayStateFormat.INCREMENT_VERSION, offeredNow,
                            evictionsNow, randomState, sizeNow);
                    w.writeLong(follows);
                    w.writeInt(count);
                    w.writeInts(slots, 0, count);
                }
                int slotBytes = store.slotBytes();
                int perBatch = Math.max(1, ReplayStateFormat.CHUNK_BYTES / slotBytes);
                byte[] batch = new byte[Math.min(perBatch, Math.max(1, count)) * slotBytes];
                for (int from = 0; from < count;) {
                    int n = Math.min(perBatch, count - from);
                    read(from, n, batch);
                    w.writeBytes(batch, 0, n * slotBytes);
                    from += n;
                }
                w.writeInts(labelsNow, 0, count);
                w.writeInts(orderNow, 0, sizeNow);
                for (int[] array : policyNow) {
                    w.writeInts(array, 0, array.length);
                }
                w.finish();
                ok = true;
            } finally {
                finish(!ok);
            }
        }

        private synchronized void finish(boolean failedWrite) {
            if (done) {
                return;
            }
            failed = failedWrite;
            done = true;
            pool = null;
            notifyAll();
        }

        @Override
        public void close() {
            boolean unwritten;
            synchronized (this) {
                unwritten = !started;
            }
            if (unwritten) {
                finish(true);
            }
        }
    }
}
