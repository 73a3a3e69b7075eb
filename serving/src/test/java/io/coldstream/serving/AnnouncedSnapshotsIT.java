package io.coldstream.serving;

import static org.assertj.core.api.Assertions.assertThat;

import io.coldstream.model.Network;
import io.coldstream.model.NetworkEngine;
import io.coldstream.model.SnapshotManifest;
import io.coldstream.model.SnapshotStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Swapping on announcements ({@code serve --follow}) instead of watching: the handle follows what
 * is announced, still verifies the files, waits for files that lag their announcement, and skips
 * announcements of another store. The Kafka transport is tested in streaming-io and end to end in
 * the cli; here the announcements are the manifests' own bytes.
 */
class AnnouncedSnapshotsIT {

    @TempDir
    Path dir;

    @Test
    void theHandleSwapsOnlyOnAnnouncementsAndWaitsForFilesThatLag() throws Exception {
        Path store = dir.resolve("snapshots");
        Path other = dir.resolve("other");
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (Network a = TestStore.smallCnn(NetworkEngine.DL4J, TestStore.MNIST, 1);
             Network b = TestStore.smallCnn(NetworkEngine.DL4J, TestStore.MNIST, 2);
             Network c = TestStore.smallCnn(NetworkEngine.DL4J, TestStore.MNIST, 3)) {
            TestStore.publish(store, "v000001", a);
            try (ModelHandle handle = ModelHandle.openUnwatched(store, ServingOptions.defaults(), registry);
                 AnnouncedSnapshots announced = new AnnouncedSnapshots(handle, Duration.ofMillis(50))) {
                assertThat(handle.version()).as("the store as it was at open").contains("v000001");

                // a new version with LATEST moved, but not announced: nothing happens
                TestStore.publish(store, "v000002", b);
                Thread.sleep(300);
                assertThat(handle.version()).contains("v000001");
                assertThat(announced.accept(manifest(store, "v000002"), "test")).isEqualTo(ModelHandle.Offered.SWAPPED);
                assertThat(handle.version()).contains("v000002");
                assertThat(announced.accept(manifest(store, "v000001"), "test"))
                        .as("an older announcement").isEqualTo(ModelHandle.Offered.NOT_NEWER);
                assertThat(handle.version()).contains("v000002");

                // another store's v000003 announced while this store has its own v000003
                TestStore.write(other, "v000003", c);
                TestStore.write(store, "v000003", a);
                assertThat(announced.accept(manifest(other, "v000003"), "test"))
                        .isEqualTo(ModelHandle.Offered.OTHER_CONTENT);
                assertThat(handle.version()).contains("v000002");

                // announced before its files arrive (a replicated store lagging): waits, then swaps
                TestStore.write(other, "v000004", c);
                byte[] early = manifest(other, "v000004");
                assertThat(announced.accept(early, "test")).isEqualTo(ModelHandle.Offered.NOT_PRESENT);
                assertThat(announced.waiting()).containsExactly("v000004");
                Thread.sleep(200);
                assertThat(handle.version()).contains("v000002");
                copyVersion(other, store, "v000004");
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (!handle.version().orElse("").equals("v000004") && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertThat(handle.version()).as("served once the files arrived").contains("v000004");
                assertThat(announced.waiting()).isEmpty();

                // malformed and corrupt announcements change nothing
                assertThat(announced.accept("{not json".getBytes(StandardCharsets.UTF_8), "test")).isNull();
                TestStore.write(store, "v000005", b);
                Path model = store.resolve("v000005").resolve(SnapshotStore.MODEL_FILE);
                byte[] bytes = Files.readAllBytes(model);
                bytes[bytes.length / 2] ^= 0x5a;
                Files.write(model, bytes);
                assertThat(announced.accept(manifest(store, "v000005"), "test")).isEqualTo(ModelHandle.Offered.REFUSED);
                assertThat(handle.version()).contains("v000004");
                assertThat(handle.status().refused()).containsKey("v000005");
                assertThat(handle.status().refused().get("v000005")).startsWith("checksum");

                assertThat(count(registry, "swapped")).isEqualTo(1.0); // v000002: a swap on a recheck is not counted again
                assertThat(count(registry, "not_newer")).isEqualTo(1.0);
                assertThat(count(registry, "other_content")).isEqualTo(1.0);
                assertThat(count(registry, "not_present")).isEqualTo(1.0);
                assertThat(count(registry, "malformed")).isEqualTo(1.0);
                assertThat(count(registry, "refused")).isEqualTo(1.0);
            }
        }
    }

    @Test
    void aPinnedHandleTakesOnlyItsVersion() throws Exception {
        Path store = dir.resolve("snapshots");
        try (Network a = TestStore.smallCnn(NetworkEngine.PYTORCH, TestStore.MNIST, 1);
             Network b = TestStore.smallCnn(NetworkEngine.PYTORCH, TestStore.MNIST, 2)) {
            TestStore.publish(store, "v000001", a);
            TestStore.publish(store, "v000002", b);
            ServingOptions pinned = ServingOptions.builder().policy(VersionPolicy.parse("pinned:v000001")).build();
            try (ModelHandle handle = ModelHandle.openUnwatched(store, pinned, new SimpleMeterRegistry());
                 AnnouncedSnapshots announced = new AnnouncedSnapshots(handle, Duration.ofMillis(50))) {
                assertThat(handle.version()).contains("v000001");
                assertThat(announced.accept(manifest(store, "v000002"), "test")).isEqualTo(ModelHandle.Offered.NOT_NEWER);
                assertThat(handle.version()).contains("v000001");
            }
        }
    }

    private static byte[] manifest(Path store, String version) throws Exception {
        return Files.readAllBytes(store.resolve(version).resolve(SnapshotStore.MANIFEST_FILE));
    }

    /** Copies a version folder into another store the way a replicating tool would: hidden, then renamed. */
    private static void copyVersion(Path from, Path to, String version) throws Exception {
        Path tmp = to.resolve("." + version + ".copy");
        Files.createDirectories(tmp);
        for (String f : new String[] {SnapshotStore.MODEL_FILE, SnapshotStore.MANIFEST_FILE}) {
            Files.copy(from.resolve(version).resolve(f), tmp.resolve(f));
        }
        Files.move(tmp, to.resolve(version), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        SnapshotManifest.read(to.resolve(version).resolve(SnapshotStore.MANIFEST_FILE));
    }

    private static double count(SimpleMeterRegistry registry, String outcome) {
        var c = registry.find("coldstream.serving.announcements").tag("outcome", outcome).counter();
        return c == null ? 0 : c.count();
    }
}
