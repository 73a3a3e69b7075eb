package io.coldstream.learner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coldstream.core.MiniBatch;
import io.coldstream.core.ModelException;
import io.coldstream.core.SeededRandom;
import io.coldstream.core.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import io.coldstream.model.Network;
import io.coldstream.model.NetworkEngine;
import io.coldstream.model.NetworkKind;
import io.coldstream.model.Networks;
import io.coldstream.model.OptimizerSettings;

/** The second engine, PyTorch through DJL: the same guarantees as the Deeplearning4j one. */
class PytorchEngineIT {

    private static final Shape MNIST = new Shape(1, 28, 28);

    @TempDir
    Path dir;

    private static Network smallCnn(long seed) {
        return Networks.create(NetworkEngine.PYTORCH, NetworkKind.SMALL_CNN, MNIST, 10, OptimizerSettings.defaults(),
                seed, 33);
    }

    private static MiniBatch randomBatch(Shape shape, int classes, int rows, long seed) {
        MiniBatch batch = new MiniBatch(rows, shape, classes);
        SeededRandom random = new SeededRandom(seed);
        byte[] pixels = new byte[shape.elementCount()];
        for (int row = 0; row < rows; row++) {
            for (int i = 0; i < pixels.length; i++) {
                pixels[i] = (byte) random.nextInt(256);
            }
            batch.setRow(row, pixels, 0, random.nextInt(classes));
        }
        batch.setSize(rows);
        return batch;
    }

    @Test
    void theSmallCnnIsTheDeeplearning4jOneAndLearnsABatch() {
        try (Network net = smallCnn(1); Network dl4j = Networks.create(NetworkKind.SMALL_CNN, MNIST, 10,
                OptimizerSettings.defaults(), 1, 33)) {
            // the same layers; Deeplearning4j also counts the batch-norm running mean and variance
            assertThat(dl4j.parameterCount() - net.parameterCount()).isEqualTo(2L * (32 + 64));
            MiniBatch batch = randomBatch(MNIST, 10, 16, 5);
            double first = net.fit(batch);
            double last = first;
            for (int i = 0; i < 40; i++) {
                last = net.fit(batch);
            }
            assertThat(net.steps()).isEqualTo(41);
            assertThat(last).isLessThan(first * 0.5);
            int[] predicted = new int[16];
            net.predict(batch.features(), 16, predicted);
            int right = 0;
            for (int i = 0; i < 16; i++) {
                right += predicted[i] == batch.label(i) ? 1 : 0;
            }
            assertThat(right).as("a memorised batch is predicted in inference mode").isGreaterThanOrEqualTo(12);
        }
    }

    @Test
    void resnet18TrainsEveryLayer() {
        Shape cifar = new Shape(3, 32, 32);
        try (Network net = Networks.create(NetworkEngine.PYTORCH, NetworkKind.RESNET18, cifar, 100,
                OptimizerSettings.defaults(), 1, 4)) {
            assertThat(net.parameterCount()).isBetween(11_000_000L, 11_400_000L);
            MiniBatch batch = randomBatch(cifar, 100, 4, 3);
            float[] before = net.parameters();
            assertThat(net.fit(batch)).isPositive().isFinite();
            float[] after = net.parameters();
            assertThat(after[0]).isNotEqualTo(before[0]);
            int lastWeight = after.length - 1;
            assertThat(after[lastWeight]).isNotEqualTo(before[lastWeight]);
        }
    }

    @Test
    void equalSeedsGiveEqualWeightsAndSteps() {
        MiniBatch batch = randomBatch(MNIST, 10, 33, 9);
        try (Network a = smallCnn(11); Network b = smallCnn(11); Network c = smallCnn(12)) {
            SameParameters.assertBitIdentical(b.parameters(), a.parameters(), "parameters");
            assertThat(c.parameters()).isNotEqualTo(a.parameters());
            for (int i = 0; i < 20; i++) {
                a.fit(batch);
                b.fit(batch);
            }
            SameParameters.assertBitIdentical(b.parameters(), a.parameters(), "parameters");
        }
    }

    @Test
    void aSavedModelWithItsMomentumTrainsOnExactlyAsTheOriginal() throws Exception {
        MiniBatch batch = randomBatch(MNIST, 10, 33, 4);
        Path file = dir.resolve("model.zip");
        try (Network original = smallCnn(3)) {
            for (int i = 0; i < 5; i++) {
                original.fit(batch);
            }
            original.save(file, true);
            try (ZipFile zip = new ZipFile(file.toFile())) {
                assertThat(zip.getEntry("coldstream-pytorch.json")).isNotNull();
                assertThat(zip.getEntry("optimizer.bin")).isNotNull();
            }
            try (Network restored = Networks.restore(file, NetworkKind.SMALL_CNN, MNIST, 10, 33)) {
                assertThat(restored.steps()).isEqualTo(5);
                SameParameters.assertBitIdentical(restored.parameters(), original.parameters(), "parameters");
                for (int i = 0; i < 3; i++) {
                    original.fit(batch);
                    restored.fit(batch);
                }
                // momentum came back too: otherwise these three steps would differ
                SameParameters.assertBitIdentical(restored.parameters(), original.parameters(), "parameters");
                int[] a = new int[33];
                int[] b = new int[33];
                original.predict(batch.features(), 33, a);
                restored.predict(batch.features(), 33, b);
                assertThat(b).containsExactly(a);
            }
        }
    }

    @Test
    void aCopyIsIndependentAndEqual() {
        MiniBatch batch = randomBatch(MNIST, 10, 8, 2);
        try (Network original = smallCnn(5)) {
            original.fit(batch);
            try (Network copy = original.copy()) {
                SameParameters.assertBitIdentical(copy.parameters(), original.parameters(), "parameters");
                assertThat(copy.steps()).isEqualTo(1);
                float[] frozen = copy.parameters();
                original.fit(batch);
                SameParameters.assertBitIdentical(copy.parameters(), frozen, "parameters");
                copy.fit(batch);
                SameParameters.assertBitIdentical(copy.parameters(), original.parameters(), "parameters");
            }
        }
    }

    @Test
    void aModelFileOfAnotherShapeOrArchitectureIsRefused() {
        Path file = dir.resolve("model.zip");
        try (Network net = smallCnn(1)) {
            net.save(file, false);
        }
        assertThatThrownBy(() -> Networks.restore(file, NetworkKind.SMALL_CNN, new Shape(3, 32, 32), 10, 33))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("holds small-cnn on [1, 28, 28] with 10 classes");
    }

    @Test
    void trainsOnTheStreamDeterministicallyAndResumesExactly() throws Exception {
        TrainerConfig.Builder base = TrainerConfig.builder().set("engine", "pytorch").set("holdout.every", "0")
                .set("holdout.size", "300").set("checkpoint.every", "60").set("seed", "5");
        float[] whole;
        TrainerConfig wholeConfig = base.set("limit", "150").set("out", dir.resolve("whole").toString()).build();
        try (Trainer trainer = Trainer.prepare(wholeConfig, Clock.systemUTC())) {
            assertThat(trainer.backend().backend()).isEqualTo("PyTorch");
            TrainResult result = trainer.run(new TrainerListener() { });
            assertThat(result.finalAccuracy()).as("well above chance after 150 examples").isGreaterThan(0.4);
            whole = trainer.network().parameters();
        }
        TrainerConfig again = base.set("limit", "150").set("out", dir.resolve("again").toString()).build();
        try (Trainer trainer = Trainer.prepare(again, Clock.systemUTC())) {
            trainer.run(new TrainerListener() { });
            SameParameters.assertBitIdentical(trainer.network().parameters(), whole, "same seed and stream, same model");
        }
        Path halves = dir.resolve("halves");
        try (Trainer trainer = Trainer.prepare(base.set("limit", "90").set("out", halves.toString()).build(),
                Clock.systemUTC())) {
            trainer.run(new TrainerListener() { });
        }
        try (Trainer trainer = Trainer.prepare(base.set("limit", "150").set("out", halves.toString()).build(),
                Clock.systemUTC())) {
            assertThat(trainer.resumed()).isTrue();
            assertThat(trainer.examplesSeen()).isEqualTo(90);
            trainer.run(new TrainerListener() { });
            SameParameters.assertBitIdentical(trainer.network().parameters(), whole, "resumed from a checkpoint");
        }
        // a snapshot is what an inference service loads: it restores on the engine that wrote it
        Path latest = halves.resolve("snapshots").resolve(Files.readString(halves.resolve("snapshots/LATEST")).trim());
        try (Network served = Networks.restore(latest.resolve("model.zip"), NetworkKind.SMALL_CNN, MNIST, 10, 1)) {
            SameParameters.assertBitIdentical(served.parameters(), whole, "parameters");
        }
        // the engine decides what is learnt: resuming on the other one is refused
        assertThatThrownBy(() -> Trainer.prepare(TrainerConfig.builder().set("engine", "dl4j").set("holdout.every", "0")
                .set("holdout.size", "300").set("checkpoint.every", "60").set("seed", "5").set("limit", "200")
                .set("out", halves.toString()).build(), Clock.systemUTC()))
                .isInstanceOf(io.coldstream.core.ConfigurationException.class)
                .hasMessageContaining("engine was 'dl4j'");
    }
}
