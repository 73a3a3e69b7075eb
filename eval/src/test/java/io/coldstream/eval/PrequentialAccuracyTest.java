package io.coldstream.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.coldstream.core.DataException;
import io.coldstream.core.SeededRandom;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import org.junit.jupiter.api.Test;

class PrequentialAccuracyTest {

    @Test
    void isNaNBeforeTheFirstRecord() {
        PrequentialAccuracy accuracy = new PrequentialAccuracy(3);

        assertThat(accuracy.accuracy()).isNaN();
        assertThat(accuracy.windowAccuracy()).isNaN();
        assertThat(accuracy.seen()).isZero();
        assertThat(accuracy.window()).isEqualTo(3);
    }

    @Test
    void countsOverallAndWindowedAccuracyWhileTheWindowFills() {
        PrequentialAccuracy accuracy = new PrequentialAccuracy(4);

        accuracy.record(1, 1);
        accuracy.record(2, 0);
        accuracy.record(3, 3);

        assertThat(accuracy.seen()).isEqualTo(3);
        assertThat(accuracy.hits()).isEqualTo(2);
        assertThat(accuracy.accuracy()).isEqualTo(2.0 / 3);
        assertThat(accuracy.windowAccuracy()).isEqualTo(2.0 / 3);
        assertThat(accuracy.windowCount()).isEqualTo(3);
    }

    @Test
    void dropsTheOldestPredictionOnceTheWindowWrapsAround() {
        PrequentialAccuracy accuracy = new PrequentialAccuracy(3);
        // hit, hit, miss, miss, miss, hit
        accuracy.record(0, 0);
        accuracy.record(1, 1);
        accuracy.record(0, 1);
        assertThat(accuracy.windowAccuracy()).isEqualTo(2.0 / 3);
        accuracy.record(0, 1);
        assertThat(accuracy.windowAccuracy()).isEqualTo(1.0 / 3);
        accuracy.record(0, 1);
        assertThat(accuracy.windowAccuracy()).isEqualTo(0.0);
        accuracy.record(2, 2);
        assertThat(accuracy.windowAccuracy()).isEqualTo(1.0 / 3);

        assertThat(accuracy.seen()).isEqualTo(6);
        assertThat(accuracy.hits()).isEqualTo(3);
        assertThat(accuracy.accuracy()).isEqualTo(0.5);
        assertThat(accuracy.windowCount()).isEqualTo(3);
    }

    @Test
    void aWindowOfOneTracksTheLastPrediction() {
        PrequentialAccuracy accuracy = new PrequentialAccuracy(1);

        accuracy.record(4, 4);
        assertThat(accuracy.windowAccuracy()).isEqualTo(1.0);
        accuracy.record(3, 4);
        assertThat(accuracy.windowAccuracy()).isEqualTo(0.0);
        assertThat(accuracy.accuracy()).isEqualTo(0.5);
    }

    @Test
    void agreesWithAQueueOverALongRandomStreamAndAWideWindow() {
        SeededRandom random = new SeededRandom(3);
        PrequentialAccuracy accuracy = new PrequentialAccuracy(130);
        Deque<Boolean> last = new ArrayDeque<>();
        long hits = 0;
        for (int i = 0; i < 5_000; i++) {
            int actual = random.nextInt(10);
            int predicted = random.nextDouble() < 0.3 + 0.5 * (i / 5000.0) ? actual : (actual + 1) % 10;
            accuracy.record(predicted, actual);
            last.addLast(predicted == actual);
            hits += predicted == actual ? 1 : 0;
            if (last.size() > 130) {
                last.removeFirst();
            }
            double expectedWindow = last.stream().filter(b -> b).count() / (double) last.size();
            assertThat(accuracy.windowAccuracy()).isCloseTo(expectedWindow, within(1e-12));
        }
        assertThat(accuracy.hits()).isEqualTo(hits);
        assertThat(accuracy.accuracy()).isEqualTo(hits / 5000.0);
    }

    @Test
    void recordsWithoutAllocating() {
        PrequentialAccuracy accuracy = new PrequentialAccuracy(100);
        for (int i = 0; i < 50_000; i++) {
            accuracy.record(i % 3, i % 2);
        }
        Allocations.allocatedBytes();
        long before = Allocations.allocatedBytes();
        for (int i = 0; i < 10_000; i++) {
            accuracy.record(i % 3, i % 2);
        }
        long allocated = Allocations.allocatedBytes() - before;

        assertThat(accuracy.seen()).isEqualTo(60_000);
        assertThat(allocated).isLessThan(16 * 1024); // 10,000 calls: any per-call allocation would be >= 160 KB; below 16 KB is JIT and measuring noise
    }

    @Test
    void rejectsAWindowBelowOneAndANegativeClass() {
        assertThatThrownBy(() -> new PrequentialAccuracy(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("prequential window was 0 but must be >= 1");
        assertThatThrownBy(() -> new PrequentialAccuracy(2).record(0, -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("actual class was -1 but must be >= 0");
    }

    @Test
    void restoredStateGoesOnCountingExactlyLikeTheOriginal() throws IOException {
        for (int recorded : new int[] {0, 5, 70, 201}) {
            SeededRandom random = new SeededRandom(recorded);
            PrequentialAccuracy original = new PrequentialAccuracy(70);
            for (int i = 0; i < recorded; i++) {
                original.record(random.nextInt(2), random.nextInt(2));
            }

            PrequentialAccuracy restored = roundTrip(original);

            assertThat(restored.seen()).isEqualTo(original.seen());
            assertThat(restored.hits()).isEqualTo(original.hits());
            assertThat(restored.windowCount()).isEqualTo(original.windowCount());
            for (int i = 0; i < 150; i++) {
                int predicted = random.nextInt(2);
                int actual = random.nextInt(2);
                original.record(predicted, actual);
                restored.record(predicted, actual);
                assertThat(restored.windowAccuracy()).isEqualTo(original.windowAccuracy());
            }
            assertThat(restored.accuracy()).isEqualTo(original.accuracy());
        }
    }

    @Test
    void rejectsACorruptState() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(1);
        out.writeInt(4);
        out.writeLong(3);
        out.writeLong(9);
        out.writeInt(0);
        out.writeInt(3);

        assertThatThrownBy(() -> PrequentialAccuracy.readFrom(
                new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()))))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("corrupt").hasMessageContaining("hits=9");
    }

    private static PrequentialAccuracy roundTrip(PrequentialAccuracy accuracy) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        accuracy.writeTo(new DataOutputStream(bytes));
        return PrequentialAccuracy.readFrom(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
    }
}
