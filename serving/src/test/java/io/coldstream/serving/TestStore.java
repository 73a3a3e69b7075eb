package io.coldstream.serving;

import io.coldstream.core.AtomicFiles;
import io.coldstream.core.MiniBatch;
import io.coldstream.core.SeededRandom;
import io.coldstream.core.Shape;
import io.coldstream.model.Network;
import io.coldstream.model.NetworkEngine;
import io.coldstream.model.NetworkKind;
import io.coldstream.model.Networks;
import io.coldstream.model.OptimizerSettings;
import io.coldstream.model.SnapshotManifest;
import io.coldstream.model.SnapshotStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Map;

/**
 * Writes snapshots the way the trainer's {@code SnapshotPublisher} does (hidden temporary folder,
 * fsync, atomic rename, then {@code LATEST}), without the learner module, which serving must not
 * depend on. The trainer's own publisher is exercised end to end in the cli's serve-while-training test.
 */
final class TestStore {

    static final Shape MNIST = new Shape(1, 28, 28);

    private TestStore() {
    }

    static Network smallCnn(NetworkEngine engine, Shape shape, long seed) {
        return Networks.create(engine, NetworkKind.SMALL_CNN, shape, 10, OptimizerSettings.defaults(), seed, 16);
    }

    static MiniBatch batch(Shape shape, int rows, long seed) {
        MiniBatch batch = new MiniBatch(rows, shape, 10);
        SeededRandom random = new SeededRandom(seed);
        byte[] pixels = new byte[shape.elementCount()];
        for (int row = 0; row < rows; row++) {
            for (int i = 0; i < pixels.length; i++) {
                pixels[i] = (byte) random.nextInt(256);
            }
            batch.setRow(row, pixels, 0, random.nextInt(10));
        }
        batch.setSize(rows);
        return batch;
    }

    /** Writes {@code network} as {@code version} into the store and points {@code LATEST} at it. */
    static Path publish(Path store, String version, Network network) throws IOException {
        Path folder = write(store, version, network);
        AtomicFiles.writeAtomically(store.resolve(SnapshotStore.LATEST), version + "\n");
        return folder;
    }

    /** Writes the version folder only, atomically, without moving {@code LATEST}. */
    static Path write(Path store, String version, Network network) throws IOException {
        Files.createDirectories(store);
        Path tmp = store.resolve("." + version + ".tmp");
        Files.createDirectories(tmp);
        Path model = tmp.resolve(SnapshotStore.MODEL_FILE);
        network.save(model, false);
        SnapshotManifest manifest = SnapshotManifest.of(version, Instant.now(), 1, null, AtomicFiles.sha256(model),
                Map.of(), network, Map.of());
        Files.write(tmp.resolve(SnapshotStore.MANIFEST_FILE), manifest.toJson());
        AtomicFiles.fsync(model);
        Path folder = store.resolve(version);
        Files.move(tmp, folder, StandardCopyOption.ATOMIC_MOVE);
        return folder;
    }

    /** What a snapshot computes offline: restored from its folder, away from any handle. */
    static float[] offline(Path store, String version, float[] features, int rows) {
        try (Network net = new SnapshotStore(store).load(version, 16)) {
            float[] out = new float[rows * net.numClasses()];
            net.predictProbabilities(features, rows, out);
            return out;
        }
    }
}
