package io.coldstream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coldstream.core.MiniBatch;
import io.coldstream.core.ModelException;
import io.coldstream.core.SeededRandom;
import io.coldstream.core.Shape;
import io.coldstream.core.SnapshotException;
import io.coldstream.testkit.SameParameters;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every {@link Network} engine guarantees; each engine's test extends this. The trainer's
 * exactly-once resume and the serving path rely on every one of these.
 */
abstract class NetworkContract {

    static final Shape MNIST = new Shape(1, 28, 28);

    @TempDir
    Path dir;

    /** @return the engine under test */
    abstract NetworkEngine engine();

    /** @return whether a closed network has released its native memory (the engine's own view of it) */
    abstract boolean released(Network net);

    Network smallCnn(long seed) {
        return Networks.create(engine(), NetworkKind.SMALL_CNN, MNIST, 10, OptimizerSettings.defaults(), seed, 33);
    }

    static MiniBatch randomBatch(Shape shape, int classes, int rows, long seed) {
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

    /** @return how many rows of {@code batch} the network predicts right */
    static int rightOf(Network net, MiniBatch batch) {
        int[] predicted = predict(net, batch);
        int right = 0;
        for (int i = 0; i < batch.size(); i++) {
            right += predicted[i] == batch.label(i) ? 1 : 0;
        }
        return right;
    }

    static int[] predict(Network net, MiniBatch batch) {
        int[] predicted = new int[batch.size()];
        net.predict(batch.features(), batch.size(), predicted);
        return predicted;
    }

    @Test
    void reportsWhatItIs() {
        try (Network net = smallCnn(1)) {
            assertThat(net.engine()).isEqualTo(engine());
            assertThat(net.kind()).isEqualTo(NetworkKind.SMALL_CNN);
            assertThat(net.inputShape()).isEqualTo(MNIST);
            assertThat(net.numClasses()).isEqualTo(10);
            assertThat(net.steps()).isZero();
            assertThat(net.parameters()).hasSizeGreaterThan(400_000);
        }
    }

    @Test
    void learnsAMemorisedBatchAndPredictsItInInferenceMode() {
        try (Network net = smallCnn(1)) {
            MiniBatch batch = randomBatch(MNIST, 10, 16, 5);
            double first = net.fit(batch);
            double last = first;
            for (int i = 0; i < 40; i++) {
                last = net.fit(batch);
            }
            assertThat(net.steps()).isEqualTo(41);
            assertThat(last).isLessThan(first * 0.5);
            assertThat(rightOf(net, batch)).isGreaterThanOrEqualTo(12);
        }
    }

    @Test
    void probabilitiesSumToOneAgreeWithPredictAndDoNotDependOnTheBatch() {
        try (Network net = smallCnn(4)) {
            MiniBatch batch = randomBatch(MNIST, 10, 8, 7);
            for (int i = 0; i < 5; i++) {
                net.fit(batch);
            }
            float[] p = new float[8 * 10];
            net.predictProbabilities(batch.features(), 8, p);
            int[] predicted = predict(net, batch);
            for (int row = 0; row < 8; row++) {
                double sum = 0;
                int best = 0;
                for (int c = 0; c < 10; c++) {
                    float v = p[row * 10 + c];
                    assertThat(v).isBetween(0f, 1f);
                    sum += v;
                    best = v > p[row * 10 + best] ? c : best;
                }
                assertThat(sum).as("row %d sums to 1", row).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
                assertThat(best).as("row %d's most probable class", row).isEqualTo(predicted[row]);
            }
            // one row alone answers what it answered inside the batch (inference mode: rows are independent)
            float[] single = new float[10];
            float[] third = Arrays.copyOfRange(batch.features(), 2 * MNIST.elementCount(), 3 * MNIST.elementCount());
            net.predictProbabilities(third, 1, single);
            for (int c = 0; c < 10; c++) {
                assertThat(single[c]).isCloseTo(p[20 + c], org.assertj.core.data.Offset.offset(1e-5f));
            }
        }
    }

    @Test
    void equalSeedsGiveEqualWeightsAndSteps() {
        MiniBatch batch = randomBatch(MNIST, 10, 33, 9);
        try (Network a = smallCnn(11); Network b = smallCnn(11); Network c = smallCnn(12)) {
            SameParameters.assertBitIdentical(b.parameters(), a.parameters(), "parameters");
            assertThat(Arrays.equals(c.parameters(), a.parameters())).isFalse();
            for (int i = 0; i < 20; i++) {
                a.fit(batch);
                b.fit(batch);
            }
            SameParameters.assertBitIdentical(b.parameters(), a.parameters(), "parameters");
        }
    }

    @Test
    void aSavedModelWithItsOptimiserStateTrainsOnExactlyAsTheOriginal() {
        MiniBatch batch = randomBatch(MNIST, 10, 33, 4);
        Path file = dir.resolve("model.zip");
        try (Network original = smallCnn(3)) {
            for (int i = 0; i < 5; i++) {
                original.fit(batch);
            }
            original.save(file, true);
            try (Network restored = Networks.restore(file, NetworkKind.SMALL_CNN, MNIST, 10, 33)) {
                assertThat(restored.engine()).isEqualTo(engine());
                SameParameters.assertBitIdentical(restored.parameters(), original.parameters(), "parameters");
                for (int i = 0; i < 3; i++) {
                    original.fit(batch);
                    restored.fit(batch);
                }
                // the momentum came back too: otherwise these three steps would differ
                SameParameters.assertBitIdentical(restored.parameters(), original.parameters(), "parameters");
                assertThat(predict(restored, batch)).containsExactly(predict(original, batch));
            }
        }
    }

    @Test
    void weightDecayPullsEachWeightTowardZeroAndIsSavedWithTheModel() {
        double lr = 0.01;
        double mu = 0.9;
        double wd = 0.01;
        OptimizerSettings decayed = new OptimizerSettings(lr, mu, LearningRateSchedule.constant(), wd);
        MiniBatch batch = randomBatch(MNIST, 10, 33, 6);
        Path file = dir.resolve("decayed.zip");
        try (Network a = Networks.create(engine(), NetworkKind.SMALL_CNN, MNIST, 10, decayed, 3, 33);
                Network b = Networks.create(engine(), NetworkKind.SMALL_CNN, MNIST, 10,
                        new OptimizerSettings(lr, mu, LearningRateSchedule.constant()), 3, 33)) {
            float[] w0 = a.parameters();
            a.fit(batch);
            b.fit(batch);
            // the first step sees the same gradient g in both; Nesterov momentum from zero velocity
            // moves w by -lr (1 + mu) (g + wd w), so the decayed copy differs by -lr (1 + mu) wd w
            float[] pa = a.parameters();
            float[] pb = b.parameters();
            double expected = -lr * (1 + mu) * wd;
            int decayedValues = 0;
            int untouchedOnes = 0;
            for (int i = 0; i < w0.length; i++) {
                double diff = (double) pa[i] - pb[i];
                if (Math.abs(diff) < 1e-7) {
                    // biases start at 0; batch-norm scales start at 1 and are not decayed
                    untouchedOnes += w0[i] == 1f ? 1 : 0;
                } else {
                    assertThat(diff / w0[i]).as("parameter %d", i)
                            .isCloseTo(expected, org.assertj.core.data.Offset.offset(Math.abs(expected) * 0.05));
                    decayedValues++;
                }
            }
            assertThat(decayedValues).isGreaterThan(400_000); // the conv and dense weights
            assertThat(untouchedOnes).isGreaterThanOrEqualTo(32 + 64); // the batch-norm scales
            a.save(file, true);
            try (Network restored = Networks.restore(file, NetworkKind.SMALL_CNN, MNIST, 10, 33)) {
                for (int i = 0; i < 3; i++) {
                    a.fit(batch);
                    restored.fit(batch);
                }
                // the decay came back with the model: otherwise these steps would differ
                SameParameters.assertBitIdentical(restored.parameters(), a.parameters(), "parameters");
            }
        }
    }

    @Test
    void averageIntoMovesEveryParameterTowardTheSourceByItsShare() {
        MiniBatch batch = randomBatch(MNIST, 10, 33, 8);
        try (Network net = smallCnn(1); Network average = smallCnn(2); Network other = Networks.create(engine(),
                NetworkKind.SMALL_CNN, new Shape(1, 32, 32), 10, OptimizerSettings.defaults(), 1, 33)) {
            net.fit(batch); // the batch-norm statistics move too
            float[] w = net.parameters();
            float[] before = average.parameters();
            net.averageInto(average, 0.75);
            float[] after = average.parameters();
            assertThat(after).hasSameSizeAs(w);
            for (int i = 0; i < w.length; i++) {
                float expected = 0.75f * before[i] + 0.25f * w[i];
                assertThat(after[i]).as("parameter %d", i).isCloseTo(expected,
                        org.assertj.core.data.Offset.offset(1e-6f + 1e-5f * Math.abs(expected)));
            }
            assertThat(average.steps()).as("the average's own step count").isZero();
            net.averageInto(average, 0);
            SameParameters.assertBitIdentical(average.parameters(), w, "parameters after keep 0");
            assertThatThrownBy(() -> net.averageInto(net, 0.5)).isInstanceOf(ModelException.class)
                    .hasMessageContaining("itself");
            assertThatThrownBy(() -> net.averageInto(other, 0.5)).isInstanceOf(ModelException.class);
            assertThatThrownBy(() -> net.averageInto(average, 1.5)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("[0, 1]");
        }
    }

    @Test
    void theWideSmallCnnHasTwiceTheChannelsAndLearns() {
        try (Network net = Networks.create(engine(), NetworkKind.SMALL_CNN_WIDE, MNIST, 10,
                OptimizerSettings.defaults(), 1, 16)) {
            assertThat(net.kind()).isEqualTo(NetworkKind.SMALL_CNN_WIDE);
            // conv 64 + 128, dense 512, batch norm, output 10: 1,718,922 trained values, and 384 running
            // batch-norm statistics that Deeplearning4j counts among its parameters
            assertThat(net.parameterCount()).isIn(1_718_922L, 1_719_306L);
            MiniBatch batch = randomBatch(MNIST, 10, 16, 5);
            double first = net.fit(batch);
            double last = first;
            for (int i = 0; i < 30; i++) {
                last = net.fit(batch);
            }
            assertThat(last).isLessThan(first * 0.5);
            assertThat(rightOf(net, batch)).isGreaterThanOrEqualTo(12);
        }
    }

    @Test
    void aStepWithANonFiniteLossIsNotAppliedAndLeavesNoTrace() {
        MiniBatch good = randomBatch(MNIST, 10, 8, 2);
        MiniBatch nanTarget = randomBatch(MNIST, 10, 8, 3);
        nanTarget.targets()[1] = Float.NaN;
        MiniBatch nanPixel = randomBatch(MNIST, 10, 8, 4);
        nanPixel.features()[5] = Float.NaN; // moves the batch-norm statistics in forward
        MiniBatch infPixel = randomBatch(MNIST, 10, 8, 5);
        infPixel.features()[7] = Float.POSITIVE_INFINITY;
        try (Network guarded = smallCnn(7); Network twin = smallCnn(7)) {
            for (int i = 0; i < 3; i++) {
                guarded.fit(good);
                twin.fit(good);
            }
            for (MiniBatch bad : new MiniBatch[] {nanTarget, nanPixel, infPixel}) {
                assertThat(guarded.fit(bad)).as("the loss returned").matches(l -> !Double.isFinite(l), "not finite");
            }
            assertThat(guarded.steps()).isEqualTo(3);
            SameParameters.assertBitIdentical(guarded.parameters(), twin.parameters(), "after three skipped steps");
            float[] p1 = new float[8 * 10];
            float[] p2 = new float[8 * 10];
            guarded.predictProbabilities(good.features(), 8, p1);
            twin.predictProbabilities(good.features(), 8, p2);
            SameParameters.assertBitIdentical(p1, p2, "inference-mode probabilities (batch-norm statistics)");
            for (int i = 0; i < 2; i++) {
                assertThat(guarded.fit(good)).isEqualTo(twin.fit(good));
            }
            // the optimiser state was put back too: otherwise these two steps would differ
            SameParameters.assertBitIdentical(guarded.parameters(), twin.parameters(), "two good steps later");
            assertThat(guarded.steps()).isEqualTo(5);
        }
    }

    @Test
    void predictionsFollowEveryChangeOfTheParameters() {
        MiniBatch batch = randomBatch(MNIST, 10, 8, 2);
        MiniBatch other = randomBatch(MNIST, 10, 8, 9);
        try (Network net = smallCnn(5); Network target = smallCnn(6)) {
            float[] before = probabilities(target, batch);
            net.fit(batch);
            net.copyTo(target);
            assertSameProbabilities(target, net, batch, "after copyTo");
            assertThat(probabilities(target, batch)).isNotEqualTo(before);
            net.fit(other);
            net.fit(other);
            assertThat(probabilities(net, batch)).as("after two fits").isNotEqualTo(probabilities(target, batch));
            net.averageInto(target, 0); // keep none of the target: it becomes the network
            assertSameProbabilities(target, net, batch, "after averageInto");
            target.fit(other);
            try (Network fresh = target.copy()) { // a new network predicts from the parameters as they are
                assertSameProbabilities(target, fresh, batch, "after its own fit");
            }
        }
    }

    private static float[] probabilities(Network net, MiniBatch batch) {
        float[] p = new float[batch.size() * net.numClasses()];
        net.predictProbabilities(batch.features(), batch.size(), p);
        return p;
    }

    private static void assertSameProbabilities(Network actual, Network expected, MiniBatch batch, String what) {
        float[] a = probabilities(actual, batch);
        float[] e = probabilities(expected, batch);
        for (int i = 0; i < a.length; i++) {
            assertThat(a[i]).as("%s: probability %d", what, i).isCloseTo(e[i], org.assertj.core.data.Offset.offset(1e-6f));
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
    void copyToMakesAnEarlierCopyWhatCopyWouldGiveNow() {
        MiniBatch batch = randomBatch(MNIST, 10, 8, 2);
        MiniBatch other = randomBatch(MNIST, 10, 8, 9);
        try (Network original = smallCnn(5); Network fresh = smallCnn(6)) {
            original.fit(batch);
            try (Network twin = original.copy()) {
                original.fit(other);
                original.fit(batch);
                long open = Networks.open();
                original.copyTo(twin);
                assertThat(Networks.open()).as("copyTo builds no network").isEqualTo(open);
                SameParameters.assertBitIdentical(twin.parameters(), original.parameters(), "parameters");
                assertThat(twin.steps()).isEqualTo(3);
                // the optimiser state came too: otherwise the next steps would differ
                for (int i = 0; i < 2; i++) {
                    assertThat(twin.fit(other)).isEqualTo(original.fit(other));
                }
                SameParameters.assertBitIdentical(twin.parameters(), original.parameters(), "two steps later");
                float[] frozen = twin.parameters();
                original.fit(batch);
                SameParameters.assertBitIdentical(twin.parameters(), frozen, "the twin after the original stepped");

                // any network of the same engine and shape is a target, a fresh one too
                original.copyTo(fresh);
                SameParameters.assertBitIdentical(fresh.parameters(), original.parameters(), "a fresh target");
                assertThat(fresh.fit(batch)).isEqualTo(original.fit(batch));
            }
        }
    }

    @Test
    void copyToRefusesItselfAnotherShapeAndAClosedTarget() {
        try (Network original = smallCnn(5);
                Network fiveClasses = Networks.create(engine(), NetworkKind.SMALL_CNN, MNIST, 5,
                        OptimizerSettings.defaults(), 5, 33)) {
            assertThatThrownBy(() -> original.copyTo(original)).isInstanceOf(ModelException.class)
                    .hasMessageContaining("into itself");
            assertThatThrownBy(() -> original.copyTo(fiveClasses)).isInstanceOf(ModelException.class)
                    .hasMessageContaining("-> 10 into a").hasMessageContaining("-> 5");
            Network closed = original.copy();
            closed.close();
            assertThatThrownBy(() -> original.copyTo(closed)).isInstanceOf(ModelException.class)
                    .hasMessageContaining("into a closed");
        }
    }

    @Test
    void closingACopyReleasesItsNativeMemoryAtOnceAndLeavesTheOriginalWhole() {
        // the trainer makes a copy for every checkpoint and snapshot, and serving closes each model
        // it replaces: memory left for the garbage collector to find made a long run grow
        MiniBatch batch = randomBatch(MNIST, 10, 8, 3);
        try (Network original = smallCnn(6)) {
            original.fit(batch);
            float[] before = original.parameters();
            Network copy = original.copy();
            copy.fit(batch);
            assertThat(released(copy)).as("released before close").isFalse();
            copy.close();
            assertThat(released(copy)).as("released by close, before any garbage collection").isTrue();
            SameParameters.assertBitIdentical(original.parameters(), before, "the original's parameters");
            assertThat(original.fit(batch)).as("the original's next loss").isFinite();
        }
    }

    @Test
    void everyNetworkMadeCountsAsOpenUntilItIsClosedOnce() {
        // Networks.open() is what the soak and OffHeapSteadyIT watch for leaked copies
        long before = Networks.open();
        Path file = dir.resolve("counted.zip");
        try (Network original = smallCnn(7)) {
            assertThat(Networks.open()).as("built").isEqualTo(before + 1);
            Network copy = original.copy();
            assertThat(Networks.open()).as("copied").isEqualTo(before + 2);
            copy.close();
            copy.close();
            assertThat(Networks.open()).as("the copy closed twice").isEqualTo(before + 1);
            original.save(file, false);
            try (Network restored = Networks.restore(file, NetworkKind.SMALL_CNN, MNIST, 10, 33)) {
                assertThat(Networks.open()).as("restored").isEqualTo(before + 2);
                assertThat(restored.numClasses()).isEqualTo(original.numClasses());
            }
        }
        assertThat(Networks.open()).as("all closed").isEqualTo(before);
    }

    @Test
    void aModelFileOfAnotherShapeOrClassCountIsRefused() {
        Path file = dir.resolve("model.zip");
        try (Network net = smallCnn(1)) {
            net.save(file, false);
        }
        assertThatThrownBy(() -> Networks.restore(file, NetworkKind.SMALL_CNN, new Shape(3, 32, 32), 10, 33))
                .isInstanceOf(ModelException.class).hasMessageContaining(file.toString());
        assertThatThrownBy(() -> Networks.restore(file, NetworkKind.SMALL_CNN, MNIST, 7, 33))
                .isInstanceOf(ModelException.class).hasMessageContaining(file.toString());
    }

    @Test
    void aSnapshotLoadsVerifiedOnTheEngineThatWroteItAndACorruptOneIsRefused() throws Exception {
        Path store = dir.resolve("snapshots");
        MiniBatch batch = randomBatch(MNIST, 10, 8, 6);
        try (Network net = smallCnn(2)) {
            net.fit(batch);
            Path folder = Files.createDirectories(store.resolve("v000001"));
            net.save(folder.resolve(SnapshotStore.MODEL_FILE), false);
            SnapshotManifest manifest = SnapshotManifest.of("v000001", Instant.parse("2026-12-01T00:00:00Z"), 1, 0.5,
                    io.coldstream.core.AtomicFiles.sha256(folder.resolve(SnapshotStore.MODEL_FILE)),
                    Map.of("train", 0L), net, Map.of("seed", 1));
            Files.write(folder.resolve(SnapshotStore.MANIFEST_FILE), manifest.toJson());
            Files.writeString(store.resolve(SnapshotStore.LATEST), "v000001\n");

            SnapshotStore snapshots = new SnapshotStore(store);
            assertThat(snapshots.versions()).containsExactly("v000001");
            assertThat(snapshots.latest()).contains("v000001");
            assertThat(snapshots.manifest("v000001")).isEqualTo(manifest);
            try (Network loaded = snapshots.load("v000001", 8)) {
                assertThat(loaded.engine()).isEqualTo(engine());
                assertThat(predict(loaded, batch)).containsExactly(predict(net, batch));
            }
            Path model = folder.resolve(SnapshotStore.MODEL_FILE);
            byte[] bytes = Files.readAllBytes(model);
            bytes[bytes.length / 2] ^= 1;
            Files.write(model, bytes);
            assertThatThrownBy(() -> snapshots.load("v000001", 8)).isInstanceOf(SnapshotException.class)
                    .hasMessageContaining("SHA-256");
        }
    }
}
