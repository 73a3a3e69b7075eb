package io.coldstream.learner;

import io.coldstream.augment.Augmentation;
import io.coldstream.core.Example;
import io.coldstream.core.MiniBatch;
import io.coldstream.core.SeededRandom;
import io.coldstream.core.Shape;
import io.coldstream.eval.PrequentialAccuracy;
import io.coldstream.replay.ReplayBuffer;
import java.util.Objects;
import io.coldstream.model.Network;

/**
 * One step of cold-start streaming learning on one new example, exactly as the {@link Trainer} runs
 * it and the engine benchmark times it:
 *
 * <ol>
 *   <li>predict the new example first and record the hit or miss (prequential: test, then
 *       train, in the {@link PrequentialAccuracy} it was given);</li>
 *   <li>draw {@code k} distinct examples from the replay buffer;</li>
 *   <li>assemble {@code [new] + replayed} into one preallocated {@link MiniBatch} and augment it
 *       (the replayed rows, or every row when {@code augmentNew});</li>
 *   <li>one optimiser step on the whole network;</li>
 *   <li>offer the new example to the replay buffer.</li>
 * </ol>
 *
 * <p>Everything the step touches outside the network is allocated here, once, so that the
 * framework's part of a step (batch assembly, replay sampling, augmentation) does not allocate.
 * Not thread-safe: one trainer thread owns it.
 */
public final class TrainingStep {

    /** The parts of a step whose time {@link #phaseNanos()} accumulates. */
    public enum Phase {
        /** the prequential prediction of the new example (a batch-1 forward pass) */
        PREDICT,
        /** replay sampling, batch assembly and augmentation: the framework's own work */
        ASSEMBLE,
        /** the optimiser step on the whole network */
        FIT,
        /** offering the new example to the replay buffer */
        OFFER
    }

    private final Network network;
    private final ReplayBuffer replay;
    private final int k;
    private final Augmentation augmentation;
    private final SeededRandom augmentRandom;
    private final boolean augmentNew;
    private final int rowBytes;
    private final MiniBatch batch;
    private final byte[] replayPixels;
    private final int[] replayLabels;
    private final PrequentialAccuracy prequential;
    private final int[] predicted = new int[1];
    private final long[] phaseNanos = new long[Phase.values().length];

    /**
     * @param network the network to train
     * @param replay the replay buffer, of the network's input shape
     * @param k replayed examples per step, {@code >= 0}
     * @param augmentation applied to each assembled batch
     * @param augmentRandom the augmentation's only source of randomness
     * @param augmentNew also augment the new example (row 0), not only the replayed rows
     */
    public TrainingStep(Network network, ReplayBuffer replay, int k, Augmentation augmentation,
            SeededRandom augmentRandom, boolean augmentNew) {
        this(network, replay, k, augmentation, augmentRandom, augmentNew, new PrequentialAccuracy(1000));
    }

    /**
     * @param network the network to train
     * @param replay the replay buffer, of the network's input shape
     * @param k replayed examples per step, {@code >= 0}
     * @param augmentation applied to each assembled batch
     * @param augmentRandom the augmentation's only source of randomness
     * @param augmentNew also augment the new example (row 0), not only the replayed rows
     * @param prequential where each step records its prediction of the new example against its label
     */
    public TrainingStep(Network network, ReplayBuffer replay, int k, Augmentation augmentation,
            SeededRandom augmentRandom, boolean augmentNew, PrequentialAccuracy prequential) {
        this.prequential = Objects.requireNonNull(prequential, "prequential");
        this.network = Objects.requireNonNull(network, "network");
        this.replay = Objects.requireNonNull(replay, "replay");
        this.augmentation = Objects.requireNonNull(augmentation, "augmentation");
        this.augmentRandom = Objects.requireNonNull(augmentRandom, "augmentRandom");
        if (k < 0) {
            throw new IllegalArgumentException("k was " + k + " but must be >= 0");
        }
        Shape shape = network.inputShape();
        if (!shape.equals(replay.shape())) {
            throw new IllegalArgumentException("the replay buffer holds " + replay.shape()
                    + " examples but the network takes " + shape);
        }
        this.k = k;
        this.augmentNew = augmentNew;
        this.rowBytes = shape.elementCount();
        this.batch = new MiniBatch(1 + k, shape, network.numClasses());
        this.replayPixels = new byte[Math.max(1, k) * rowBytes];
        this.replayLabels = new int[Math.max(1, k)];
    }

    /**
     * Tests on, then trains on, one new example.
     *
     * @param example the new example, of the network's shape
     * @return the mini-batch loss before the optimiser step
     */
    public double train(Example example) {
        long t0 = System.nanoTime();
        batch.setRow(0, example.pixels(), 0, example.label());
        network.predict(batch.features(), 1, predicted);
        prequential.record(predicted[0], example.label());
        long t1 = System.nanoTime();
        assemble();
        long t2 = System.nanoTime();
        double loss = network.fit(batch);
        long t3 = System.nanoTime();
        replay.offer(example);
        long t4 = System.nanoTime();
        phaseNanos[Phase.PREDICT.ordinal()] += t1 - t0;
        phaseNanos[Phase.ASSEMBLE.ordinal()] += t2 - t1;
        phaseNanos[Phase.FIT.ordinal()] += t3 - t2;
        phaseNanos[Phase.OFFER.ordinal()] += t4 - t3;
        return loss;
    }

    /**
     * The framework's own part of a step: draws {@code k} replayed examples into rows {@code 1..k} of
     * the batch (row 0 holds the new example) and augments the batch. Allocates nothing once the
     * augmentations have sized their scratch buffers on the first call.
     */
    void assemble() {
        int n = k == 0 ? 0 : replay.sample(k, replayPixels, replayLabels);
        for (int j = 0; j < n; j++) {
            batch.setRow(1 + j, replayPixels, j * rowBytes, replayLabels[j]);
        }
        batch.setSize(1 + n);
        batch.setAugmentFrom(augmentNew ? 0 : 1);
        augmentation.apply(batch, augmentRandom);
    }

    /** @return nanoseconds spent in each {@link Phase} (by ordinal) over every step so far; a copy */
    public long[] phaseNanos() {
        return phaseNanos.clone();
    }

    /** @return the class predicted for the example of the last {@link #train} call, before training on it */
    public int lastPrediction() {
        return predicted[0];
    }

    /** @return the batch the last step trained on (for tests and benchmarks: do not change it) */
    public MiniBatch batch() {
        return batch;
    }
}
