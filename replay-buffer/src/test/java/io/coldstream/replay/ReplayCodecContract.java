package io.coldstream.replay;

import static io.coldstream.replay.ReplayStates.assertLockstep;
import static io.coldstream.replay.ReplayStates.drive;
import static io.coldstream.replay.ReplayStates.stateOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coldstream.core.ByteSize;
import io.coldstream.core.ConfigurationException;
import io.coldstream.core.Example;
import io.coldstream.core.SeededRandom;
import io.coldstream.core.Shape;
import io.coldstream.core.StreamPosition;
import io.coldstream.testkit.Allocations;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What every {@link ReplayCodec} must do, with either eviction policy: store exactly
 * {@link ReplayCodec#payloadBytes} per entry and so hold as many entries as the budget gives for
 * that size, restore within its stated error bound, sample straight into the batch arrays without
 * allocating, and save and restore its stored form exactly. One subclass per codec.
 */
abstract class ReplayCodecContract {

    static final Shape MNIST = new Shape(1, 28, 28);

    /** @return the codec under test */
    abstract ReplayCodec codec();

    /** @return the stored bytes the codec documents for {@code shape} */
    abstract long expectedPayloadBytes(Shape shape);

    /**
     * Checks the codec's documented error bound on one restored image.
     *
     * @param original the values encoded
     * @param restored what decoding gave
     * @param shape their shape
     */
    abstract void assertWithinBound(byte[] original, byte[] restored, Shape shape);

    /** @return decode(encode(pixels)) through a scratch buffer */
    final byte[] roundTrip(byte[] pixels, Shape shape) {
        return roundTrip(codec(), pixels, shape);
    }

    /** @return decode(encode(pixels)) through a scratch buffer, checking that nothing outside the slot is touched */
    static byte[] roundTrip(ReplayCodec codec, byte[] pixels, Shape shape) {
        ByteBuffer stored = ByteBuffer.allocateDirect(codec.storedBytes(shape) + 8);
        stored.put(0, (byte) 0x5a);
        codec.encode(pixels, stored, 3, shape);
        byte[] out = new byte[shape.elementCount() + 2];
        codec.decode(stored, 3, out, 1, shape);
        assertThat(stored.get(0)).as("bytes before the slot").isEqualTo((byte) 0x5a);
        for (int i = 3 + codec.storedBytes(shape); i < stored.capacity(); i++) {
            assertThat(stored.get(i)).as("byte %d after the slot", i).isZero();
        }
        assertThat(out[0]).isZero();
        assertThat(out[out.length - 1]).isZero();
        return Arrays.copyOfRange(out, 1, out.length - 1);
    }

    static byte[] randomImage(SeededRandom random, Shape shape, boolean smooth) {
        byte[] pixels = new byte[shape.elementCount()];
        int base = random.nextInt(256);
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (smooth ? Math.min(255, base + (i % shape.width()) / 4) : random.nextInt(256));
        }
        return pixels;
    }

    @Test
    void storesTheDocumentedNumberOfBytesPerEntry() {
        for (Shape shape : new Shape[] {MNIST, new Shape(3, 32, 32), new Shape(1, 5, 7), new Shape(2, 1, 1)}) {
            assertThat(codec().payloadBytes(shape)).as("%s", shape).isEqualTo(expectedPayloadBytes(shape));
            assertThat(ReplayBuffers.bytesPerEntry(shape, EvictionPolicy.CLASS_BALANCED, codec()))
                    .isEqualTo(expectedPayloadBytes(shape) + 12);
            assertThat(ReplayBuffers.bytesPerEntry(shape, EvictionPolicy.RESERVOIR, codec()))
                    .isEqualTo(expectedPayloadBytes(shape) + 8);
        }
    }

    @Test
    void restoresEveryImageWithinItsStatedBound() {
        SeededRandom random = new SeededRandom(77);
        for (Shape shape : new Shape[] {MNIST, new Shape(3, 32, 32), new Shape(1, 5, 7), new Shape(2, 1, 1)}) {
            for (int i = 0; i < 200; i++) {
                byte[] image = randomImage(random, shape, i % 2 == 0);
                assertWithinBound(image, roundTrip(image, shape), shape);
            }
        }
    }

    @Test
    void theBudgetHoldsAsManyEntriesAsTheStoredSizeAllows() {
        for (EvictionPolicy policy : EvictionPolicy.values()) {
            for (String size : new String[] {"256KB", "1MB", "4MB"}) {
                ByteSize budget = ByteSize.parse(size);
                ReplayBuffer buffer = ReplayBuffers.create(budget, MNIST, 10, policy, codec(), new SeededRandom(1));
                long perEntry = expectedPayloadBytes(MNIST) + (policy == EvictionPolicy.CLASS_BALANCED ? 12 : 8);
                assertThat(buffer.codec()).isEqualTo(codec());
                assertThat(buffer.payloadBytesPerEntry()).isEqualTo(expectedPayloadBytes(MNIST));
                // the most entries that fit with their fixed bytes: one more would not
                assertThat(buffer.allocatedBytes()).isEqualTo(buffer.capacity() * perEntry + buffer.fixedBytes())
                        .isLessThanOrEqualTo(budget.bytes());
                assertThat((buffer.capacity() + 1) * perEntry + ReplayBuffers.fixedBytes(MNIST, 10,
                        buffer.capacity() + 1, policy, codec())).isGreaterThan(budget.bytes());
            }
        }
    }

    @Test
    void samplesAreTheRestoredFormsOfOfferedExamplesWithTheirLabels() {
        for (EvictionPolicy policy : EvictionPolicy.values()) {
            ReplayBuffer buffer = ReplayBuffers.create(ByteSize.parse("24KB"), MNIST, 10, policy, codec(),
                    new SeededRandom(3));
            SeededRandom stream = new SeededRandom(4);
            Map<String, Integer> labelOfRestored = new HashMap<>();
            int k = 50;
            byte[] pixels = new byte[k * 784];
            int[] labels = new int[k];
            for (int i = 0; i < 300; i++) {
                byte[] image = randomImage(stream, MNIST, false);
                int label = stream.nextInt(10);
                labelOfRestored.put(Arrays.toString(roundTrip(image, MNIST)), label);
                buffer.offer(new Example(i, label, MNIST, image, new StreamPosition("t", i)));
                int n = buffer.sample(k, pixels, labels);
                assertThat(n).isEqualTo(Math.min(k, buffer.size()));
                for (int j = 0; j < n; j++) {
                    String restored = Arrays.toString(Arrays.copyOfRange(pixels, j * 784, (j + 1) * 784));
                    assertThat(labelOfRestored.get(restored)).as("%s: label of sampled entry %d after %d offers",
                            policy, j, i).isEqualTo(labels[j]);
                }
            }
            assertThat(buffer.size()).as("full, so that eviction ran").isEqualTo(buffer.capacity());
        }
    }

    /** @return heap bytes one offer and one sample of 50 may allocate: none, but for a codec that says otherwise */
    long allowedBytesPerStep() {
        assertThat(codec().allocationFree()).isTrue();
        return 0;
    }

    /** @return how many offers and samples of 50 the allocation test measures (after four times as many) */
    int allocationSteps() {
        return 5_000;
    }

    @Test
    void offerAndSampleDecodeIntoTheBatchArraysAndAllocateNoMoreThanTheCodecStates() {
        for (EvictionPolicy policy : EvictionPolicy.values()) {
            ReplayBuffer buffer = ReplayBuffers.create(ByteSize.parse("256KB"), MNIST, 10, policy, codec(),
                    new SeededRandom(5));
            SeededRandom stream = new SeededRandom(6);
            Example[] pool = new Example[256];
            for (int i = 0; i < pool.length; i++) {
                pool[i] = new Example(i, stream.nextInt(10), MNIST, randomImage(stream, MNIST, false),
                        new StreamPosition("t", i));
            }
            int k = 50;
            byte[] pixels = new byte[k * 784];
            int[] labels = new int[k];
            int steps = allocationSteps();
            for (int i = 0; i < 4 * steps; i++) {
                buffer.offer(pool[i & 255]);
                buffer.sample(k, pixels, labels);
            }
            int[] drawn = {0};
            long allocated = Allocations.bytesAllocatedBy(() -> {
                for (int i = 0; i < steps; i++) {
                    buffer.offer(pool[i & 255]);
                    drawn[0] += buffer.sample(k, pixels, labels);
                }
            });
            assertThat(drawn[0]).isEqualTo(steps * k);
            // 250,000 decoded samples: one allocation per sample would be >= 4 MB
            assertThat(allocated).as("%s: bytes allocated by %d offers and samples of 50", policy, steps)
                    .isLessThan(16 * 1024 + steps * allowedBytesPerStep());
        }
    }

    @Test
    void aRestoredBufferContinuesExactlyLikeTheOriginal() {
        for (EvictionPolicy policy : EvictionPolicy.values()) {
            for (int snapshotAt : new int[] {0, 7, 40, 300}) {
                ReplayBuffer original = ReplayBuffers.create(new ByteSize(2048), TestExamples.SHAPE, 6, policy, codec(),
                        new SeededRandom(snapshotAt));
                SeededRandom stream = new SeededRandom(100 + snapshotAt);
                drive(original, stream, 0, snapshotAt);
                byte[] state = stateOf(original);
                ReplayBuffer restored = ReplayBuffers.readState(new DataInputStream(new ByteArrayInputStream(state)),
                        new ByteSize(2048), TestExamples.SHAPE, 6, policy, codec());
                assertThat(restored.codec()).isEqualTo(codec());
                assertThat(stateOf(restored)).isEqualTo(state);
                // the state holds every entry in stored form: header + size * bytes per entry + per-class arrays
                ReplayBuffer empty = ReplayBuffers.create(new ByteSize(2048), TestExamples.SHAPE, 6, policy, codec(),
                        new SeededRandom(snapshotAt));
                assertThat((long) state.length).isEqualTo(stateOf(empty).length + original.bytesUsed());
                assertLockstep(original, restored, stream, snapshotAt, 300);
            }
        }
    }

    @Test
    void restoringWithAnotherCodecNamesReplayCodec() {
        ReplayCodec other = codec() == ReplayCodec.RAW ? ReplayCodec.QUANTIZED : ReplayCodec.RAW;
        byte[] state = stateOf(ReplayBuffers.create(new ByteSize(2048), TestExamples.SHAPE, 3,
                EvictionPolicy.CLASS_BALANCED, codec(), new SeededRandom(1)));
        assertThatThrownBy(() -> ReplayBuffers.readState(new DataInputStream(new ByteArrayInputStream(state)),
                new ByteSize(2048), TestExamples.SHAPE, 3, EvictionPolicy.CLASS_BALANCED, other))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("replay.codec was " + other.cliName() + " but the checkpoint was written with "
                        + codec().cliName() + "; resume with the same codec or start a new run");
    }

    @Test
    void parsesItsOwnName() {
        assertThat(ReplayCodec.parse(" " + codec().cliName().toUpperCase(java.util.Locale.ROOT) + " "))
                .isEqualTo(codec());
    }
}
