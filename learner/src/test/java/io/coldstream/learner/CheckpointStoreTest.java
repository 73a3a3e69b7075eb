package io.coldstream.learner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coldstream.core.DataException;
import io.coldstream.core.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import io.coldstream.model.Network;
import io.coldstream.model.NetworkKind;
import io.coldstream.model.Networks;
import io.coldstream.model.OptimizerSettings;

class CheckpointStoreTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-25T12:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    private static Network tiny() {
        return Networks.create(NetworkKind.SMALL_CNN, new Shape(1, 12, 12), 3, OptimizerSettings.defaults(), 7, 4);
    }

    private CheckpointStore store(List<CheckpointManifest> committed) {
        return new CheckpointStore(dir.resolve("checkpoints"), dir.resolve("trained-ids.bin"), 2, CLOCK,
                (m, nanos) -> committed.add(m));
    }

    @Test
    void writesCompleteCheckpointsKeepsTheNewestAndJournalsIdsInOrder() throws Exception {
        List<CheckpointManifest> committed = new ArrayList<>();
        try (Network net = tiny(); CheckpointStore store = store(committed)) {
            store.write(net.copy(), new byte[] {1, 2}, new byte[] {3}, 2, Map.of("train", 1L), new long[] {10, 11}, 2);
            store.write(net.copy(), new byte[] {4}, new byte[] {5}, 3, Map.of("train", 2L), new long[] {12}, 3);
            store.write(net.copy(), new byte[] {6}, new byte[] {7}, 5, Map.of("train", 4L), new long[] {13, 14}, 5);
            store.awaitAll();
        }
        assertThat(committed).extracting(CheckpointManifest::name)
                .containsExactly("ckpt-000001", "ckpt-000002", "ckpt-000003");
        try (Stream<Path> left = Files.list(dir.resolve("checkpoints"))) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("ckpt-000002",
                    "ckpt-000003");
        }
        assertThat(CheckpointStore.readJournal(dir.resolve("trained-ids.bin"))).containsExactly(10, 11, 12, 13, 14);
        try (CheckpointStore reopened = store(new ArrayList<>())) {
            CheckpointStore.Found found = reopened.newest().orElseThrow();
            assertThat(found.manifest().name()).isEqualTo("ckpt-000003");
            assertThat(found.manifest().examplesSeen()).isEqualTo(5);
            assertThat(found.manifest().sourcePositions()).containsEntry("train", 4L);
            assertThat(Files.readAllBytes(found.replay())).containsExactly(6);
            assertThat(Files.readAllBytes(found.trainer())).containsExactly(7);
        }
    }

    @Test
    void aCorruptNewestCheckpointIsSkippedAndTheJournalCutBackToTheOneUsed() throws Exception {
        try (Network net = tiny(); CheckpointStore store = store(new ArrayList<>())) {
            store.write(net.copy(), new byte[] {1}, new byte[] {1}, 1, Map.of("train", 0L), new long[] {7}, 1);
            store.write(net.copy(), new byte[] {2}, new byte[] {2}, 2, Map.of("train", 1L), new long[] {8}, 2);
            store.awaitAll();
        }
        Files.write(dir.resolve("checkpoints/ckpt-000002/replay.bin"), new byte[] {9});
        try (CheckpointStore reopened = store(new ArrayList<>())) {
            CheckpointStore.Found found = reopened.newest().orElseThrow();
            assertThat(found.manifest().name()).isEqualTo("ckpt-000001");
        }
        assertThat(CheckpointStore.readJournal(dir.resolve("trained-ids.bin"))).containsExactly(7);
    }

    @Test
    void aJournalShorterThanTheCheckpointIsReportedAsDamage() throws Exception {
        try (Network net = tiny(); CheckpointStore store = store(new ArrayList<>())) {
            store.write(net.copy(), new byte[] {1}, new byte[] {1}, 2, Map.of("train", 1L), new long[] {7, 8}, 2);
            store.awaitAll();
        }
        Files.write(dir.resolve("trained-ids.bin"), new byte[8]);
        try (CheckpointStore reopened = store(new ArrayList<>())) {
            assertThatThrownBy(reopened::newest).isInstanceOf(DataException.class)
                    .hasMessageContaining("has 1 entries but the checkpoint covers 2");
        }
    }

    @Test
    void anEmptyFolderHasNoCheckpoint() {
        try (CheckpointStore store = store(new ArrayList<>())) {
            assertThat(store.newest()).isEmpty();
        }
    }
}
