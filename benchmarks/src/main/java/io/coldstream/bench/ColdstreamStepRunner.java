package io.coldstream.bench;

import io.coldstream.augment.Augmentations;
import io.coldstream.core.ByteSize;
import io.coldstream.core.Example;
import io.coldstream.core.SeededRandom;
import io.coldstream.core.StreamPosition;
import io.coldstream.model.Network;
import io.coldstream.model.NetworkEngine;
import io.coldstream.model.Networks;
import io.coldstream.model.OptimizerSettings;
import io.coldstream.learner.TrainingStep;
import io.coldstream.replay.EvictionPolicy;
import io.coldstream.replay.ReplayBuffer;
import io.coldstream.replay.ReplayBuffers;

/**
 * Coldstream's own trainer step ({@link TrainingStep}, the code the trainer runs) on either engine: prequential
 * prediction, class-balanced replay sampling, batch assembly, crop and flip augmentation, one
 * optimiser step, and the offer to the replay buffer, on a cycling stream of random examples.
 */
final class ColdstreamStepRunner implements StepRunner {

    private static final int STREAM_LENGTH = 512;

    private final Network network;
    private final ReplayBuffer replay;
    private final TrainingStep step;
    private final Example[] stream;
    private int next;

    ColdstreamStepRunner(NetworkEngine engine, BenchCase c, int replayK, long seed) {
        SeededRandom root = new SeededRandom(seed);
        this.network = Networks.create(engine, c.network(), c.shape(), c.numClasses(), OptimizerSettings.defaults(),
                seed, replayK + 1);
        this.replay = ReplayBuffers.create(ByteSize.parse("16MB"), c.shape(), c.numClasses(),
                EvictionPolicy.CLASS_BALANCED, root.derive("replay"));
        SeededRandom data = root.derive("data");
        this.stream = new Example[STREAM_LENGTH];
        int row = c.shape().elementCount();
        for (int i = 0; i < STREAM_LENGTH; i++) {
            byte[] pixels = new byte[row];
            for (int p = 0; p < row; p++) {
                pixels[p] = (byte) data.nextInt(256);
            }
            stream[i] = new Example(i, data.nextInt(c.numClasses()), c.shape(), pixels,
                    new StreamPosition("bench", i));
        }
        // a buffer that already holds more than k entries, as in a steady-state run
        for (int i = 0; i < Math.max(2 * replayK, 1); i++) {
            replay.offer(stream[i % STREAM_LENGTH]);
        }
        this.step = new TrainingStep(network, replay, replayK, Augmentations.parse("crop,flip"),
                root.derive("augment"), false);
    }

    @Override
    public double step() {
        Example ex = stream[next];
        next = (next + 1) % STREAM_LENGTH;
        return step.train(ex);
    }

    /** @return nanoseconds spent so far in each {@link TrainingStep.Phase}, by ordinal */
    long[] phaseNanos() {
        return step.phaseNanos();
    }

    @Override
    public long parameterCount() {
        return network.parameterCount();
    }

    @Override
    public void close() {
        network.close();
    }
}
