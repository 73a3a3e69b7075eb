package io.coldstream.learner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coldstream.core.ModelException;
import io.coldstream.core.Shape;
import io.coldstream.eval.RunResults;
import io.coldstream.testkit.IdxFiles;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The divergence guard, trained for real: with a learning rate of 10^6 the small CNN's loss turns
 * NaN within a few steps. No such step reaches the weights (they stay finite), each is counted, and
 * after {@code nonfinite.limit} in a row the run stops naming the newest checkpoint, which stays the
 * newest: no final checkpoint, no {@code results.json}.
 */
class DivergenceGuardIT {

    private static final Shape SHAPE = new Shape(1, 28, 28);

    @TempDir
    Path dir;

    @Test
    void nonFiniteStepsNeverReachTheWeightsAndAStreakStopsTheRunKeepingTheLastGoodCheckpoint() throws Exception {
        Path data = dir.resolve("data");
        byte[] labels = new byte[200];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = (byte) (i % 10);
        }
        IdxFiles.writeTrainAndTest(data, SHAPE, labels, new byte[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
        Path out = dir.resolve("run");
        TrainerConfig config = TrainerConfig.builder().set("data", data.toString()).set("out", out.toString())
                .set("limit", "200").set("replay.k", "4").set("lr", "1e6").set("holdout.every", "0")
                .set("holdout.size", "10").set("snapshot.every", "0").set("checkpoint.every", "2")
                .set("nonfinite.limit", "6").build();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (Trainer trainer = Trainer.prepare(config, Clock.systemUTC(), registry)) {
            assertThatThrownBy(() -> trainer.run(new TrainerListener() { }))
                    .isInstanceOfSatisfying(ModelException.class, e -> {
                        assertThat(e.getMessage()).startsWith("the network diverged: the last 6 steps")
                                .contains("none of them was applied").contains("lower --lr (now 1000000.0)");
                        Matcher m = Pattern.compile("The newest checkpoint, (ckpt-\\d+) at (\\d+) examples")
                                .matcher(e.getMessage());
                        assertThat(m.find()).as(e.getMessage()).isTrue();
                        assertThat(newestCheckpoint(out)).isEqualTo(m.group(1));
                        assertThat(Long.parseLong(m.group(2))).isLessThan(trainer.examplesSeen());
                    });
            float[] weights = trainer.network().parameters();
            for (int i = 0; i < weights.length; i++) {
                assertThat(Float.isFinite(weights[i])).as("parameter %d is %s", i, weights[i]).isTrue();
            }
            Counter skipped = registry.find("coldstream.steps.skipped").tag("reason", "non-finite-loss").counter();
            assertThat(skipped).isNotNull();
            assertThat(skipped.count()).isGreaterThanOrEqualTo(6);
            assertThat(trainer.network().steps()).isEqualTo(trainer.examplesSeen() - (long) skipped.count());
        }
        assertThat(out.resolve(RunResults.FILE_NAME)).doesNotExist();
    }

    private static String newestCheckpoint(Path out) {
        try (var all = Files.list(out.resolve("checkpoints"))) {
            return all.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("ckpt-")).sorted()
                    .reduce((a, b) -> b).orElseThrow();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
