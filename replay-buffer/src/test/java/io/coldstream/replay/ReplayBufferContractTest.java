package io.coldstream.replay;

import static io.coldstream.replay.TestExamples.ELEMENTS;
import static io.coldstream.replay.TestExamples.SHAPE;
import static io.coldstream.replay.TestExamples.assertIntact;
import static io.coldstream.replay.TestExamples.example;
import static io.coldstream.replay.TestExamples.idAt;
import static io.coldstream.replay.ReplayStates.apply;
import static io.coldstream.replay.ReplayStates.assertLockstep;
import static io.coldstream.replay.ReplayStates.incrementOf;
import static io.coldstream.replay.ReplayStates.assertSameCounters;
import static io.coldstream.replay.ReplayStates.drive;
import static io.coldstream.replay.ReplayStates.restore;
import static io.coldstream.replay.ReplayStates.stateOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.coldstream.core.ByteSize;
import io.coldstream.core.ConfigurationException;
import io.coldstream.core.DataException;
import io.coldstream.core.Example;
import io.coldstream.core.SeededRandom;
import io.coldstream.core.Shape;
import io.coldstream.core.StreamPosition;
import io.coldstream.testkit.Allocations;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What every {@link ReplayBuffer} must do, whatever its policy. One subclass per policy. */
abstract class ReplayBufferContractTest {

    /** @return the policy under test */
    abstract EvictionPolicy policy();

    /** @return the bookkeeping bytes per entry the implementation is documented to allocate */
    abstract int expectedBookkeepingBytes();

    final long bytesPerEntry() {
        return ELEMENTS + expectedBookkeepingBytes();
    }

    final ReplayBuffer buffer(long budgetBytes, int numClasses, long seed) {
        return ReplayBuffers.create(new ByteSize(budgetBytes), SHAPE, numClasses, policy(), new SeededRandom(seed));
    }

    /** The fixed bytes of a small test buffer (one chunk). */
    final long fixedBytes(int numClasses) {
        return ReplayBuffers.fixedBytes(SHAPE, numClasses, 1, policy(), ReplayCodec.RAW);
    }

    /** A buffer whose budget is one byte short of room for {@code capacity + 1} entries. */
    final ReplayBuffer bufferWithCapacity(int capacity, int numClasses, long seed) {
        ReplayBuffer buffer = buffer((capacity + 1) * bytesPerEntry() - 1
                + ReplayBuffers.fixedBytes(SHAPE, numClasses, capacity, policy(), ReplayCodec.RAW), numClasses, seed);
        assertThat(buffer.capacity()).isEqualTo(capacity);
        return buffer;
    }

    @Test
    void bytesPerEntryCountsPayloadAndEveryBookkeepingArray() {
        ReplayBuffer buffer = buffer(1000, 3, 1);
        assertThat(buffer.bytesPerEntry()).isEqualTo(16L + expectedBookkeepingBytes());
        assertThat(ReplayBuffers.bytesPerEntry(SHAPE, policy(), ReplayCodec.RAW)).isEqualTo(buffer.bytesPerEntry());
        assertThat(ReplayBuffers.bytesPerEntry(new Shape(3, 32, 32), policy(), ReplayCodec.RAW))
                .isEqualTo(3072L + expectedBookkeepingBytes());
    }

    @Test
    void capacityIsTheBudgetLessTheFixedBytesDividedByBytesPerEntryRoundedDown() {
        long fixed = fixedBytes(3);
        // objects, one chunk, the per-class arrays, and the bit per slot for increments (one long
        // and its array header up to 64 entries)
        assertThat(fixed).isEqualTo(ReplayBuffers.HEAP_OBJECT_BYTES + SlotStore.HEAP_BYTES_PER_CHUNK
                + 3L * (policy() == EvictionPolicy.CLASS_BALANCED ? 16 : 4) + 16 + 8);
        assertThat(ReplayBuffers.fixedBytes(SHAPE, 3, 65, policy(), ReplayCodec.RAW)).isEqualTo(fixed + 8);
        for (long budget : new long[] {bytesPerEntry() + fixed, 1000, 4096, 65_537}) {
            ReplayBuffer buffer = buffer(budget, 3, 1);
            long fixedNow = ReplayBuffers.fixedBytes(SHAPE, 3, buffer.capacity(), policy(), ReplayCodec.RAW);
            assertThat(buffer.budgetBytes()).isEqualTo(budget);
            assertThat(buffer.fixedBytes()).isEqualTo(fixedNow);
            assertThat(buffer.capacity()).isEqualTo((int) ((budget - fixedNow) / bytesPerEntry()));
            assertThat(buffer.allocatedBytes()).isEqualTo(buffer.capacity() * buffer.bytesPerEntry() + fixedNow)
                    .isLessThanOrEqualTo(budget);
            assertThat((buffer.capacity() + 1) * buffer.bytesPerEntry()
                    + ReplayBuffers.fixedBytes(SHAPE, 3, buffer.capacity() + 1, policy(), ReplayCodec.RAW))
                    .isGreaterThan(budget);
            assertThat(ReplayBuffers.capacity(new ByteSize(budget), SHAPE, 3, policy(), ReplayCodec.RAW))
                    .isEqualTo(buffer.capacity());
        }
    }

    @Test
    void startsEmpty() {
        ReplayBuffer buffer = buffer(1000, 3, 1);
        assertThat(buffer.size()).isZero();
        assertThat(buffer.bytesUsed()).isZero();
        assertThat(buffer.offered()).isZero();
        assertThat(buffer.evictions()).isZero();
        assertThat(buffer.classCount(0)).isZero();
        assertThat(buffer.numClasses()).isEqualTo(3);
        assertThat(buffer.shape()).isEqualTo(SHAPE);
        assertThat(buffer.policy()).isEqualTo(policy());
    }

    @Test
    void neverExceedsItsBudgetOverALongStream() {
        ReplayBuffer buffer = buffer(1000, 4, 7);
        SeededRandom stream = new SeededRandom(99);
        for (int i = 0; i < 50_000; i++) {
            buffer.offer(example(i, stream.nextInt(4)));
            assertThat(buffer.bytesUsed()).isLessThanOrEqualTo(buffer.budgetBytes());
            assertThat(buffer.size()).isLessThanOrEqualTo(buffer.capacity());
            assertThat(buffer.bytesUsed()).isEqualTo(buffer.size() * buffer.bytesPerEntry());
            assertThat(buffer.size()).isEqualTo(Math.min(i + 1, buffer.capacity()));
        }
        assertThat(buffer.size()).isEqualTo(buffer.capacity()).isEqualTo((int) ((1000 - fixedBytes(4)) / bytesPerEntry()));
    }

    @Test
    void storesEveryExampleUntilFull() {
        ReplayBuffer buffer = bufferWithCapacity(10, 2, 3);
        for (int i = 0; i < 10; i++) {
            assertThat(buffer.offer(example(i, i % 2))).isTrue();
            assertThat(buffer.size()).isEqualTo(i + 1);
        }
        assertThat(buffer.evictions()).isZero();
        assertThat(heldIds(buffer)).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        assertThat(buffer.classCount(0)).isEqualTo(5);
        assertThat(buffer.classCount(1)).isEqualTo(5);
    }

    @Test
    void countsOffersAndEvictions() {
        ReplayBuffer buffer = bufferWithCapacity(10, 3, 5);
        SeededRandom stream = new SeededRandom(5);
        long storedWhenFull = 0;
        for (int i = 0; i < 500; i++) {
            boolean full = buffer.size() == buffer.capacity();
            boolean stored = buffer.offer(example(i, stream.nextInt(3)));
            if (full && stored) {
                storedWhenFull++;
            }
            if (!full) {
                assertThat(stored).isTrue();
            }
        }
        assertThat(buffer.offered()).isEqualTo(500);
        assertThat(buffer.evictions()).isEqualTo(storedWhenFull).isPositive();
    }

    @Test
    void classCountsMatchTheLabelsOfTheEntriesHeld() {
        ReplayBuffer buffer = bufferWithCapacity(40, 5, 11);
        SeededRandom stream = new SeededRandom(11);
        for (int i = 0; i < 3_000; i++) {
            int label = stream.nextInt(10) < 6 ? 0 : 1 + stream.nextInt(4);
            buffer.offer(example(i, label));
            if (i % 97 == 0) {
                assertClassCountsMatchContents(buffer);
            }
        }
        assertClassCountsMatchContents(buffer);
    }

    @Test
    void keepsACopyOfThePixels() {
        ReplayBuffer buffer = bufferWithCapacity(4, 2, 1);
        Example original = example(42, 1);
        buffer.offer(original);
        Arrays.fill(original.pixels(), (byte) 0);
        byte[] pixels = new byte[ELEMENTS];
        int[] labels = new int[1];
        assertThat(buffer.sample(1, pixels, labels)).isEqualTo(1);
        assertThat(idAt(pixels, 0)).isEqualTo(42);
        assertThat(labels[0]).isEqualTo(1);
        assertIntact(pixels, 0, 1);
    }

    @Test
    void sampleReturnsDistinctEntriesWhosePixelsMatchTheirLabels() {
        ReplayBuffer buffer = bufferWithCapacity(30, 6, 21);
        SeededRandom stream = new SeededRandom(21);
        int k = 7;
        byte[] pixels = new byte[k * ELEMENTS];
        int[] labels = new int[k];
        for (int i = 0; i < 5_000; i++) {
            int label = stream.nextInt(6);
            buffer.offer(example(i, label));
            int n = buffer.sample(k, pixels, labels);
            assertThat(n).isEqualTo(Math.min(k, buffer.size()));
            Set<Integer> ids = new HashSet<>();
            for (int j = 0; j < n; j++) {
                assertIntact(pixels, j, labels[j]);
                int id = idAt(pixels, j);
                assertThat(id).isBetween(0, i);
                assertThat(ids.add(id)).as("id %d drawn twice", id).isTrue();
            }
        }
    }

    @Test
    void sampleWithKAboveSizeReturnsEveryEntryOnce() {
        ReplayBuffer buffer = bufferWithCapacity(20, 3, 8);
        for (int i = 0; i < 5; i++) {
            buffer.offer(example(100 + i, i % 3));
        }
        byte[] pixels = new byte[50 * ELEMENTS];
        int[] labels = new int[50];
        Arrays.fill(labels, -7);
        assertThat(buffer.sample(50, pixels, labels)).isEqualTo(5);
        Set<Integer> ids = new HashSet<>();
        for (int j = 0; j < 5; j++) {
            ids.add(idAt(pixels, j));
            assertIntact(pixels, j, labels[j]);
        }
        assertThat(ids).containsExactlyInAnyOrder(100, 101, 102, 103, 104);
        assertThat(Arrays.copyOfRange(labels, 5, 50)).containsOnly(-7);
        assertThat(Arrays.copyOfRange(pixels, 5 * ELEMENTS, 50 * ELEMENTS)).containsOnly((byte) 0);
    }

    @Test
    void sampleOfZeroOrFromAnEmptyBufferWritesNothing() {
        ReplayBuffer buffer = bufferWithCapacity(20, 3, 8);
        byte[] pixels = new byte[4 * ELEMENTS];
        int[] labels = {-1, -1, -1, -1};
        assertThat(buffer.sample(4, pixels, labels)).isZero();
        buffer.offer(example(1, 2));
        assertThat(buffer.sample(0, new byte[0], new int[0])).isZero();
        assertThat(labels).containsOnly(-1);
    }

    @Test
    void sampleDrawsEveryEntryEquallyOften() {
        int size = 20;
        int k = 5;
        int draws = 20_000;
        ReplayBuffer buffer = bufferWithCapacity(size, 4, 1234);
        for (int i = 0; i < size; i++) {
            buffer.offer(example(i, i % 4));
        }
        byte[] pixels = new byte[k * ELEMENTS];
        int[] labels = new int[k];
        int[] drawn = new int[size];
        int[] drawnFirst = new int[size];
        for (int d = 0; d < draws; d++) {
            assertThat(buffer.sample(k, pixels, labels)).isEqualTo(k);
            for (int j = 0; j < k; j++) {
                drawn[idAt(pixels, j)]++;
            }
            drawnFirst[idAt(pixels, 0)]++;
        }
        // Each entry is in a draw with probability k/size: expected 5000, sd about 61.
        double expected = (double) draws * k / size;
        for (int id = 0; id < size; id++) {
            assertThat((double) drawn[id]).as("draws of entry %d", id).isBetween(expected * 0.94, expected * 1.06);
            // Position 0 is any entry with probability 1/size: expected 1000, sd about 31.
            assertThat((double) drawnFirst[id]).as("first place for entry %d", id).isBetween(800.0, 1200.0);
        }
    }

    @Test
    void sampleRejectsNegativeKAndArraysTooSmallForK() {
        ReplayBuffer buffer = bufferWithCapacity(20, 3, 8);
        buffer.offer(example(1, 0));
        assertThatThrownBy(() -> buffer.sample(-1, new byte[16], new int[1]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("k was -1 but must be >= 0");
        assertThatThrownBy(() -> buffer.sample(3, new byte[2 * ELEMENTS], new int[3]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("pixelsOut holds 32 bytes but 3 entries of shape 1x4x4 need 48");
        assertThatThrownBy(() -> buffer.sample(3, new byte[3 * ELEMENTS], new int[2]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("labelsOut holds 2 labels but k was 3");
    }

    @Test
    void sameSeedAndStreamGiveTheSameSamples() {
        assertThat(sampledTrace(77)).isEqualTo(sampledTrace(77));
    }

    @Test
    void differentSeedsGiveDifferentSamples() {
        assertThat(sampledTrace(77)).isNotEqualTo(sampledTrace(78));
    }

    @Test
    void rejectsAnExampleOfAnotherShape() {
        ReplayBuffer buffer = bufferWithCapacity(5, 3, 1);
        Shape other = new Shape(1, 2, 8);
        Example wrong = new Example(9, 0, other, new byte[16], new StreamPosition("test", 9));
        assertThatThrownBy(() -> buffer.offer(wrong))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("example 9 has shape 1x2x8 but this replay buffer holds 1x4x4 examples");
        assertThat(buffer.offered()).isZero();
        assertThat(buffer.size()).isZero();
    }

    @Test
    void rejectsALabelOutsideItsClasses() {
        ReplayBuffer buffer = bufferWithCapacity(5, 3, 1);
        assertThatThrownBy(() -> buffer.offer(example(4, 3)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("example 4 has label 3 but this replay buffer holds labels 0..2 (numClasses 3)");
        assertThat(buffer.offered()).isZero();
        assertThat(buffer.size()).isZero();
    }

    @Test
    void classCountRejectsALabelOutsideItsClasses() {
        ReplayBuffer buffer = bufferWithCapacity(5, 3, 1);
        assertThatThrownBy(() -> buffer.classCount(3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("label was 3 but must be in [0, 3)");
        assertThatThrownBy(() -> buffer.classCount(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesABudgetTooSmallForOneExample() {
        Shape mnist = new Shape(1, 28, 28);
        long fixed = ReplayBuffers.fixedBytes(mnist, 10, 1, policy(), ReplayCodec.RAW);
        long needed = 784 + expectedBookkeepingBytes() + fixed;
        assertThatThrownBy(() -> ReplayBuffers.create(ByteSize.parse("512"), mnist, 10, policy(), new SeededRandom(1)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("replay.budget was '512B' (512 bytes) but one 1x28x28 example needs "
                        + (784 + expectedBookkeepingBytes()) + " bytes (784 payload in codec raw + "
                        + expectedBookkeepingBytes() + " bookkeeping) besides the " + fixed
                        + " fixed bytes of a buffer of 10 classes");
        assertThatThrownBy(() -> ReplayBuffers.create(new ByteSize(needed - 1), mnist, 10, policy(), new SeededRandom(1)))
                .isInstanceOf(ConfigurationException.class);
        assertThat(ReplayBuffers.create(new ByteSize(needed), mnist, 10, policy(), new SeededRandom(1)).capacity())
                .isEqualTo(1);
    }

    @Test
    void refusesABudgetWithMoreEntriesThanAnArrayCanIndex() {
        assertThatThrownBy(() -> ReplayBuffers.create(new ByteSize(Long.MAX_VALUE), new Shape(1, 1, 1), 2, policy(),
                new SeededRandom(1)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("replay.budget was '" + Long.MAX_VALUE + "B' (" + Long.MAX_VALUE + " bytes), room for ")
                .hasMessageEndingWith("but a replay buffer holds at most 2147483639 entries");
    }

    @Test
    void refusesABudgetLargerThanTheDirectMemoryLimitBeforeAllocating() {
        long twiceTheHeap = 2 * Runtime.getRuntime().maxMemory();
        assertThatThrownBy(() -> ReplayBuffers.create(new ByteSize(twiceTheHeap), new Shape(3, 224, 224), 1000,
                policy(), new SeededRandom(1)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("bytes of direct (off-heap) memory, more than the")
                .hasMessageContaining("raise -XX:MaxDirectMemorySize");
    }

    @Test
    void refusesBookkeepingLargerThanTheHeapOrStorageLargerThanTheMachine() {
        Shape mnist = new Shape(1, 28, 28);
        ByteSize budget = ByteSize.parse("1GB");
        ReplayBuffers.Limits smallHeap = new ReplayBuffers.Limits(1L << 40, 1L << 40, 1 << 20, 1L << 40);
        assertThatThrownBy(() -> ReplayBuffers.capacity(budget, mnist, 10, policy(), ReplayCodec.RAW, smallHeap))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("bytes of bookkeeping on the heap, more than the JVM's maximum heap of 1048576");
        ReplayBuffers.Limits smallMachine = new ReplayBuffers.Limits(1L << 40, 1L << 40, 1L << 40, 1 << 29);
        assertThatThrownBy(() -> ReplayBuffers.capacity(budget, mnist, 10, policy(), ReplayCodec.RAW, smallMachine))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("more than this machine's 536870912 bytes of memory");
    }

    @Test
    void rejectsFewerThanOneClass() {
        assertThatThrownBy(() -> buffer(1000, 0, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("numClasses was 0 but must be >= 1");
    }

    @Test
    void offerAndSampleDoNotAllocate() {
        int numClasses = 10;
        ReplayBuffer buffer = bufferWithCapacity(500, numClasses, 3);
        Example[] pool = new Example[1024];
        SeededRandom stream = new SeededRandom(3);
        for (int i = 0; i < pool.length; i++) {
            pool[i] = example(i, stream.nextInt(3) == 0 ? 0 : stream.nextInt(numClasses));
        }
        int k = 16;
        byte[] pixels = new byte[k * ELEMENTS];
        int[] labels = new int[k];
        // Warm up past the fill phase so that the JIT compiles the steady-state paths.
        for (int i = 0; i < 50_000; i++) {
            buffer.offer(pool[i & 1023]);
            buffer.sample(k, pixels, labels);
        }
        int[] drawn = {0};
        long allocated = Allocations.bytesAllocatedBy(() -> {
            for (int i = 0; i < 10_000; i++) {
                buffer.offer(pool[i & 1023]);
                drawn[0] += buffer.sample(k, pixels, labels);
            }
        });
        assertThat(drawn[0]).isEqualTo(10_000 * k);
        assertThat(allocated).as("bytes allocated by 10,000 offers and 10,000 samples").isLessThan(16 * 1024); // 10,000 calls: any per-call allocation would be >= 160 KB; below 16 KB is JIT and measuring noise
    }

    // ---- save and restore ----

    @Test
    void aRestoredBufferContinuesExactlyLikeTheOriginal() {
        // capacity 40, six classes introduced one every 50 ids: snapshots while empty, filling,
        // just full, and long after, with some classes still empty.
        for (int snapshotAt : new int[] {0, 1, 17, 39, 40, 41, 130, 900}) {
            ReplayBuffer original = bufferWithCapacity(40, 6, 1000 + snapshotAt);
            SeededRandom stream = new SeededRandom(snapshotAt);
            drive(original, stream, 0, snapshotAt);
            byte[] state = stateOf(original);

            ReplayBuffer restored = restore(state, original);

            assertThat(restored.policy()).isEqualTo(policy());
            assertThat(restored.capacity()).isEqualTo(original.capacity());
            assertThat(stateOf(restored)).as("state written by the buffer restored at %d", snapshotAt).isEqualTo(state);
            assertLockstep(original, restored, stream, snapshotAt, 700);
            assertThat(stateOf(restored)).isEqualTo(stateOf(original));
        }
    }

    // ---- increments ----

    @Test
    void aBaseAndEveryIncrementAfterItRestoreExactlyWhatTheBufferHolds() {
        // increments after 1, 7, 33 and 250 examples: filling, just full, long after
        for (int every : new int[] {1, 7, 33, 250}) {
            ReplayBuffer original = bufferWithCapacity(40, 6, 70 + every);
            ReplayBuffer twin = bufferWithCapacity(40, 6, 70 + every);
            SeededRandom stream = new SeededRandom(every);
            SeededRandom twinStream = new SeededRandom(every);
            ReplayBuffer restored = restore(stateOf(original), original);
            int at = 0;
            for (int round = 0; round < 8; round++) {
                drive(original, stream, at, every);
                drive(twin, twinStream, at, every);
                at += every;
                int changed = original.changedSinceWrite();
                assertThat(changed).as("slots changed by %d offers", every).isBetween(0, Math.min(every, 40));
                apply(incrementOf(original), restored);
                assertThat(original.changedSinceWrite()).isZero();
                assertThat(stateOf(restored)).as("increment %d of every %d examples", round, every)
                        .isEqualTo(stateOf(twin));
            }
            assertLockstep(twin, restored, new SeededRandom(3), at, 300);
        }
    }

    @Test
    void anIncrementHoldsTheChangedSlotsAndTheWholeArraysOnly() {
        ReplayBuffer buffer = bufferWithCapacity(50, 5, 21);
        drive(buffer, new SeededRandom(21), 0, 400);
        stateOf(buffer);
        int nothingChanged = incrementOf(buffer).length;
        drive(buffer, new SeededRandom(22), 400, 12);
        int changed = buffer.changedSinceWrite();
        assertThat(changed).isPositive();
        assertThat(incrementOf(buffer).length - nothingChanged).as("bytes for %d changed slots", changed)
                .isEqualTo(changed * (ELEMENTS + 2 * Integer.BYTES));
        assertThat(nothingChanged).as("header and whole arrays of a full buffer of 50, against its state of %d",
                stateOf(buffer).length).isLessThan(200 + 50 * (expectedBookkeepingBytes() - Integer.BYTES));
    }

    @Test
    void anIncrementAppliedOutOfOrderOrDamagedIsRefused() {
        ReplayBuffer buffer = bufferWithCapacity(30, 4, 31);
        drive(buffer, new SeededRandom(31), 0, 100);
        byte[] base = stateOf(buffer);
        drive(buffer, new SeededRandom(32), 100, 20);
        byte[] first = incrementOf(buffer);
        drive(buffer, new SeededRandom(33), 120, 20);
        byte[] second = incrementOf(buffer);

        assertThatThrownBy(() -> apply(second, restore(base, buffer))).isInstanceOf(DataException.class)
                .hasMessageContaining("follows a state with 120 examples offered but the buffer it is applied to has 100");
        assertThatThrownBy(() -> apply(base, restore(base, buffer))).isInstanceOf(DataException.class)
                .hasMessageContaining("not a replay buffer increment");
        byte[] flipped = first.clone();
        flipped[flipped.length / 2] ^= 1;
        assertThatThrownBy(() -> apply(flipped, restore(base, buffer))).isInstanceOf(DataException.class);
        byte[] cut = Arrays.copyOf(first, first.length - 9);
        assertThatThrownBy(() -> apply(cut, restore(base, buffer))).isInstanceOf(DataException.class)
                .hasMessageContaining("truncated");
        ReplayBuffer other = ReplayBuffers.create(new ByteSize(buffer.budgetBytes() * 2), SHAPE, 4, policy(),
                new SeededRandom(1));
        assertThatThrownBy(() -> apply(first, other)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("replay.budget");
        ReplayBuffer restored = restore(base, buffer);
        apply(first, restored);
        apply(second, restored);
        assertThat(stateOf(restored)).isEqualTo(stateOf(buffer));
    }

    // ---- captures written on another thread ----

    @Test
    void aCaptureWrittenLaterHoldsTheBufferAsItWasWhenCaptured() throws IOException {
        for (boolean full : new boolean[] {true, false}) {
            ReplayBuffer original = bufferWithCapacity(40, 6, 90);
            ReplayBuffer twin = bufferWithCapacity(40, 6, 90);
            SeededRandom stream = new SeededRandom(91);
            SeededRandom twinStream = new SeededRandom(91);
            drive(original, stream, 0, 300);
            drive(twin, twinStream, 0, 300);
            byte[] base = stateOf(original);
            stateOf(twin);
            drive(original, stream, 300, 25);
            drive(twin, twinStream, 300, 25);

            ReplayBuffer.PendingWrite capture = full ? original.captureState() : original.captureIncrement();
            byte[] expected = full ? stateOf(twin) : incrementOf(twin);
            drive(original, stream, 325, 400); // overwrites every slot, most more than once
            drive(twin, twinStream, 325, 400);
            ByteArrayOutputStream written = new ByteArrayOutputStream();
            capture.writeTo(new DataOutputStream(written));
            capture.close();

            assertThat(capture.full()).isEqualTo(full);
            assertThat(written.toByteArray()).as(full ? "state" : "increment").isEqualTo(expected);
            ReplayBuffer restored = restore(full ? expected : base, original);
            if (!full) {
                apply(expected, restored);
            }
            apply(incrementOf(original), restored);
            assertThat(stateOf(restored)).isEqualTo(stateOf(twin));
            assertThatThrownBy(() -> capture.writeTo(new DataOutputStream(new ByteArrayOutputStream())))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("already written");
        }
    }

    @Test
    void aCaptureWrittenOnAnotherThreadWhileTheOwnerOverwritesItsSlotsIsExact() throws Exception {
        // 192 KiB entries: the copy-on-write pool holds 21 of the 60, so the owner also waits for the writer.
        Shape big = new Shape(3, 256, 256);
        long budget = 60 * ReplayBuffers.bytesPerEntry(big, policy(), ReplayCodec.RAW)
                + ReplayBuffers.fixedBytes(big, 5, 60, policy(), ReplayCodec.RAW);
        ReplayBuffer original = ReplayBuffers.create(new ByteSize(budget), big, 5, policy(), new SeededRandom(4));
        ReplayBuffer twin = ReplayBuffers.create(new ByteSize(budget), big, 5, policy(), new SeededRandom(4));
        assertThat(original.capacity()).isEqualTo(60);
        for (int id = 0; id < 150; id++) {
            offerAndSample(original, big, id);
            offerAndSample(twin, big, id);
        }
        ReplayBuffer.PendingWrite capture = original.captureState();
        byte[] expected = stateOf(twin);
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
        Thread writer = new Thread(() -> {
            try (capture) {
                capture.writeTo(new DataOutputStream(new java.io.FilterOutputStream(written) {
                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        try {
                            Thread.sleep(1); // slower than the owner, so that the pool fills
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        out.write(b, off, len);
                    }
                }));
            } catch (IOException | RuntimeException e) {
                failure.set(e);
            }
        }, "capture-writer");
        writer.start();
        for (int id = 150; id < 250; id++) {
            offerAndSample(original, big, id);
        }
        writer.join(60_000);
        assertThat(writer.isAlive()).isFalse();
        assertThat(failure.get()).isNull();
        assertThat(written.toByteArray()).isEqualTo(expected);
        for (int id = 150; id < 250; id++) {
            offerAndSample(twin, big, id);
        }
        assertThat(stateOf(original)).isEqualTo(stateOf(twin));
    }

    /** Offers example {@code id} of the big shape (its pixels derived from the id) and samples four entries. */
    private static void offerAndSample(ReplayBuffer buffer, Shape big, int id) {
        byte[] pixels = new byte[big.elementCount()];
        Arrays.fill(pixels, (byte) (id * 7));
        pixels[0] = (byte) id;
        pixels[pixels.length - 1] = (byte) (id >> 8);
        buffer.offer(new Example(id, id % 5, big, pixels, new StreamPosition("t", id)));
        buffer.sample(4, new byte[4 * big.elementCount()], new int[4]);
    }

    @Test
    void aCaptureClosedUnwrittenOrWhoseWriteFailsIsForgotten() {
        ReplayBuffer buffer = bufferWithCapacity(30, 4, 61);
        SeededRandom stream = new SeededRandom(62);
        drive(buffer, stream, 0, 100);
        byte[] base = stateOf(buffer);
        drive(buffer, stream, 100, 15);
        buffer.captureIncrement().close();
        drive(buffer, stream, 115, 15);
        ReplayBuffer.PendingWrite failing = buffer.captureState();
        assertThatThrownBy(buffer::captureIncrement).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("still being written");
        assertThatThrownBy(() -> failing.writeTo(new DataOutputStream(new java.io.OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("disk full");
            }
        }))).isInstanceOf(IOException.class).hasMessageContaining("disk full");
        drive(buffer, stream, 130, 15);

        assertThat(buffer.changedSinceWrite()).as("slots changed since the state that was written").isPositive();
        ReplayBuffer restored = restore(base, buffer);
        apply(incrementOf(buffer), restored);
        assertThat(stateOf(restored)).isEqualTo(stateOf(buffer));
    }

    @Test
    void writingTheStateChangesNothing() {
        ReplayBuffer written = bufferWithCapacity(30, 4, 5);
        ReplayBuffer untouched = bufferWithCapacity(30, 4, 5);
        drive(written, new SeededRandom(8), 0, 200);
        drive(untouched, new SeededRandom(8), 0, 200);
        stateOf(written);
        stateOf(written);
        assertLockstep(untouched, written, new SeededRandom(9), 200, 300);
    }

    @Test
    void roundTripsAnEmptyBuffer() {
        ReplayBuffer empty = bufferWithCapacity(12, 3, 6);
        byte[] state = stateOf(empty);
        ReplayBuffer restored = restore(state, empty);
        assertThat(restored.size()).isZero();
        assertThat(restored.offered()).isZero();
        assertThat(restored.evictions()).isZero();
        assertThat(restored.capacity()).isEqualTo(12);
        assertThat(state.length).as("header, per-class array and checksum only").isLessThan(110);
        assertLockstep(empty, restored, new SeededRandom(6), 0, 200);
    }

    @Test
    void theStateHoldsEveryEntryOnceAndNothingMore() {
        ReplayBuffer buffer = bufferWithCapacity(25, 5, 13);
        drive(buffer, new SeededRandom(13), 0, 400);
        long perClass = policy() == EvictionPolicy.CLASS_BALANCED ? 4L * buffer.numClasses() : 0;
        long header = stateOf(bufferWithCapacity(25, 5, 13)).length - perClass;
        assertThat((long) stateOf(buffer).length).isEqualTo(header + buffer.bytesUsed() + perClass);
        assertThat(ByteBuffer.wrap(stateOf(buffer)).getInt()).isEqualTo(0x43535242);
    }

    @Test
    void readsExactlyTheBytesItWrote() throws IOException {
        ReplayBuffer first = bufferWithCapacity(10, 3, 1);
        ReplayBuffer second = bufferWithCapacity(10, 3, 2);
        drive(first, new SeededRandom(1), 0, 30);
        drive(second, new SeededRandom(2), 0, 7);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        first.writeState(out);
        second.writeState(out);
        out.writeUTF("after");
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));
        ByteSize budget = new ByteSize(first.budgetBytes());

        ReplayBuffer firstBack = ReplayBuffers.readState(in, budget, SHAPE, 3, policy());
        ReplayBuffer secondBack = ReplayBuffers.readState(in, budget, SHAPE, 3, policy());

        assertThat(in.readUTF()).isEqualTo("after");
        assertSameCounters(first, firstBack, 30);
        assertSameCounters(second, secondBack, 7);
    }

    @Test
    void savesAndRestoresASixteenMegabyteBufferInWellUnderASecond() throws IOException {
        Shape mnist = new Shape(1, 28, 28);
        ByteSize budget = ByteSize.parse("16MB");
        ReplayBuffer buffer = ReplayBuffers.create(budget, mnist, 10, policy(), new SeededRandom(16));
        Example[] pool = new Example[64];
        for (int i = 0; i < pool.length; i++) {
            byte[] pixels = new byte[784];
            for (int p = 0; p < pixels.length; p++) {
                pixels[p] = (byte) (i * 7 + p);
            }
            pool[i] = new Example(i, i % 10, mnist, pixels, new StreamPosition("test", i));
        }
        for (int i = 0; i < buffer.capacity() + 1000; i++) {
            buffer.offer(pool[i & 63]);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream((int) buffer.bytesUsed() + 4096);

        long start = System.nanoTime();
        buffer.writeState(new DataOutputStream(bytes));
        long writeNanos = System.nanoTime() - start;
        byte[] state = bytes.toByteArray();
        start = System.nanoTime();
        ReplayBuffer restored = ReplayBuffers.readState(new DataInputStream(new ByteArrayInputStream(state)), budget,
                mnist, 10, policy());
        long readNanos = System.nanoTime() - start;

        assertThat(state.length).isGreaterThan(16_000_000);
        assertThat(writeNanos).as("nanoseconds to write %d bytes", state.length).isLessThan(1_000_000_000L);
        assertThat(readNanos).as("nanoseconds to read %d bytes", state.length).isLessThan(1_000_000_000L);
        byte[] expected = new byte[50 * 784];
        byte[] actual = new byte[50 * 784];
        int[] expectedLabels = new int[50];
        int[] actualLabels = new int[50];
        for (int i = 0; i < 20; i++) {
            assertThat(restored.offer(pool[i])).isEqualTo(buffer.offer(pool[i]));
            assertThat(restored.sample(50, actual, actualLabels)).isEqualTo(buffer.sample(50, expected, expectedLabels));
            assertThat(actual).isEqualTo(expected);
            assertThat(actualLabels).isEqualTo(expectedLabels);
        }
    }

    @Test
    void restoringWithAnotherBudgetNamesReplayBudget() {
        ReplayBuffer buffer = buffer(2048, 3, 1);
        byte[] state = stateOf(buffer);
        assertThatThrownBy(() -> restore(state, 1024, 3, policy()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("replay.budget was 1KB but the checkpoint was written with 2KB; resume with the same"
                        + " budget or start a new run");
    }

    @Test
    void restoringWithAnotherPolicyNamesReplayPolicy() {
        byte[] state = stateOf(buffer(2048, 3, 1));
        assertThatThrownBy(() -> restore(state, 2048, 3, otherPolicy()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("replay.policy was " + otherPolicy().cliName() + " but the checkpoint was written with "
                        + policy().cliName() + "; resume with the same policy or start a new run");
    }

    @Test
    void restoringWithAnotherShapeOrClassCountNamesIt() {
        byte[] state = stateOf(buffer(2048, 3, 1));
        assertThatThrownBy(() -> ReplayBuffers.readState(new DataInputStream(new ByteArrayInputStream(state)),
                new ByteSize(2048), new Shape(1, 2, 8), 3, policy()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("the example shape was 1x2x8 but the checkpoint was written with 1x4x4; resume on the same"
                        + " data or start a new run");
        assertThatThrownBy(() -> restore(state, 2048, 4, policy()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("numClasses was 4 but the checkpoint was written with 3; resume on the same data or start"
                        + " a new run");
    }

    @Test
    void restoringWithSeveralDifferencesNamesEachOfThem() {
        byte[] state = stateOf(buffer(2048, 3, 1));
        assertThatThrownBy(() -> ReplayBuffers.readState(new DataInputStream(new ByteArrayInputStream(state)),
                new ByteSize(4096), new Shape(3, 4, 4), 10, otherPolicy()))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.problems())
                        .hasSize(4)
                        .anySatisfy(p -> assertThat(p).startsWith("replay.budget was 4KB"))
                        .anySatisfy(p -> assertThat(p).startsWith("replay.policy was " + otherPolicy().cliName()))
                        .anySatisfy(p -> assertThat(p).startsWith("the example shape was 3x4x4"))
                        .anySatisfy(p -> assertThat(p).startsWith("numClasses was 10")));
    }

    @Test
    void aStateCutShortAtAnyByteIsReportedAsTruncated() {
        ReplayBuffer buffer = bufferWithCapacity(10, 3, 4);
        drive(buffer, new SeededRandom(4), 0, 60);
        byte[] state = stateOf(buffer);
        for (int length = 0; length < state.length; length++) {
            byte[] cut = Arrays.copyOf(state, length);
            assertThatThrownBy(() -> restore(cut, buffer))
                    .as("state cut to %d of %d bytes", length, state.length)
                    .isInstanceOf(DataException.class)
                    .hasMessageStartingWith("replay buffer state is truncated: it ended within the ");
        }
    }

    @Test
    void aStateWithAnotherMagicNumberIsNotAReplayState() {
        byte[] state = stateOf(bufferWithCapacity(10, 3, 4));
        state[0] ^= 0x01;
        assertThatThrownBy(() -> restore(state, bufferWithCapacity(10, 3, 4)))
                .isInstanceOf(DataException.class)
                .hasMessage("not a replay buffer state: it starts with 0x42535242 but must start with the magic number"
                        + " 0x43535242 (\"CSRB\")");
    }

    @Test
    void aStateOfAnotherFormatVersionIsRefused() {
        byte[] state = stateOf(bufferWithCapacity(10, 3, 4));
        ByteBuffer.wrap(state).putInt(4, 3);
        assertThatThrownBy(() -> restore(state, bufferWithCapacity(10, 3, 4)))
                .isInstanceOf(DataException.class)
                .hasMessage("replay buffer state has format version 3 but this Coldstream reads versions 1 and 2 only");
    }

    @Test
    void aSizeBeyondTheCapacityIsRefusedBeforeAnythingIsRead() {
        ReplayBuffer buffer = bufferWithCapacity(10, 3, 4);
        drive(buffer, new SeededRandom(4), 0, 60);
        byte[] state = stateOf(buffer);
        ByteBuffer.wrap(state).putInt(sizeOffset(), Integer.MAX_VALUE);
        assertThatThrownBy(() -> restore(state, buffer))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("size was 2147483647 but must be in [0, 10]");
    }

    @Test
    void aLabelOutsideTheClassesIsRefused() {
        ReplayBuffer buffer = bufferWithCapacity(10, 3, 4);
        drive(buffer, new SeededRandom(4), 0, 60);
        byte[] state = stateOf(buffer);
        ByteBuffer.wrap(state).putInt(sizeOffset() + 4 + 10 * ELEMENTS + 4 * 3, 7);
        assertThatThrownBy(() -> restore(state, buffer))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("slot 3 has label 7 but labels lie in [0, 3)");
    }

    @Test
    void aSamplingOrderThatIsNotAPermutationIsRefused() {
        ReplayBuffer buffer = bufferWithCapacity(10, 3, 4);
        drive(buffer, new SeededRandom(4), 0, 60);
        byte[] state = stateOf(buffer);
        ByteBuffer view = ByteBuffer.wrap(state);
        int order = sizeOffset() + 4 + 10 * ELEMENTS + 4 * 10;
        view.putInt(order + 4, view.getInt(order));
        assertThatThrownBy(() -> restore(state, buffer))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("sampling order[1] was");
    }

    @Test
    void everyFlippedByteIsCaught() {
        ReplayBuffer buffer = bufferWithCapacity(10, 3, 4);
        drive(buffer, new SeededRandom(4), 0, 60);
        byte[] state = stateOf(buffer);
        // The fingerprint (policy, budget, shape, numClasses) lies between the version and the capacity.
        int fingerprintEnd = sizeOffset() - 3 * 8 - 4;
        for (int at = 0; at < state.length; at++) {
            for (int bit = 0; bit < 8; bit += 3) {
                byte[] flipped = state.clone();
                flipped[at] ^= (byte) (1 << bit);
                int position = at;
                Throwable thrown = catchThrowable(() -> restore(flipped, buffer));
                if (at >= 8 && at < fingerprintEnd) {
                    // A changed fingerprint reads as another configuration, or as an impossible one.
                    assertThat(thrown).as("bit %d of fingerprint byte %d flipped", bit, position)
                            .isInstanceOfAny(ConfigurationException.class, DataException.class);
                } else {
                    assertThat(thrown).as("bit %d of byte %d flipped", bit, position).isInstanceOf(DataException.class);
                }
            }
        }
    }

    @Test
    void aStateFromACheckpointWithoutItsChecksumFails() {
        ReplayBuffer buffer = bufferWithCapacity(10, 3, 4);
        drive(buffer, new SeededRandom(4), 0, 60);
        byte[] state = stateOf(buffer);
        state[sizeOffset() + 4 + 5] ^= 0x10; // a payload byte: only the checksum can tell
        assertThatThrownBy(() -> restore(state, buffer))
                .isInstanceOf(DataException.class)
                .hasMessageStartingWith("replay buffer state is corrupt: the CRC-32C at byte " + (state.length - 4));
    }

    private EvictionPolicy otherPolicy() {
        return policy() == EvictionPolicy.CLASS_BALANCED ? EvictionPolicy.RESERVOIR : EvictionPolicy.CLASS_BALANCED;
    }

    /** Where the size field sits: after magic, version, policy and codec names, fingerprint, capacity and the three longs. */
    private int sizeOffset() {
        int name = policy().cliName().getBytes(StandardCharsets.US_ASCII).length;
        int codec = ReplayCodec.RAW.cliName().length();
        return 4 + 4 + 4 + name + 4 + codec + 8 + 3 * 4 + 4 + 4 + 3 * 8;
    }

    /** Offers a fixed stream and records every sample drawn along the way. */
    private int[] sampledTrace(long seed) {
        ReplayBuffer buffer = bufferWithCapacity(25, 4, seed);
        SeededRandom stream = new SeededRandom(4242);
        int k = 6;
        byte[] pixels = new byte[k * ELEMENTS];
        int[] labels = new int[k];
        int[] trace = new int[600 * k];
        for (int i = 0; i < 600; i++) {
            buffer.offer(example(i, stream.nextInt(4)));
            int n = buffer.sample(k, pixels, labels);
            for (int j = 0; j < n; j++) {
                trace[i * k + j] = idAt(pixels, j) * 4 + labels[j];
            }
        }
        return trace;
    }

    /** The ids of every entry held, read through {@code sample(size)}. */
    static Set<Integer> heldIds(ReplayBuffer buffer) {
        int n = buffer.size();
        byte[] pixels = new byte[n * ELEMENTS];
        int[] labels = new int[n];
        assertThat(buffer.sample(n, pixels, labels)).isEqualTo(n);
        Set<Integer> ids = new HashSet<>();
        for (int j = 0; j < n; j++) {
            assertIntact(pixels, j, labels[j]);
            assertThat(ids.add(idAt(pixels, j))).isTrue();
        }
        return ids;
    }

    /** Every entry is intact, and classCount agrees with the labels stored in the pixels. */
    static void assertClassCountsMatchContents(ReplayBuffer buffer) {
        int n = buffer.size();
        byte[] pixels = new byte[n * ELEMENTS];
        int[] labels = new int[n];
        assertThat(buffer.sample(n, pixels, labels)).isEqualTo(n);
        int[] counts = new int[buffer.numClasses()];
        for (int j = 0; j < n; j++) {
            assertIntact(pixels, j, labels[j]);
            counts[pixels[j * ELEMENTS + 4]]++;
        }
        for (int c = 0; c < counts.length; c++) {
            assertThat(buffer.classCount(c)).as("classCount(%d)", c).isEqualTo(counts[c]);
        }
    }
}
