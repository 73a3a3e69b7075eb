package io.coldstream.learner;

import static org.assertj.core.api.Assertions.assertThat;

import io.coldstream.core.ByteSize;
import io.coldstream.core.Example;
import io.coldstream.core.SeededRandom;
import io.coldstream.core.Shape;
import io.coldstream.core.StreamPosition;
import io.coldstream.model.Network;
import io.coldstream.model.NetworkKind;
import io.coldstream.model.Networks;
import io.coldstream.model.OptimizerSettings;
import io.coldstream.replay.EvictionPolicy;
import io.coldstream.replay.ReplayBuffer;
import io.coldstream.replay.ReplayBuffers;
import io.coldstream.replay.ReplayCodec;
import io.coldstream.testkit.Allocations;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
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

/** A checkpoint streams the replay buffer to disk in stored form, one pending at most, and restores exactly. */
class ReplayCheckpointTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-01T12:00:00Z"), ZoneOffset.UTC);
    private static final Shape SHAPE = new Shape(1, 28, 28);

    @TempDir
    Path dir;

    private static ReplayBuffer filled(ReplayCodec codec, String budget) {
        ReplayBuffer buffer = ReplayBuffers.create(ByteSize.parse(budget), SHAPE, 10, EvictionPolicy.CLASS_BALANCED,
                codec, new SeededRandom(9));
        SeededRandom stream = new SeededRandom(10);
        for (int i = 0; i < buffer.capacity() + 500; i++) {
            byte[] pixels = new byte[784];
            for (int p = 0; p < 784; p++) {
                pixels[p] = (byte) stream.nextInt(256);
            }
            buffer.offer(new Example(i, stream.nextInt(10), SHAPE, pixels, new StreamPosition("t", i)));
        }
        return buffer;
    }

    @Test
    void streamsTheBufferWithoutGatheringItOnTheHeapAndRestoresItExactly() throws Exception {
        List<CheckpointManifest> committed = new ArrayList<>();
        ReplayBuffer buffer = filled(ReplayCodec.RAW, "8MB");
        try (Network net = Networks.create(NetworkKind.SMALL_CNN, new Shape(1, 12, 12), 3, OptimizerSettings.defaults(),
                7, 4); CheckpointStore store = new CheckpointStore(dir.resolve("checkpoints"),
                        dir.resolve("trained-ids.bin"), 2, CLOCK, (m, nanos) -> committed.add(m))) {
            Network copy = net.copy();
            long heap = Allocations.bytesAllocatedBy(() -> store.writeStreaming(copy, null, CheckpointStore.ReplayWriter.of(buffer),
                    new byte[] {1}, 5, Map.of("train", 4L), new long[] {1, 2, 3, 4, 5}, 5));
            assertThat(heap).as("heap bytes allocated while streaming %d bytes of replay state", buffer.bytesUsed())
                    .isLessThan(buffer.bytesUsed() / 8);
            store.awaitAll();
            CheckpointStore.Found found = store.newest().orElseThrow();
            assertThat(Files.size(found.replay())).isGreaterThan(buffer.bytesUsed());
            ReplayBuffer restored;
            try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(found.replay())))) {
                restored = ReplayBuffers.readState(in, ByteSize.parse("8MB"), SHAPE, 10, EvictionPolicy.CLASS_BALANCED,
                        ReplayCodec.RAW);
            }
            byte[] expected = new byte[50 * 784];
            byte[] actual = new byte[50 * 784];
            int[] expectedLabels = new int[50];
            int[] actualLabels = new int[50];
            for (int i = 0; i < 100; i++) {
                assertThat(restored.sample(50, actual, actualLabels)).isEqualTo(buffer.sample(50, expected,
                        expectedLabels));
                assertThat(actual).isEqualTo(expected);
                assertThat(actualLabels).isEqualTo(expectedLabels);
            }
        }
        try (Stream<Path> left = Files.list(dir.resolve("checkpoints"))) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactly("ckpt-000001");
        }
    }

    @Test
    void theNextCheckpointWaitsForThePreviousOneSoAtMostOneIsPending() throws Exception {
        List<String> committed = new ArrayList<>();
        ReplayBuffer buffer = filled(ReplayCodec.QUANTIZED, "1MB");
        try (Network net = Networks.create(NetworkKind.SMALL_CNN, new Shape(1, 12, 12), 3, OptimizerSettings.defaults(),
                7, 4); CheckpointStore store = new CheckpointStore(dir.resolve("checkpoints"),
                        dir.resolve("trained-ids.bin"), 3, CLOCK, (m, nanos) -> {
                            synchronized (committed) {
                                committed.add(m.name());
                            }
                        })) {
            for (int c = 1; c <= 3; c++) {
                store.writeStreaming(net.copy(), null, CheckpointStore.ReplayWriter.of(buffer), new byte[] {(byte) c}, c, Map.of("train",
                        (long) c), new long[] {c}, c);
                synchronized (committed) {
                    // when checkpoint c is queued, every earlier one is already durable
                    assertThat(committed).as("committed when checkpoint %d was queued", c).hasSize(c - 1);
                }
            }
            store.awaitAll();
        }
        assertThat(committed).containsExactly("ckpt-000001", "ckpt-000002", "ckpt-000003");
        try (Stream<Path> left = Files.list(dir.resolve("checkpoints"))) {
            assertThat(left.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("."))).as("hidden temporary files").isEmpty();
        }
    }

    @Test
    void checkpointsAfterABaseWriteIncrementsAndTheChainRebuildsTheBufferExactly() throws Exception {
        ReplayBuffer buffer = filled(ReplayCodec.RAW, "1MB");
        ReplayBuffer twin = filled(ReplayCodec.RAW, "1MB");
        SeededRandom stream = new SeededRandom(11);
        Path checkpoints = dir.resolve("checkpoints");
        List<Long> sizes = new ArrayList<>();
        int chainLength = 0;
        try (Network net = Networks.create(NetworkKind.SMALL_CNN, new Shape(1, 12, 12), 3, OptimizerSettings.defaults(),
                7, 4); CheckpointStore store = new CheckpointStore(checkpoints, dir.resolve("trained-ids.bin"), 2,
                        CLOCK, (m, nanos) -> { })) {
            for (int c = 1; c <= CheckpointStore.MAX_INCREMENTS + 3; c++) {
                for (int i = 0; i < 20; i++) {
                    byte[] pixels = new byte[784];
                    for (int p = 0; p < 784; p++) {
                        pixels[p] = (byte) stream.nextInt(256);
                    }
                    int label = stream.nextInt(10);
                    long id = 100_000L + c * 20L + i;
                    buffer.offer(new Example(id, label, SHAPE, pixels, new StreamPosition("t", id)));
                    twin.offer(new Example(id, label, SHAPE, pixels, new StreamPosition("t", id)));
                }
                store.writeStreaming(net.copy(), null, CheckpointStore.ReplayWriter.of(buffer), new byte[] {(byte) c}, c,
                        Map.of("train", (long) c), new long[] {c}, c);
                store.awaitAll();
                CheckpointStore.Found found = store.newest().orElseThrow();
                int previousChain = chainLength;
                List<Path> chain = found.replayChain();
                chainLength = chain.size();
                // the first checkpoint is a base; then MAX_INCREMENTS increments; then a base again
                int expectedLength = c <= CheckpointStore.MAX_INCREMENTS + 1 ? c : c - CheckpointStore.MAX_INCREMENTS - 1;
                assertThat(chain).as("replay chain of checkpoint %d", c).hasSize(expectedLength);
                assertThat(chain.get(0).getFileName().toString()).isEqualTo(CheckpointStore.REPLAY);
                assertThat(found.replay()).isEqualTo(chain.get(chain.size() - 1));
                sizes.add(Files.size(found.replay()));
                ReplayBuffer restored = found.readReplay(ByteSize.parse("1MB"), SHAPE, 10,
                        EvictionPolicy.CLASS_BALANCED, ReplayCodec.RAW);
                assertThat(stateOf(restored)).as("buffer rebuilt from checkpoint %d's chain", c).isEqualTo(stateOf(twin));
                try (Stream<Path> left = Files.list(checkpoints)) {
                    List<String> names = left.map(p -> p.getFileName().toString()).sorted().toList();
                    // the two newest, plus the bases and increments their chains need: right after a new
                    // base, the previous checkpoint's whole chain too
                    int kept = chain.size() == 1 && c > 1 ? previousChain + 1 : Math.max(chain.size(), Math.min(c, 2));
                    assertThat(names).as("checkpoints kept after %d", c)
                            .contains(chain.get(0).getParent().getFileName().toString()).hasSize(kept);
                    // only the two newest keep their model
                    assertThat(names.stream().filter(n -> Files.exists(checkpoints.resolve(n)
                            .resolve(CheckpointStore.MODEL)))).as("models kept after %d", c).hasSize(Math.min(c, 2));
                }
            }
        }
        long base = sizes.get(0);
        assertThat(sizes.get(1)).as("an increment of 20 examples against a base of %d bytes", base)
                .isLessThan(base / 20).isGreaterThan(20L * 784);
        assertThat(sizes.get(CheckpointStore.MAX_INCREMENTS + 1)).as("the next base").isEqualTo(base);
    }

    @Test
    void trainingGoesOnWhileTheReplayFileIsWrittenAndTheCheckpointHoldsTheBufferAsCaptured() throws Exception {
        ReplayBuffer buffer = filled(ReplayCodec.QUANTIZED, "2MB");
        ReplayBuffer twin = filled(ReplayCodec.QUANTIZED, "2MB");
        SeededRandom stream = new SeededRandom(12);
        try (Network net = Networks.create(NetworkKind.SMALL_CNN, new Shape(1, 12, 12), 3, OptimizerSettings.defaults(),
                7, 4); CheckpointStore store = new CheckpointStore(dir.resolve("checkpoints"),
                        dir.resolve("trained-ids.bin"), 2, CLOCK, (m, nanos) -> { })) {
            for (int c = 1; c <= 4; c++) {
                store.writeStreaming(net.copy(), null, CheckpointStore.ReplayWriter.of(buffer), new byte[] {(byte) c}, c,
                        Map.of("train", (long) c), new long[] {c}, c);
                byte[] captured = stateOf(twin);
                for (int i = 0; i < 300; i++) { // while the checkpoint is being written
                    byte[] pixels = new byte[784];
                    for (int p = 0; p < 784; p++) {
                        pixels[p] = (byte) stream.nextInt(256);
                    }
                    int label = stream.nextInt(10);
                    long id = 200_000L + c * 300L + i;
                    buffer.offer(new Example(id, label, SHAPE, pixels, new StreamPosition("t", id)));
                    twin.offer(new Example(id, label, SHAPE, pixels, new StreamPosition("t", id)));
                }
                store.awaitAll();
                ReplayBuffer restored = store.newest().orElseThrow().readReplay(ByteSize.parse("2MB"), SHAPE, 10,
                        EvictionPolicy.CLASS_BALANCED, ReplayCodec.QUANTIZED);
                assertThat(stateOf(restored)).as("checkpoint %d against the buffer when it was taken", c)
                        .isEqualTo(captured);
            }
        }
    }

    private static byte[] stateOf(ReplayBuffer buffer) throws java.io.IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.DataOutputStream out = new java.io.DataOutputStream(bytes)) {
            buffer.writeState(out);
        }
        return bytes.toByteArray();
    }
}
