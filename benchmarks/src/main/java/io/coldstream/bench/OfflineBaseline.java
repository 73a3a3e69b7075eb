package io.coldstream.bench;

import io.coldstream.augment.Augmentation;
import io.coldstream.augment.Augmentations;
import io.coldstream.core.Example;
import io.coldstream.core.MiniBatch;
import io.coldstream.core.SeededRandom;
import io.coldstream.core.StreamPosition;
import io.coldstream.eval.StageAccuracy;
import io.coldstream.eval.StageEvaluator;
import io.coldstream.io.BadRecordHandler;
import io.coldstream.io.BadRecordHandlers;
import io.coldstream.io.DatasetSplit;
import io.coldstream.io.SplitReader;
import io.coldstream.learner.TrainerConfig;
import io.coldstream.model.Network;
import io.coldstream.model.Networks;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The {@code offline} baseline, the denominator of Omega-all (Hayes et al., REMIND, ECCV 2020): at
 * each stage, the same network (same engine, architecture, initial weights, optimiser and
 * augmentation as the stream methods) trained from scratch with ordinary shuffled mini-batch epochs
 * on every example the stream has shown up to that stage's end, then evaluated on the classes seen
 * so far. Seeded: the same plan, seed and settings give the same accuracies on CPU. One thread.
 */
final class OfflineBaseline {

    private final StreamPlan plan;
    private final DatasetSplit train;
    private final StageEvaluator evaluator;
    private final TrainerConfig config;
    private final int epochs;
    private final int batchSize;
    private final int numClasses;
    private final String label;
    private final Consumer<String> progress;

    /**
     * @param plan the stream the stages come from
     * @param train the split the plan's indices point into
     * @param evaluator the stage evaluation shared with the stream methods
     * @param config network, engine, optimiser, augmentation and seed (as the stream methods')
     * @param numClasses the network's head
     * @param epochs passes over each stage's data, {@code >= 1}
     * @param batchSize rows per optimiser step, {@code >= 1}
     * @param label the run's name in progress lines
     * @param progress receives a line per stage
     */
    OfflineBaseline(StreamPlan plan, DatasetSplit train, StageEvaluator evaluator, TrainerConfig config,
            int numClasses, int epochs, int batchSize, String label, Consumer<String> progress) {
        if (epochs < 1 || batchSize < 1) {
            throw new IllegalArgumentException("offline epochs (" + epochs + ") and batch size (" + batchSize
                    + ") must be >= 1");
        }
        this.plan = plan;
        this.train = train;
        this.evaluator = evaluator;
        this.config = config;
        this.numClasses = numClasses;
        this.epochs = epochs;
        this.batchSize = batchSize;
        this.label = label;
        this.progress = progress;
    }

    /** @return the number of examples trained on over all stages and epochs */
    long examplesTrained() {
        long total = 0;
        for (long end : plan.stageEnds) {
            total += end * epochs;
        }
        return total;
    }

    /** @return one evaluation per stage */
    List<StageAccuracy> run() {
        SeededRandom root = new SeededRandom(config.seed());
        long initSeed = root.derive("init").nextLong();
        Augmentation augmentation = Augmentations.parse(config.augment(), config.augmentOptions());
        MiniBatch batch = new MiniBatch(batchSize, train.shape(), numClasses);
        List<StageAccuracy> stages = new ArrayList<>();
        try (BadRecordHandler badRecords = BadRecordHandlers.skip()) {
            train(root, initSeed, augmentation, batch, badRecords, stages);
        }
        return List.copyOf(stages);
    }

    private void train(SeededRandom root, long initSeed, Augmentation augmentation, MiniBatch batch,
            BadRecordHandler badRecords, List<StageAccuracy> stages) {
        for (int stage = 0; stage < plan.stages(); stage++) {
            long start = System.nanoTime();
            int n = (int) plan.stageEnds[stage];
            SeededRandom shuffle = root.derive("offline-stage-" + stage);
            SeededRandom augmentRandom = root.derive("offline-augment-" + stage);
            int[] indices = Arrays.copyOf(plan.order, n);
            try (Network network = Networks.create(config.engine(), config.network(), train.shape(), numClasses,
                    config.optimizer(), initSeed, Math.max(batchSize, 256))) {
                double lastLoss = Double.NaN;
                for (int epoch = 0; epoch < epochs; epoch++) {
                    shuffle(indices, shuffle);
                    // Read as the stream reads: decoded ahead on background threads where the split decodes
                    // files, and an undecodable example skipped and counted, as the stream methods skip it.
                    try (SplitReader reader = train.streamInOrder(indices, 0, n)) {
                        int rows = 0;
                        for (int i = 0; i < n; i++) {
                            Example ex = reader.next(new StreamPosition("offline", i), badRecords);
                            if (ex != null) {
                                batch.setRow(rows++, ex.pixels(), 0, ex.label());
                            }
                            if (rows == batchSize || (i == n - 1 && rows > 0)) {
                                batch.setSize(rows);
                                batch.setAugmentFrom(0);
                                augmentation.apply(batch, augmentRandom);
                                lastLoss = network.fit(batch);
                                rows = 0;
                            }
                        }
                    }
                }
                stages.add(evaluator.evaluate(stage, n, plan.seenAfter[stage], StageProbe.scorer(network, label, stage)));
                progress.accept(String.format(Locale.ROOT, "%s: stage %d/%d, %d examples x %d epoch%s in %.1f s,"
                        + " last loss %.3f, top-1 %.3f on %d classes", label, stage + 1, plan.stages(), n, epochs,
                        epochs == 1 ? "" : "s", (System.nanoTime() - start) / 1e9, lastLoss,
                        stages.get(stage).top1(), stages.get(stage).seenClasses()));
            }
        }
    }

    /** Fisher-Yates with the run's generator. */
    private static void shuffle(int[] a, SeededRandom random) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
