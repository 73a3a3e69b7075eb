package io.coldstream.learner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coldstream.core.DataException;
import io.coldstream.eval.HoldoutPoint;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code golden/trainer-v1.bin} is the {@code trainer.bin} of a real checkpoint, written before the
 * trainer state got its own type: {@code coldstream train --limit 100 --seed 11 --threads 2
 * --checkpoint-every 50}, its checkpoint at 100 examples. Every checkpoint on disk has this format,
 * so it must keep reading, and writing the same state must give the same bytes.
 */
class TrainerStateGoldenTest {

    @TempDir
    Path dir;

    private static Path golden() throws URISyntaxException {
        return Path.of(TrainerStateGoldenTest.class.getResource("/golden/trainer-v1.bin").toURI());
    }

    private static CheckpointManifest manifest(long seen, long journal) {
        return new CheckpointManifest("ckpt-000002", Instant.EPOCH, seen, Map.of("train", 99L), journal, Map.of());
    }

    @Test
    void readsTheFormatOfCheckpointsAlreadyOnDisk() throws Exception {
        TrainerState s = TrainerState.read(golden(), manifest(100, 100));
        assertThat(s.seen).isEqualTo(100);
        assertThat(s.journalLength).isEqualTo(100);
        assertThat(s.positions).containsExactly(Map.entry("train", 99L));
        assertThat(s.prequential.seen()).isEqualTo(100);
        assertThat(s.prequential.accuracy()).isEqualTo(0.48);
        assertThat(s.holdout).isEmpty();
        assertThat(s.lastHoldout).isNull();
        assertThat(s.lastSnapshotAt).isZero();
        assertThat(s.savedFingerprint).startsWith("{\"augment\":{\"list\":\"crop,flip\",\"new\":false}")
                .contains("\"seed\":11");
    }

    @Test
    void writesTheSameBytesBack() throws Exception {
        byte[] bytes = Files.readAllBytes(golden());
        TrainerState s = TrainerState.read(golden(), manifest(100, 100));
        assertThat(s.toBytes(s.savedFingerprint)).isEqualTo(bytes);
    }

    @Test
    void aStateRoundTripsWithHoldoutsAndPartitions() throws Exception {
        TrainerState s = new TrainerState();
        s.seen = 7;
        s.augmentRandomState = -3;
        s.prequential.record(1, 1);
        s.holdout.add(new HoldoutPoint(5, 0.25));
        s.lastHoldout = 0.25;
        s.lastSnapshotAt = 5;
        s.journalLength = 7;
        s.positions.put("examples-1", 40L);
        s.positions.put("examples-0", 12L);
        Path file = Files.write(dir.resolve("trainer.bin"), s.toBytes("{}"));
        TrainerState back = TrainerState.read(file, null);
        assertThat(back.savedFingerprint).isEqualTo("{}");
        assertThat(back.augmentRandomState).isEqualTo(-3);
        assertThat(back.holdout).containsExactly(new HoldoutPoint(5, 0.25));
        assertThat(back.lastHoldout).isEqualTo(0.25);
        assertThat(back.positions).containsExactly(Map.entry("examples-0", 12L), Map.entry("examples-1", 40L));
    }

    @Test
    void aStateThatDisagreesWithItsManifestOrIsNotOneIsRefused() throws Exception {
        assertThatThrownBy(() -> TrainerState.read(golden(), manifest(101, 100))).isInstanceOf(DataException.class)
                .hasMessageContaining("disagrees with its manifest");
        Path junk = Files.write(dir.resolve("junk.bin"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        assertThatThrownBy(() -> TrainerState.read(junk, null)).isInstanceOf(DataException.class)
                .hasMessageContaining("bad magic number");
    }
}
