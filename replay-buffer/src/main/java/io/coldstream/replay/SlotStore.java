package io.coldstream.replay;

import io.coldstream.core.ConfigurationException;
import java.nio.ByteBuffer;

/**
 * The entries' stored bytes, off the Java heap: {@code capacity} equal slots of
 * {@code slotBytes} in direct {@link ByteBuffer}s of at most {@link #MAX_CHUNK_BYTES} each (a
 * direct buffer is int-indexed, so chunks let one store exceed 2 GiB). Allocated once, zeroed by
 * the JDK, freed when the store becomes unreachable. Slot {@code s} lives in
 * {@code chunk(s)} at byte {@code offset(s)}; every access is absolute, so the buffers' positions
 * never move and reading needs no duplicate.
 */
final class SlotStore {

    /** At most this many bytes per direct buffer, and never less than one slot. */
    static final int MAX_CHUNK_BYTES = 1 << 30;
    /**
     * Heap bytes one chunk costs besides its native memory, rounded up: the {@code DirectByteBuffer},
     * its {@code Cleaner} and deallocator, and the chunk array's reference.
     */
    static final int HEAP_BYTES_PER_CHUNK = 256;

    private final ByteBuffer[] chunks;
    private final int slotsPerChunk;
    private final int slotBytes;

    SlotStore(int capacity, int slotBytes) {
        this.slotBytes = slotBytes;
        this.slotsPerChunk = slotsPerChunk(slotBytes);
        int count = chunkCount(capacity, slotBytes);
        this.chunks = new ByteBuffer[count];
        for (int i = 0; i < count; i++) {
            int slots = Math.min(slotsPerChunk, capacity - i * slotsPerChunk);
            long bytes = (long) slots * slotBytes;
            try {
                chunks[i] = ByteBuffer.allocateDirect((int) bytes);
            } catch (OutOfMemoryError e) {
                // Only the direct-memory reservation fails here (the up-front check leaves room);
                // it is a configuration problem, not heap exhaustion.
                throw new ConfigurationException("the replay buffer could not reserve " + (long) capacity * slotBytes
                        + " bytes of direct memory (chunk " + (i + 1) + " of " + count + " failed: " + e.getMessage()
                        + "); lower replay.budget or raise -XX:MaxDirectMemorySize");
            }
        }
    }

    static int slotsPerChunk(int slotBytes) {
        return Math.max(1, MAX_CHUNK_BYTES / slotBytes);
    }

    static int chunkCount(long capacity, int slotBytes) {
        int per = slotsPerChunk(slotBytes);
        return (int) ((capacity + per - 1) / per);
    }

    ByteBuffer chunk(int slot) {
        return chunks[slot / slotsPerChunk];
    }

    int offset(int slot) {
        return (slot % slotsPerChunk) * slotBytes;
    }

    int slotBytes() {
        return slotBytes;
    }

    /** @return how many whole slots from {@code slot} on lie in the same chunk, at most {@code n} */
    int runFrom(int slot, int n) {
        return Math.min(n, slotsPerChunk - slot % slotsPerChunk);
    }
}
