package io.coldstream.replay;

import io.coldstream.core.Example;
import io.coldstream.core.Shape;
import java.io.DataOutput;
import java.io.IOException;

/**
 * A memory-bounded store of past stream examples that a streaming learner mixes into each
 * mini-batch (replay), as in REMIND (Hayes et al., ECCV 2020) and cold-start streaming learning
 * (CSSL: Wolfe and Kyrillidis, 2022).
 *
 * <p>Every entry has the same {@link #shape()} and is stored in its {@link #codec()}'s form, off
 * the Java heap (direct buffers in chunks of up to 1 GiB). The buffer never allocates more than
 * its byte budget: {@link #allocatedBytes()} {@code = capacity() * bytesPerEntry() + fixedBytes()
 * <= budgetBytes()}, where {@link #bytesPerEntry()} counts the stored payload and every per-entry
 * bookkeeping array element, and {@link #fixedBytes()} the per-class arrays, the chunk objects,
 * the bit per slot that marks changes for {@linkplain #writeIncrement increments} and the object
 * headers. The storage for {@code capacity()} entries is allocated once, when the
 * buffer is created. When the buffer is full, its {@link EvictionPolicy} decides which entry a new
 * example replaces; policy and codec are independent.
 *
 * <p>The hot methods {@link #offer(Example)} and {@link #sample(int, byte[], int[])} do not
 * allocate. Every random choice comes from the {@link io.coldstream.core.SeededRandom} given at
 * creation, so the same seed and the same sequence of calls give the same contents and the same
 * samples.
 *
 * <p>Not thread-safe: one trainer thread owns a buffer; other threads must not call it, not even
 * the read-only methods, without their own synchronisation. The one exception is a
 * {@link PendingWrite}: a checkpoint captures the buffer on the owner thread and writes it on
 * another while the owner goes on.
 */
public interface ReplayBuffer {

    /**
     * Offers one stream example. The buffer stores a uint8 copy of its pixels while it has room;
     * once full, the {@linkplain #policy() eviction policy} decides whether the example is stored
     * and which entry it replaces. The example's array is read, never kept or changed. Does not
     * allocate.
     *
     * @param example an example of this buffer's {@link #shape()} with a label in
     *     {@code [0, numClasses())}
     * @return {@code true} if the example was stored, {@code false} if the policy declined it
     *     (only {@link EvictionPolicy#RESERVOIR} declines)
     * @throws IllegalArgumentException if the example has another shape or its label is
     *     {@code >= numClasses()}; such an example is not counted as offered
     */
    boolean offer(Example example);

    /**
     * Draws {@code n = min(k, size())} distinct entries uniformly at random (a uniform
     * {@code n}-subset, in random order) and writes them out: entry {@code j}'s uint8 pixels to
     * {@code pixelsOut[j * e, (j + 1) * e)} with {@code e = shape().elementCount()}, and its label
     * to {@code labelsOut[j]}, for {@code j} in {@code [0, n)}. Elements after those are left as
     * they were. When {@code k >= size()} every entry is returned. Costs O(n); does not allocate.
     *
     * <p>The arrays must have room for {@code k} entries, not just for {@code n}, so that a
     * mini-batch array of the wrong size fails on the first call instead of once the buffer fills.
     *
     * @param k how many entries to draw, {@code >= 0}
     * @param pixelsOut destination of the pixels, at least {@code k * shape().elementCount()} long
     * @param labelsOut destination of the labels, at least {@code k} long
     * @return {@code n}, the number of entries written
     * @throws IllegalArgumentException if {@code k < 0} or an array is too small for {@code k}
     *     entries
     */
    int sample(int k, byte[] pixelsOut, int[] labelsOut);

    /** @return the number of entries held, in {@code [0, capacity()]} */
    int size();

    /** @return the most entries the byte budget allows: {@code floor((budgetBytes() - fixedBytes()) / bytesPerEntry())} at creation */
    int capacity();

    /** @return the bytes the entries held account for: exactly {@code size() * bytesPerEntry()} */
    long bytesUsed();

    /** @return the byte budget the buffer was created with, in bytes */
    long budgetBytes();

    /**
     * @return bytes one entry costs: its stored payload ({@link #payloadBytesPerEntry()}) plus one
     *     element of every per-entry bookkeeping array the implementation allocates
     */
    long bytesPerEntry();

    /** @return the bytes of one entry's stored payload in this buffer's codec (off the heap) */
    long payloadBytesPerEntry();

    /** @return bytes allocated besides the entries: per-class arrays, chunk objects, object headers */
    long fixedBytes();

    /** @return every byte the buffer allocated, full or not: {@code capacity() * bytesPerEntry() + fixedBytes() <= budgetBytes()} */
    long allocatedBytes();

    /** @return how entries are stored */
    ReplayCodec codec();

    /** @return how many entries have been replaced by newer examples since creation */
    long evictions();

    /** @return how many valid examples have been offered since creation, stored or not */
    long offered();

    /**
     * @param label a class index in {@code [0, numClasses())}
     * @return how many entries with that label the buffer holds now
     * @throws IllegalArgumentException if the label is out of range
     */
    int classCount(int label);

    /** @return the number of classes; labels lie in {@code [0, numClasses())} */
    int numClasses();

    /** @return the shape every entry has */
    Shape shape();

    /** @return the policy that picks which entry a new example replaces once the buffer is full */
    EvictionPolicy policy();

    /**
     * Writes the buffer's whole state for a checkpoint, so that
     * {@link ReplayBuffers#readState ReplayBuffers.readState} returns a buffer that behaves bit for
     * bit like this one from then on: the same {@link #offer} results, the same {@link #sample}
     * output, the same counters. Writing changes nothing in this buffer and draws no random numbers.
     *
     * <p>Format version 2, big-endian as {@link DataOutput} writes it (version 1, still read, is
     * the same without the codec's name, every payload raw):
     * <pre>
     * int    magic 0x43535242 ("CSRB")
     * int    format version, 2
     * int n, n bytes   policy().cliName() in ASCII          (configuration fingerprint:
     * int n, n bytes   codec().cliName() in ASCII
     * long   budgetBytes()                                   checked against the run's
     * int    shape().channels(), height(), width()           configuration on reading)
     * int    numClasses()
     * int    capacity()
     * long   offered(), evictions()
     * long   state of the buffer's SeededRandom
     * int    size()
     * byte[size * payloadBytesPerEntry()]   every entry's stored payload, in slot order
     * int[size]          every entry's label, in slot order
     * int[size]          the sampling permutation of the slots
     * class-balanced only:
     *   int[size]        the per-class slot lists, class 0's first
     *   int[numClasses]  the labels in ascending order of their counts
     * int    CRC-32C of every byte before it
     * </pre>
     * Arrays derived from these (class counts, where each class's list starts, each label's rank)
     * are rebuilt on reading. Payloads (in their stored, compressed form) and int arrays are
     * streamed in 64 KiB chunks through {@link DataOutput#write(byte[], int, int)}, never
     * gathered in one array (so a buffer over 2 GiB can be written), so a 16 MB buffer takes a few
     * milliseconds plus the time of the output; wrap an unbuffered stream in a
     * {@link java.io.BufferedOutputStream} all the same. The state takes exactly {@link #bytesUsed()}
     * bytes for the entries, plus 4 per class for class-balanced and under 100 bytes of header and
     * checksum.
     *
     * <p>Writing starts a new {@linkplain #writeIncrement increment}: the slots changed so far are
     * forgotten, as they are part of this state. That bookkeeping aside, nothing in the buffer
     * changes.
     *
     * <p>Not thread-safe: call it from the thread that owns the buffer, between its calls.
     *
     * @param out where to write; not closed or flushed
     * @throws IOException if {@code out} fails
     */
    void writeState(DataOutput out) throws IOException;

    /**
     * Writes what changed since the last {@link #writeState} or {@code writeIncrement} (or since the
     * buffer was restored): the payloads and labels of the slots written since then, and, whole, the
     * counters, the random state, the sampling order and the policy's arrays. Applied to the state
     * written then ({@link ReplayBuffers#applyIncrement}), it gives a buffer that behaves bit for bit
     * like this one now. Its size follows the examples stored since then, not the buffer's size,
     * except for the 4 (reservoir) or 8 (class-balanced) bytes per entry of the whole arrays: for a
     * full buffer of 784-byte raw entries, about 1.5% of a full state. Then starts the next increment.
     *
     * <p>Format, big-endian: magic 0x43535249 ("CSRI"), version 1, the configuration fingerprint,
     * capacity, counters, random state and size as in {@link #writeState}'s version 2; then
     * {@code long} the examples offered when the state it follows was written (checked on applying,
     * so that increments cannot be applied out of order), {@code int m} and the {@code m} changed slots in ascending order, their payloads in that
     * order, their labels in that order; the sampling order {@code int[size]}; the policy's arrays
     * as in {@link #writeState}; the CRC-32C of every byte before it.
     *
     * <p>Not thread-safe: call it from the thread that owns the buffer, between its calls.
     *
     * @param out where to write; not closed or flushed
     * @throws IOException if {@code out} fails
     */
    void writeIncrement(DataOutput out) throws IOException;

    /**
     * @return how many slots were written since the last {@link #writeState}, {@link #writeIncrement}
     *     or capture (a capture that failed or was abandoned does not count)
     */
    int changedSinceWrite();

    /**
     * Captures the buffer's whole state as {@link #writeState} would write it now, for writing later
     * on another thread while the owner thread goes on offering and sampling. Call it from the owner
     * thread. Like {@link #writeState} it starts a new increment.
     *
     * <p>Costs, on the calling thread: copies of the per-entry arrays (labels, sampling order and the
     * policy's lists: 8 or 12 bytes an entry, on the heap, about 1.5% of a raw 784-byte entry) and of
     * the bit per slot; the payloads are not copied. Until the write has read a slot, the first
     * {@link #offer} that overwrites it first copies the slot's stored bytes aside (copy on write,
     * into a heap pool of at most {@link PendingWrite#POOL_BYTES} or 16 slots, allocated on the first
     * such copy), so the file holds the state of the moment of capture. Once the pool is full, such
     * an offer waits until the write has passed that slot.
     *
     * @return the pending write, to be written once ({@link PendingWrite#writeTo}) or closed
     * @throws IllegalStateException if a previous capture of this buffer is still being written
     */
    PendingWrite captureState();

    /**
     * Captures what {@link #writeIncrement} would write now, for writing later on another thread; as
     * {@link #captureState()} otherwise (copies of the per-entry arrays and of the changed slots'
     * labels on the calling thread, copy on write of the changed slots' payloads).
     *
     * @return the pending write
     * @throws IllegalStateException if a previous capture of this buffer is still being written
     */
    PendingWrite captureIncrement();

    /**
     * A captured state or increment ({@link #captureState()}, {@link #captureIncrement()}), written
     * by one thread, once, while the buffer's owner goes on. If it is closed without having been
     * written, or its write fails, the buffer forgets the capture: the next increment again covers
     * everything since the last write that succeeded.
     */
    interface PendingWrite extends AutoCloseable {

        /** The most heap bytes a pending write sets aside for slots overwritten before it reads them. */
        long POOL_BYTES = 4L << 20;

        /**
         * Writes the captured state or increment, in the format of {@link #writeState} or
         * {@link #writeIncrement}, byte for byte what those would have written at the capture.
         * Callable from any thread, once.
         *
         * @param out where to write; not closed or flushed
         * @throws IOException if {@code out} fails; the capture is then forgotten
         * @throws IllegalStateException if it was already written or closed
         */
        void writeTo(DataOutput out) throws IOException;

        /** @return whether this is a whole state (else an increment) */
        boolean full();

        /** Releases the capture; unwritten, it is forgotten. */
        @Override
        void close();
    }
}
