package io.coldstream.replay;

import static io.coldstream.replay.TestExamples.ELEMENTS;
import static io.coldstream.replay.TestExamples.example;
import static io.coldstream.replay.TestExamples.idAt;
import static org.assertj.core.api.Assertions.assertThat;

import io.coldstream.core.SeededRandom;
import org.junit.jupiter.api.Test;

class ReservoirReplayBufferTest extends ReplayBufferContractTest {

    @Override
    EvictionPolicy policy() {
        return EvictionPolicy.RESERVOIR;
    }

    @Override
    int expectedBookkeepingBytes() {
        return 8; // label + sampling order, one int each
    }

    @Test
    void holdsEveryStreamPositionWithEqualProbability() {
        int capacity = 100;
        int streamLength = 2_000;
        int trials = 400;
        int buckets = 20;
        int[] held = new int[buckets];
        byte[] pixels = new byte[capacity * ELEMENTS];
        int[] labels = new int[capacity];
        SeededRandom seeds = new SeededRandom(2024);
        for (int t = 0; t < trials; t++) {
            ReplayBuffer buffer = bufferWithCapacity(capacity, 3, seeds.nextLong());
            for (int i = 0; i < streamLength; i++) {
                buffer.offer(example(i, i % 3));
            }
            assertThat(buffer.sample(capacity, pixels, labels)).isEqualTo(capacity);
            for (int j = 0; j < capacity; j++) {
                held[idAt(pixels, j) / (streamLength / buckets)]++;
            }
        }
        // Each position is held with probability 100/2000; a bucket of 100 positions expects 2000
        // of the 40,000 entries held over all trials (sd about 44).
        double expected = (double) trials * capacity / buckets;
        for (int b = 0; b < buckets; b++) {
            assertThat((double) held[b]).as("entries held from positions %d..%d", b * 100, b * 100 + 99)
                    .isBetween(expected * 0.88, expected * 1.12);
        }
    }

    @Test
    void acceptsTheIthExampleWithProbabilityCapacityOverIPlusOne() {
        int capacity = 100;
        ReplayBuffer buffer = bufferWithCapacity(capacity, 2, 9);
        int accepted = 0;
        double expected = 0;
        for (int i = 0; i < 10_100; i++) {
            boolean stored = buffer.offer(example(i, i % 2));
            if (i >= capacity) {
                expected += (double) capacity / (i + 1);
                if (stored) {
                    accepted++;
                }
            }
        }
        // expected is about 461 (sd about 21)
        assertThat((double) accepted).isBetween(expected * 0.85, expected * 1.15);
        assertThat(buffer.evictions()).isEqualTo(accepted);
        assertThat(buffer.offered()).isEqualTo(10_100);
    }

    @Test
    void holdsAnExampleIfAndOnlyIfItWasAccepted() {
        ReplayBuffer buffer = bufferWithCapacity(10, 2, 12);
        for (int i = 0; i < 300; i++) {
            boolean stored = buffer.offer(example(i, i % 2));
            assertThat(heldIds(buffer).contains(i)).as("offer %d", i).isEqualTo(stored);
        }
        assertThat(buffer.evictions()).isLessThan(290);
    }

    @Test
    void drawsLongsUniformlyBelowABoundBeyondTheIntRange() {
        long bound = 3L << 33;
        SeededRandom random = new SeededRandom(6);
        int[] thirds = new int[3];
        for (int i = 0; i < 30_000; i++) {
            long value = ReservoirReplayBuffer.nextLong(random, bound);
            assertThat(value).isBetween(0L, bound - 1);
            thirds[(int) (value / (1L << 33))]++;
        }
        for (int third = 0; third < 3; third++) {
            assertThat(thirds[third]).as("draws in third %d", third).isBetween(9_500, 10_500);
        }
    }
}
