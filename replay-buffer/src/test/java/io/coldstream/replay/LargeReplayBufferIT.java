package io.coldstream.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coldstream.core.ByteSize;
import io.coldstream.core.ConfigurationException;
import io.coldstream.core.Example;
import io.coldstream.core.SeededRandom;
import io.coldstream.core.Shape;
import io.coldstream.core.StreamPosition;
import io.coldstream.testkit.Allocations;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/**
 * A 2.5 GiB budget, larger than any Java array: accepted when this JVM's direct memory holds it
 * (the build's test JVMs run with {@code -Xmx4g}, so the direct limit is 4 GiB), filled, and its
 * state streamed out without ever being gathered on the heap; refused up front, with the setting
 * to change, when the direct memory does not.
 */
class LargeReplayBufferIT {

    private static final ByteSize BUDGET = ByteSize.parse("2560MB");
    private static final Shape MNIST = new Shape(1, 28, 28);

    /** Counts and checksums what is written, keeping nothing. */
    private static final class CountingStream extends OutputStream {
        long count;
        final CRC32C crc = new CRC32C();

        @Override
        public void write(int b) {
            count++;
            crc.update(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count += len;
            crc.update(b, off, len);
        }
    }

    @Test
    void aTwoAndAHalfGibibyteBudgetIsAcceptedFilledAndStreamedOutOrRefusedUpFront() {
        ReplayBuffers.Limits limits = ReplayBuffers.Limits.current();
        long payload = (BUDGET.bytes() / 796) * 784;
        if (payload > limits.directBytesFree()) {
            assertThatThrownBy(() -> ReplayBuffers.create(BUDGET, MNIST, 10, EvictionPolicy.CLASS_BALANCED,
                    new SeededRandom(1)))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("raise -XX:MaxDirectMemorySize");
            return;
        }
        ReplayBuffer buffer = ReplayBuffers.create(BUDGET, MNIST, 10, EvictionPolicy.CLASS_BALANCED, new SeededRandom(1));
        assertThat(buffer.capacity()).isEqualTo((int) ((BUDGET.bytes() - buffer.fixedBytes()) / 796));
        assertThat(buffer.capacity() * 784L).isGreaterThan(Integer.MAX_VALUE);
        Example[] pool = new Example[64];
        for (int i = 0; i < pool.length; i++) {
            byte[] pixels = new byte[784];
            for (int p = 0; p < pixels.length; p++) {
                pixels[p] = (byte) (i * 13 + p);
            }
            pool[i] = new Example(i, i % 10, MNIST, pixels, new StreamPosition("t", i));
        }
        for (int i = 0; i < buffer.capacity() + 10; i++) {
            buffer.offer(pool[i & 63]);
        }
        assertThat(buffer.size()).isEqualTo(buffer.capacity());
        CountingStream counted = new CountingStream();
        long heap = Allocations.bytesAllocatedBy(() -> {
            try (DataOutputStream out = new DataOutputStream(counted)) {
                buffer.writeState(out);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        assertThat(counted.count).isGreaterThan(buffer.bytesUsed()).isGreaterThan(Integer.MAX_VALUE);
        // the payloads are streamed, never gathered; the capture copies the per-entry arrays only
        long perEntryArrays = (long) buffer.size() * (buffer.bytesPerEntry() - buffer.payloadBytesPerEntry());
        assertThat(heap).as("heap bytes allocated while writing %d bytes of state", counted.count)
                .isLessThan(perEntryArrays + (1 << 20)).isLessThan(counted.count / 50);
        // the last sample still reads from the far end of the store
        byte[] pixels = new byte[50 * 784];
        int[] labels = new int[50];
        assertThat(buffer.sample(50, pixels, labels)).isEqualTo(50);
    }
}
