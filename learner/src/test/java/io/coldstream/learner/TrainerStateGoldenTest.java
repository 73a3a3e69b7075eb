package io.coldstream.learner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coldstream.core.DataException;
import io.coldstream.eval.HoldoutPoint;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code golden/trainer-v1.bin} is the {@code trainer.bin} of a real checkpoint, written before the
 * trainer state got its own type: {@code coldstream train --limit 100 --seed 11 --threads 2
 * --checkpoint-every 50}, its checkpoint at 100 examples. Every checkpoint on disk has this format,
 * so it must keep reading; format 2 writes the same fields and appends the limit and the counts.
 */
class TrainerStateGoldenTest {

    @TempDir
    Path dir;

    private static Path golden() throws URISyntaxException {
        return Path.of(TrainerStateGoldenTest.class.getResource("/golden/trainer-v1.bin").toURI());
    }

    private static CheckpointManifest manifest(long seen, long journal) {
        return new CheckpointManifest("ckpt-000002", Instant.EPOCH, seen, Map.of("train", 99L), journal, Map.of(), null);
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
    void writesFormat2AsFormat1WithItsNewFieldsAfterward() throws Exception {
        byte[] v1 = Files.readAllBytes(golden());
        TrainerState s = TrainerState.read(golden(), manifest(100, 100));
        assertThat(s.orderLimit).isEqualTo(-1);
        assertThat(s.badRecords).isEmpty();
        byte[] v2 = s.toBytes(s.savedFingerprint);
        assertThat(Arrays.copyOfRange(v2, 4, 8)).containsExactly(0, 0, 0, 2);
        // the magic, then format 1's fields unchanged, then the limit and two empty count tables
        assertThat(Arrays.copyOfRange(v2, 8, v1.length)).containsExactly(Arrays.copyOfRange(v1, 8, v1.length));
        assertThat(v2).hasSize(v1.length + 8 + 4 + 4);
        assertThat(TrainerState.read(Files.write(dir.resolve("v2.bin"), v2), manifest(100, 100)).toBytes(
                s.savedFingerprint)).isEqualTo(v2);
    }

    @Test
    void format2CarriesTheLimitAndTheCountsByReason() throws Exception {
        TrainerState s = new TrainerState();
        s.orderLimit = 300;
        s.badRecords.put("bad-magic", 7L);
        s.badRecords.put("label-out-of-range", 2L);
        s.skippedSteps.put("non-finite-loss", 3L);
        TrainerState back = TrainerState.read(Files.write(dir.resolve("c.bin"), s.toBytes("{}")), null);
        assertThat(back.orderLimit).isEqualTo(300);
        assertThat(back.badRecords).containsExactly(Map.entry("bad-magic", 7L), Map.entry("label-out-of-range", 2L));
        assertThat(back.badRecordTotal()).isEqualTo(9);
        assertThat(back.skippedSteps).containsExactly(Map.entry("non-finite-loss", 3L));
    }

    @Test
    void anUnknownFormatIsRefusedNamingTheFormatsRead() throws Exception {
        byte[] bytes = new TrainerState().toBytes("{}");
        bytes[7] = 3;
        Path file = Files.write(dir.resolve("v3.bin"), bytes);
        assertThatThrownBy(() -> TrainerState.read(file, null)).isInstanceOf(DataException.class)
                .hasMessageContaining("format 3").hasMessageContaining("reads 1 and 2");
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
