package io.coldstream.learner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coldstream.core.Shape;
import io.coldstream.eval.RunResults;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import io.coldstream.testkit.SameParameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import io.coldstream.model.Network;
import io.coldstream.model.NetworkKind;
import io.coldstream.model.Networks;

/**
 * The trainer on the second engine, PyTorch through DJL: the same run guarantees as on the
 * Deeplearning4j one (the engine itself keeps the model module's network contract).
 */
class PytorchEngineIT {

    private static final Shape MNIST = new Shape(1, 28, 28);

    @TempDir
    Path dir;

    @Test
    void trainsOnTheStreamDeterministicallyAndResumesExactly() throws Exception {
        TrainerConfig.Builder base = TrainerConfig.builder().set("engine", "pytorch").set("holdout.every", "0")
                .set("holdout.size", "300").set("checkpoint.every", "60").set("seed", "5");
        float[] whole;
        float[] wholeAverage;
        TrainerConfig wholeConfig = base.set("limit", "150").set("out", dir.resolve("whole").toString()).build();
        try (Trainer trainer = Trainer.prepare(wholeConfig, Clock.systemUTC())) {
            assertThat(trainer.backend().backend()).isEqualTo("PyTorch");
            RunResults result = trainer.run(new TrainerListener() { });
            assertThat(result.finalAccuracy()).as("well above chance after 150 examples").isGreaterThan(0.4);
            whole = trainer.network().parameters();
            wholeAverage = trainer.published().parameters();
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
        // a snapshot is what an inference service loads: it restores on the engine that wrote it, and it
        // is the moving average of the weights (--ema-decay, default 0.999), resumed exactly too
        Path latest = halves.resolve("snapshots").resolve(Files.readString(halves.resolve("snapshots/LATEST")).trim());
        try (Network served = Networks.restore(latest.resolve("model.zip"), NetworkKind.SMALL_CNN, MNIST, 10, 1)) {
            SameParameters.assertBitIdentical(served.parameters(), wholeAverage, "parameters");
        }
        // the engine decides what is learnt: resuming on the other one is refused
        assertThatThrownBy(() -> Trainer.prepare(TrainerConfig.builder().set("engine", "dl4j").set("holdout.every", "0")
                .set("holdout.size", "300").set("checkpoint.every", "60").set("seed", "5").set("limit", "200")
                .set("out", halves.toString()).build(), Clock.systemUTC()))
                .isInstanceOf(io.coldstream.core.ConfigurationException.class)
                .hasMessageContaining("engine was 'dl4j'");
    }
}
