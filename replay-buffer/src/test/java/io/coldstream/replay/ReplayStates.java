package io.coldstream.replay;

import static io.coldstream.replay.TestExamples.ELEMENTS;
import static io.coldstream.replay.TestExamples.example;
import static org.assertj.core.api.Assertions.assertThat;

import io.coldstream.core.ByteSize;
import io.coldstream.core.Example;
import io.coldstream.core.SeededRandom;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Helpers for the save/restore tests: write a state to bytes, read it back, run two buffers side by side. */
final class ReplayStates {

    private ReplayStates() {
    }

    /** @return what {@link ReplayBuffer#writeState} writes for this buffer */
    static byte[] stateOf(ReplayBuffer buffer) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            buffer.writeState(out);
        } catch (IOException e) {
            throw new UncheckedIOException("a ByteArrayOutputStream does not fail", e);
        }
        return bytes.toByteArray();
    }

    /** @return what {@link ReplayBuffer#writeIncrement} writes for this buffer now */
    static byte[] incrementOf(ReplayBuffer buffer) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            buffer.writeIncrement(out);
        } catch (IOException e) {
            throw new UncheckedIOException("a ByteArrayOutputStream does not fail", e);
        }
        return bytes.toByteArray();
    }

    /** Applies an increment to a restored buffer. */
    static void apply(byte[] increment, ReplayBuffer restored) {
        ReplayBuffers.applyIncrement(new DataInputStream(new ByteArrayInputStream(increment)), restored);
    }

    /** Reads a state with the configuration of {@code like}. */
    static ReplayBuffer restore(byte[] state, ReplayBuffer like) {
        return restore(state, like.budgetBytes(), like.numClasses(), like.policy());
    }

    /** Reads a state with the test shape and the given configuration. */
    static ReplayBuffer restore(byte[] state, long budgetBytes, int numClasses, EvictionPolicy policy) {
        return ReplayBuffers.readState(new DataInputStream(new ByteArrayInputStream(state)), new ByteSize(budgetBytes),
                TestExamples.SHAPE, numClasses, policy);
    }

    /**
     * Offers {@code steps} examples from {@code stream} (ids from {@code firstId}, labels in a range
     * that grows by one class every 50 ids, so that some classes start empty) and draws a sample of
     * 0 to 8 entries after each offer.
     */
    static void drive(ReplayBuffer buffer, SeededRandom stream, int firstId, int steps) {
        byte[] pixels = new byte[8 * ELEMENTS];
        int[] labels = new int[8];
        for (int i = firstId; i < firstId + steps; i++) {
            buffer.offer(nextExample(stream, i, buffer.numClasses()));
            buffer.sample(stream.nextInt(9), pixels, labels);
        }
    }

    /**
     * Feeds the same examples and sample sizes to both buffers and checks after every call that
     * they answer alike: offer results, sample counts, pixels and labels, size, counters and
     * class counts.
     */
    static void assertLockstep(ReplayBuffer expected, ReplayBuffer actual, SeededRandom stream, int firstId, int steps) {
        assertSameCounters(expected, actual, firstId);
        byte[] expectedPixels = new byte[8 * ELEMENTS];
        byte[] actualPixels = new byte[8 * ELEMENTS];
        int[] expectedLabels = new int[8];
        int[] actualLabels = new int[8];
        for (int i = firstId; i < firstId + steps; i++) {
            Example example = nextExample(stream, i, expected.numClasses());
            assertThat(actual.offer(example)).as("offer of id %d", i).isEqualTo(expected.offer(example));
            int k = stream.nextInt(9);
            assertThat(actual.sample(k, actualPixels, actualLabels)).as("sample(%d) after id %d", k, i)
                    .isEqualTo(expected.sample(k, expectedPixels, expectedLabels));
            assertThat(actualPixels).as("sampled pixels after id %d", i).isEqualTo(expectedPixels);
            assertThat(actualLabels).as("sampled labels after id %d", i).isEqualTo(expectedLabels);
            assertSameCounters(expected, actual, i);
        }
    }

    static void assertSameCounters(ReplayBuffer expected, ReplayBuffer actual, int id) {
        assertThat(actual.size()).as("size after id %d", id).isEqualTo(expected.size());
        assertThat(actual.offered()).as("offered after id %d", id).isEqualTo(expected.offered());
        assertThat(actual.evictions()).as("evictions after id %d", id).isEqualTo(expected.evictions());
        assertThat(actual.bytesUsed()).as("bytesUsed after id %d", id).isEqualTo(expected.bytesUsed());
        for (int c = 0; c < expected.numClasses(); c++) {
            assertThat(actual.classCount(c)).as("classCount(%d) after id %d", c, id).isEqualTo(expected.classCount(c));
        }
    }

    private static Example nextExample(SeededRandom stream, int id, int numClasses) {
        return example(id, stream.nextInt(Math.min(numClasses, 1 + id / 50)));
    }
}
