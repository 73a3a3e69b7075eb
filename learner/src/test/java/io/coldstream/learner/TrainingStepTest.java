package io.coldstream.learner;

import static org.assertj.core.api.Assertions.assertThat;

import io.coldstream.augment.Augmentations;
import io.coldstream.core.ByteSize;
import io.coldstream.core.Example;
import io.coldstream.core.MiniBatch;
import io.coldstream.core.SeededRandom;
import io.coldstream.core.Shape;
import io.coldstream.core.StreamPosition;
import io.coldstream.replay.EvictionPolicy;
import io.coldstream.replay.ReplayBuffer;
import io.coldstream.replay.ReplayBuffers;
import io.coldstream.testkit.Allocations;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import io.coldstream.model.Network;
import io.coldstream.model.NetworkKind;
import io.coldstream.model.Networks;
import io.coldstream.model.OptimizerSettings;

class TrainingStepTest {

    private static final Shape SHAPE = new Shape(1, 28, 28);
    private static Network network;

    @BeforeAll
    static void build() {
        network = Networks.create(NetworkKind.SMALL_CNN, SHAPE, 10, OptimizerSettings.defaults(), 1, 51);
    }

    @AfterAll
    static void release() {
        network.close();
    }

    private static Example[] stream(int n, long seed) {
        SeededRandom random = new SeededRandom(seed);
        Example[] examples = new Example[n];
        for (int i = 0; i < n; i++) {
            byte[] pixels = new byte[SHAPE.elementCount()];
            for (int p = 0; p < pixels.length; p++) {
                pixels[p] = (byte) random.nextInt(256);
            }
            examples[i] = new Example(i, random.nextInt(10), SHAPE, pixels, new StreamPosition("test", i));
        }
        return examples;
    }

    @Test
    void batchAssemblyReplaySamplingAugmentationAndOfferAllocateNothingOverManySteps() {
        // a 1 MB buffer holds 1,317 entries: offering 2,000 more examples keeps evicting (class-balanced)
        ReplayBuffer replay = ReplayBuffers.create(ByteSize.parse("1MB"), SHAPE, 10, EvictionPolicy.CLASS_BALANCED,
                new SeededRandom(2));
        TrainingStep step = new TrainingStep(network, replay, 50, Augmentations.parse("crop,flip,mixup"),
                new SeededRandom(3), false);
        Example[] examples = stream(2_000, 4);
        for (int i = 0; i < 20_000; i++) { // fill the buffer and let the JIT compile the steady state
            step.assemble();
            replay.offer(examples[i % examples.length]);
        }
        assertThat(replay.size()).isEqualTo(replay.capacity());
        long evictionsBefore = replay.evictions();
        long allocated = Allocations.bytesAllocatedBy(() -> {
            for (int i = 0; i < 10_000; i++) {
                step.assemble();
                replay.offer(examples[i % examples.length]);
            }
        });
        assertThat(replay.evictions() - evictionsBefore).isPositive();
        assertThat(step.batch().size()).isEqualTo(51);
        // any per-step allocation would show as >= 160 KB over 10,000 steps; below 16 KB is JIT and measuring noise
        assertThat(allocated).as("bytes allocated by 10,000 steps' framework part").isLessThan(16 * 1024);
    }

    @Test
    void aStepPredictsTheNewExampleFirstThenTrainsOnItWithReplayAndRemembersIt() {
        ReplayBuffer replay = ReplayBuffers.create(ByteSize.parse("1MB"), SHAPE, 10, EvictionPolicy.CLASS_BALANCED,
                new SeededRandom(2));
        TrainingStep step = new TrainingStep(network, replay, 8, Augmentations.parse("crop,flip"), new SeededRandom(3),
                false);
        Example[] examples = stream(20, 6);
        long stepsBefore = network.steps();
        for (int i = 0; i < examples.length; i++) {
            double loss = step.train(examples[i]);
            assertThat(loss).isPositive().isFinite();
            assertThat(step.lastPrediction()).isBetween(0, 9);
            MiniBatch batch = step.batch();
            // one new example plus min(k, what the buffer held before this step)
            assertThat(batch.size()).isEqualTo(1 + Math.min(8, i));
            // the new example sits in row 0, unaugmented
            for (int p = 0; p < SHAPE.elementCount(); p += 97) {
                assertThat(batch.features()[p]).isEqualTo((examples[i].pixels()[p] & 0xff) * MiniBatch.PIXEL_SCALE);
            }
            assertThat(batch.label(0)).isEqualTo(examples[i].label());
            assertThat(replay.offered()).isEqualTo(i + 1);
        }
        assertThat(network.steps() - stepsBefore).isEqualTo(20);
        long[] phases = step.phaseNanos();
        for (TrainingStep.Phase p : TrainingStep.Phase.values()) {
            assertThat(phases[p.ordinal()]).as(p.name()).isPositive();
        }
    }
}
