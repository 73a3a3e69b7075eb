package io.coldstream.learner;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.coldstream.core.Shape;
import io.coldstream.core.AtomicFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.stream.Stream;
import io.coldstream.testkit.SameParameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import io.coldstream.model.Network;
import io.coldstream.model.NetworkKind;
import io.coldstream.model.Networks;
import io.coldstream.model.OptimizerSettings;
import io.coldstream.model.SnapshotStore;

class SnapshotPublisherTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-25T12:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    private static Network tinyNetwork() {
        return Networks.create(NetworkKind.SMALL_CNN, new Shape(1, 12, 12), 3, OptimizerSettings.defaults(), 7, 4);
    }

    @Test
    void publishesCompleteVersionsWithMatchingChecksumsAndMovesLatest() throws Exception {
        Path store = dir.resolve("snapshots");
        try (Network net = tinyNetwork(); SnapshotPublisher publisher = new SnapshotPublisher(store, CLOCK)) {
            assertThat(publisher.publish(net.copy(), 10, null, Map.of("train", 9L), Map.of())).isEqualTo("v000001");
            assertThat(publisher.publish(net.copy(), 20, 0.5, Map.of("train", 19L), Map.of("seed", 1)))
                    .isEqualTo("v000002");
            publisher.awaitAll();
            assertThat(publisher.latest().version()).isEqualTo("v000002");
        }
        assertThat(SnapshotStore.readLatest(store)).isEqualTo("v000002");
        for (String v : new String[] {"v000001", "v000002"}) {
            JsonNode manifest = new ObjectMapper().readTree(store.resolve(v).resolve("manifest.json").toFile());
            assertThat(manifest.get("version").asText()).isEqualTo(v);
            assertThat(manifest.get("sha256").asText())
                    .isEqualTo(AtomicFiles.sha256(store.resolve(v).resolve("model.zip")));
            assertThat(manifest.get("createdAt").asText()).isEqualTo("2026-11-25T12:00:00Z");
        }
        JsonNode second = new ObjectMapper().readTree(store.resolve("v000002/manifest.json").toFile());
        assertThat(second.get("examplesSeen").asLong()).isEqualTo(20);
        assertThat(second.get("holdoutAccuracy").asDouble()).isEqualTo(0.5);
        assertThat(second.get("sourcePositions").get("train").asLong()).isEqualTo(19);
        try (Stream<Path> left = Files.list(store)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("v000001", "v000002",
                    "LATEST");
        }
    }

    @Test
    void continuesVersionNumbersAfterThoseAlreadyInTheStore() throws Exception {
        Path store = dir.resolve("snapshots");
        Files.createDirectories(store.resolve("v000041"));
        try (Network net = tinyNetwork(); SnapshotPublisher publisher = new SnapshotPublisher(store, CLOCK)) {
            assertThat(publisher.publish(net.copy(), 1, null, Map.of(), Map.of())).isEqualTo("v000042");
        }
        assertThat(SnapshotStore.readLatest(store)).isEqualTo("v000042");
    }

    @Test
    void leftoversOfARunStoppedWhileWritingAreRemovedAndVersionsAreKept() throws Exception {
        Path store = dir.resolve("snapshots");
        try (Network net = tinyNetwork(); SnapshotPublisher publisher = new SnapshotPublisher(store, CLOCK)) {
            publisher.publish(net.copy(), 1, null, Map.of(), Map.of());
        }
        // as a kill -9 leaves them: mid-write, and between retention's rename and its delete
        Files.createDirectories(store.resolve(".v000002.tmp"));
        Files.write(store.resolve(".v000002.tmp").resolve("model.zip"), new byte[100]);
        Files.createDirectories(store.resolve(".v000000.deleting"));
        Files.write(store.resolve(".v000000.deleting").resolve("model.zip"), new byte[100]);
        Files.write(store.resolve(".keep-me"), new byte[1]);
        try (Network net = tinyNetwork(); SnapshotPublisher publisher = new SnapshotPublisher(store, CLOCK)) {
            try (Stream<Path> left = Files.list(store)) {
                assertThat(left.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("v000001", "LATEST",
                        ".keep-me");
            }
            assertThat(publisher.publish(net.copy(), 2, null, Map.of(), Map.of())).isEqualTo("v000002");
        }
        assertThat(new SnapshotStore(store).versions()).containsExactly("v000001", "v000002");
    }

    /** A clock the test moves by hand. */
    private static final class ManualClock extends Clock {
        private Instant now = Instant.parse("2026-11-25T12:00:00Z");

        void advance(java.time.Duration d) {
            now = now.plus(d);
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private static java.util.List<String> folders(Path store) throws Exception {
        try (Stream<Path> left = Files.list(store)) {
            return left.map(p -> p.getFileName().toString()).filter(n -> !n.equals("LATEST")).sorted().toList();
        }
    }

    @Test
    void retentionKeepsTheNewestNAndEveryVersionInsideItsGracePeriod() throws Exception {
        Path store = dir.resolve("snapshots");
        ManualClock clock = new ManualClock();
        SnapshotRetention keep2 = new SnapshotRetention(2, java.time.Duration.ofMinutes(5));
        try (Network net = tinyNetwork();
             SnapshotPublisher publisher = new SnapshotPublisher(store, clock, keep2, m -> { })) {
            for (int i = 0; i < 4; i++) {
                publisher.publish(net.copy(), i, null, Map.of(), Map.of());
                publisher.awaitAll();
                clock.advance(java.time.Duration.ofMinutes(1));
            }
            // v1..v3 were replaced 3, 2 and 1 minutes ago: all inside the 5-minute grace
            assertThat(folders(store)).containsExactly("v000001", "v000002", "v000003", "v000004");
            clock.advance(java.time.Duration.ofMinutes(3)); // v1 replaced 6 min ago, v2 5 min ago, v3 4 min ago
            publisher.publish(net.copy(), 5, null, Map.of(), Map.of());
            publisher.awaitAll();
            assertThat(folders(store)).containsExactly("v000003", "v000004", "v000005");
            clock.advance(java.time.Duration.ofMinutes(10));
            publisher.publish(net.copy(), 6, null, Map.of(), Map.of());
            publisher.awaitAll();
            assertThat(folders(store)).containsExactly("v000005", "v000006");
        }
        assertThat(SnapshotStore.readLatest(store)).isEqualTo("v000006");
    }

    @Test
    void retentionNeverDeletesTheVersionLatestNames() throws Exception {
        Path store = dir.resolve("snapshots");
        ManualClock clock = new ManualClock();
        try (Network net = tinyNetwork(); SnapshotPublisher publisher = new SnapshotPublisher(store, clock,
                new SnapshotRetention(1, java.time.Duration.ZERO), m -> { })) {
            for (int i = 1; i <= 5; i++) {
                String version = publisher.publish(net.copy(), i, null, Map.of(), Map.of());
                publisher.awaitAll();
                clock.advance(java.time.Duration.ofSeconds(1));
                assertThat(SnapshotStore.readLatest(store)).isEqualTo(version);
                assertThat(folders(store)).containsExactly(version);
                new SnapshotStore(store).verify(version); // whole and matching its checksum
            }
        }
    }

    @Test
    void aSnapshotRestoresToTheSameModel() throws Exception {
        Path store = dir.resolve("snapshots");
        try (Network net = tinyNetwork(); SnapshotPublisher publisher = new SnapshotPublisher(store, CLOCK)) {
            publisher.publish(net.copy(), 1, null, Map.of(), Map.of());
            publisher.awaitAll();
            try (Network restored = Networks.restore(store.resolve("v000001/model.zip"), NetworkKind.SMALL_CNN,
                    new Shape(1, 12, 12), 3, 4)) {
                SameParameters.assertBitIdentical(restored.parameters(), net.parameters(), "parameters");
            }
        }
    }
}
