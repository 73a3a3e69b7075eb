package io.coldstream.replay;

import static io.coldstream.replay.ReplayStates.assertLockstep;
import static io.coldstream.replay.ReplayStates.restore;
import static io.coldstream.replay.ReplayStates.stateOf;
import static io.coldstream.replay.TestExamples.ELEMENTS;
import static io.coldstream.replay.TestExamples.assertIntact;
import static io.coldstream.replay.TestExamples.idAt;
import static org.assertj.core.api.Assertions.assertThat;

import io.coldstream.core.SeededRandom;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Format version 1 as committed in {@code src/test/resources/replay-state-v1.bin}: today's code
 * must read it and write it byte for byte. If one of these tests fails, the format changed: keep
 * reading version 1 (checkpoints of running trainers are in it), write a new version with a new
 * golden file, and leave this one as it is.
 */
class ReplayStateGoldenTest {

    private static byte[] golden() throws IOException {
        try (InputStream in = ReplayStateGoldenTest.class.getResourceAsStream(GoldenReplayState.RESOURCE)) {
            assertThat(in).as("test resource %s", GoldenReplayState.RESOURCE).isNotNull();
            return in.readAllBytes();
        }
    }

    private static ReplayBuffer restoreGolden() throws IOException {
        return restore(golden(), GoldenReplayState.BUDGET_BYTES, GoldenReplayState.NUM_CLASSES, GoldenReplayState.POLICY);
    }

    @Test
    void goldenStateStartsWithTheMagicNumberAndVersionOne() throws IOException {
        ByteBuffer header = ByteBuffer.wrap(golden());
        assertThat(header.getInt(0)).isEqualTo(0x43535242);
        assertThat(header.getInt(4)).isEqualTo(1);
        assertThat(golden()).hasSize(322);
    }

    @Test
    void readsTheCountersAndEntriesOfTheVersionOneGoldenState() throws IOException {
        ReplayBuffer restored = restoreGolden();

        assertThat(restored.policy()).isEqualTo(EvictionPolicy.CLASS_BALANCED);
        assertThat(restored.capacity()).isEqualTo(8);
        assertThat(restored.size()).isEqualTo(8);
        assertThat(restored.offered()).isEqualTo(20);
        assertThat(restored.evictions()).isEqualTo(12);
        assertThat(new int[] {restored.classCount(0), restored.classCount(1), restored.classCount(2)})
                .containsExactly(3, 2, 3);
        byte[] pixels = new byte[8 * ELEMENTS];
        int[] labels = new int[8];
        assertThat(restored.sample(8, pixels, labels)).isEqualTo(8);
        Map<Integer, Integer> labelOfId = new HashMap<>();
        for (int j = 0; j < 8; j++) {
            assertIntact(pixels, j, labels[j]);
            labelOfId.put(idAt(pixels, j), labels[j]);
        }
        assertThat(labelOfId).containsExactlyInAnyOrderEntriesOf(
                Map.of(17, 0, 18, 1, 14, 2, 16, 2, 19, 2, 5, 0, 15, 1, 7, 0));
    }

    @Test
    void theRestoredGoldenStateContinuesLikeTheBufferItWasWrittenFrom() throws IOException {
        ReplayBuffer written = GoldenReplayState.build();
        ReplayBuffer restored = restoreGolden();
        assertLockstep(written, restored, new SeededRandom(31), GoldenReplayState.OFFERS, 300);
    }

    @Test
    void writesVersionOneByteForByte() throws IOException {
        assertThat(stateOf(GoldenReplayState.build()))
                .as("state of GoldenReplayState.build() against %s", GoldenReplayState.RESOURCE)
                .isEqualTo(golden());
    }
}
