package io.coldstream.replay;

import static io.coldstream.replay.TestExamples.ELEMENTS;
import static io.coldstream.replay.TestExamples.SHAPE;
import static io.coldstream.replay.TestExamples.assertIntact;
import static io.coldstream.replay.TestExamples.example;
import static io.coldstream.replay.TestExamples.idAt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coldstream.core.ByteSize;
import io.coldstream.core.ConfigurationException;
import io.coldstream.core.Example;
import io.coldstream.core.SeededRandom;
import io.coldstream.core.Shape;
import io.coldstream.core.StreamPosition;
import java.lang.management.ManagementFactory;
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

    /** A buffer whose budget is one byte short of room for {@code capacity + 1} entries. */
    final ReplayBuffer bufferWithCapacity(int capacity, int numClasses, long seed) {
        ReplayBuffer buffer = buffer((capacity + 1) * bytesPerEntry() - 1, numClasses, seed);
        assertThat(buffer.capacity()).isEqualTo(capacity);
        return buffer;
    }

    @Test
    void bytesPerEntryCountsPayloadAndEveryBookkeepingArray() {
        ReplayBuffer buffer = buffer(1000, 3, 1);
        assertThat(buffer.bytesPerEntry()).isEqualTo(16L + expectedBookkeepingBytes());
        assertThat(ReplayBuffers.bytesPerEntry(SHAPE, policy())).isEqualTo(buffer.bytesPerEntry());
        assertThat(ReplayBuffers.bytesPerEntry(new Shape(3, 32, 32), policy())).isEqualTo(3072L + expectedBookkeepingBytes());
    }

    @Test
    void capacityIsTheBudgetDividedByBytesPerEntryRoundedDown() {
        for (long budget : new long[] {bytesPerEntry(), 1000, 4096, 65_537}) {
            ReplayBuffer buffer = buffer(budget, 3, 1);
            assertThat(buffer.budgetBytes()).isEqualTo(budget);
            assertThat(buffer.capacity()).isEqualTo((int) (budget / bytesPerEntry()));
            assertThat(buffer.capacity() * buffer.bytesPerEntry()).isLessThanOrEqualTo(budget);
            assertThat((buffer.capacity() + 1) * buffer.bytesPerEntry()).isGreaterThan(budget);
            assertThat(ReplayBuffers.capacity(new ByteSize(budget), SHAPE, policy())).isEqualTo(buffer.capacity());
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
        assertThat(buffer.size()).isEqualTo(buffer.capacity()).isEqualTo(1000 / (int) bytesPerEntry());
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
        long needed = 784 + expectedBookkeepingBytes();
        assertThatThrownBy(() -> ReplayBuffers.create(ByteSize.parse("512"), mnist, 10, policy(), new SeededRandom(1)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("replay.budget was '512B' (512 bytes) but one 1x28x28 example needs " + needed
                        + " bytes (784 payload + " + expectedBookkeepingBytes() + " bookkeeping)");
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
    void refusesABudgetLargerThanTheHeap() {
        long twiceTheHeap = 2 * Runtime.getRuntime().maxMemory();
        assertThatThrownBy(() -> ReplayBuffers.create(new ByteSize(twiceTheHeap), new Shape(3, 224, 224), 1000,
                policy(), new SeededRandom(1)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("more than the JVM's maximum heap")
                .hasMessageContaining("raise -Xmx");
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
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(thread);
        int drawn = 0;
        for (int i = 0; i < 10_000; i++) {
            buffer.offer(pool[i & 1023]);
            drawn += buffer.sample(k, pixels, labels);
        }
        long allocated = threads.getThreadAllocatedBytes(thread) - before;
        assertThat(drawn).isEqualTo(10_000 * k);
        assertThat(allocated).as("bytes allocated by 10,000 offers and 10,000 samples").isLessThan(16 * 1024); // 10,000 calls: any per-call allocation would be >= 160 KB; below 16 KB is JIT and measuring noise
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
