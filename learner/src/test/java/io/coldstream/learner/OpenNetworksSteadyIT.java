package io.coldstream.learner;

import static org.assertj.core.api.Assertions.assertThat;

import io.coldstream.core.Example;
import io.coldstream.core.Shape;
import io.coldstream.model.Network;
import io.coldstream.model.Networks;
import io.coldstream.testkit.IdxFiles;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CI-sized half of the soak benchmark (bench --suite soak): a Deeplearning4j run of 1,000 steps
 * with a checkpoint and a snapshot every 50 examples (40 network copies made, written and dropped)
 * holds as many networks open at its end as after its first 100 steps. Each open network holds its
 * parameters' and optimiser state's native memory, which ND4J does not count where Java can read it
 * (neither JavaCPP's Pointer.totalBytes() nor the memory manager's allocatedMemory() saw ten leaked
 * copies), so the count is what is watched. The samples fall midway between checkpoints, when no
 * copy is being written.
 */
class OpenNetworksSteadyIT {

    private static final Shape SHAPE = new Shape(1, 12, 12);

    @TempDir
    Path dir;

    @Test
    void networksOpenStayTheSameOverAThousandStepsWithACheckpointAndASnapshotEveryFifty() throws Exception {
        Path data = dir.resolve("data");
        byte[] labels = new byte[1000];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = (byte) (i * 7 % 10);
        }
        IdxFiles.writeTrainAndTest(data, SHAPE, labels, new byte[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
        TrainerConfig config = TrainerConfig.builder().set("data", data.toString())
                .set("out", dir.resolve("run").toString()).set("limit", "1000").set("replay.k", "4")
                .set("holdout.every", "0").set("holdout.size", "10").set("snapshot.every", "50")
                .set("checkpoint.every", "50").set("metrics.every", "1000").build();
        long before = Networks.open();
        List<long[]> samples = new ArrayList<>();
        try (Trainer trainer = Trainer.prepare(config, Clock.systemUTC(), new SimpleMeterRegistry())) {
            trainer.run(new TrainerListener() {
                @Override
                public void beforeStep(long examplesSeen, Example next, Network network) {
                    if (examplesSeen % 200 == 125) {
                        samples.add(new long[] {examplesSeen, Networks.open() - before});
                    }
                }
            });
        }
        StringBuilder text = new StringBuilder();
        for (long[] s : samples) {
            text.append(String.format("step %d: %d; ", s[0], s[1]));
        }
        assertThat(samples).hasSize(5);
        for (long[] s : samples) {
            assertThat(s[1]).as("networks open at step %d against step 125 (%s)", s[0], text)
                    .isEqualTo(samples.get(0)[1]);
        }
        assertThat(Networks.open()).as("networks open once the trainer is closed").isEqualTo(before);
    }
}
