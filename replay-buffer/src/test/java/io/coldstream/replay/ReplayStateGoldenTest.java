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
 * Format versions 1 and 2 as committed in {@code src/test/resources/replay-state-v1.bin} and
 * {@code replay-state-v2.bin}: today's code must read both, and write version 2 byte for byte. If
 * one of these tests fails, the format changed: keep reading the old versions (checkpoints of
 * running trainers are in them), write a new version with a new golden file, and leave these as
 * they are.
 */
class ReplayStateGoldenTest {

    private static byte[] golden() throws IOException {
        return resource(GoldenReplayState.RESOURCE);
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = ReplayStateGoldenTest.class.getResourceAsStream(name)) {
            assertThat(in).as("test resource %s", name).isNotNull();
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
    void writesVersionTwoByteForByte() throws IOException {
        assertThat(stateOf(GoldenReplayState.build()))
                .as("state of GoldenReplayState.build() against %s", GoldenReplayState.RESOURCE_V2)
                .isEqualTo(resource(GoldenReplayState.RESOURCE_V2));
    }

    @Test
    void versionTwoIsVersionOneWithTheCodecNameAfterThePolicyName() throws IOException {
        byte[] v1 = golden();
        byte[] v2 = resource(GoldenReplayState.RESOURCE_V2);
        ByteBuffer header = ByteBuffer.wrap(v2);
        assertThat(header.getInt(4)).isEqualTo(2);
        int policyEnd = 12 + header.getInt(8);
        assertThat(header.getInt(policyEnd)).isEqualTo(3);
        assertThat(new String(v2, policyEnd + 4, 3, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("raw");
        // the rest, bar the version and the checksum, is version 1's bytes
        assertThat(java.util.Arrays.copyOfRange(v2, policyEnd + 7, v2.length - 4))
                .isEqualTo(java.util.Arrays.copyOfRange(v1, policyEnd, v1.length - 4));
    }

    @Test
    void theRestoredVersionOneStateWritesVersionTwoThatRestoresAlike() throws IOException {
        ReplayBuffer fromV1 = restoreGolden();
        ReplayBuffer fromV2 = restore(stateOf(fromV1), GoldenReplayState.BUDGET_BYTES, GoldenReplayState.NUM_CLASSES,
                GoldenReplayState.POLICY);
        assertThat(fromV2.capacity()).isEqualTo(GoldenReplayState.CAPACITY);
        assertLockstep(fromV1, fromV2, new SeededRandom(41), GoldenReplayState.OFFERS, 300);
    }
}
