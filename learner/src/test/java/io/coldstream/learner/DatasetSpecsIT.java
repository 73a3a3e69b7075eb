package io.coldstream.learner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coldstream.core.ConfigurationException;
import io.coldstream.core.Shape;
import io.coldstream.eval.RunResults;
import io.coldstream.testkit.CifarFiles;
import io.coldstream.testkit.IdxFiles;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Trains for a few steps on each dataset kind that {@code --data} takes other than IDX: CIFAR-100 and a multi-task list. */
class DatasetSpecsIT {

    private static final int TRAIN = 24;
    private static final int TEST = 12;

    @TempDir
    Path dir;

    private Path cifar;
    private Path fashion;

    @BeforeEach
    void writeData() {
        cifar = dir.resolve("cifar-100-binary");
        CifarFiles.writeSplit(cifar, "train", labels(TRAIN, 97));
        CifarFiles.writeSplit(cifar, "test", labels(TEST, 97));
        fashion = dir.resolve("fm");
        Shape grey = new Shape(1, 28, 28);
        byte[] trainLabels = new byte[TRAIN];
        for (int i = 0; i < TRAIN; i++) {
            trainLabels[i] = (byte) (i % 10);
        }
        IdxFiles.writeSplit(fashion, "train", grey, trainLabels, IdxFiles.pattern(TRAIN * grey.elementCount()));
        byte[] testLabels = new byte[TEST];
        for (int i = 0; i < TEST; i++) {
            testLabels[i] = (byte) (9 - i % 10);
        }
        IdxFiles.writeSplit(fashion, "t10k", grey, testLabels, IdxFiles.pattern(TEST * grey.elementCount()));
    }

    /** Fine labels {@code (i * step) mod 100}: spread over the 100 classes and their 20 superclasses. */
    private static int[] labels(int count, int step) {
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            labels[i] = i * step % 100;
        }
        return labels;
    }

    private TrainerConfig.Builder config(String data, String out) {
        return TrainerConfig.builder().set("data", data).set("out", dir.resolve(out).toString())
                .set("limit", "16").set("replay.k", "2").set("holdout.every", "0").set("holdout.size", "6")
                .set("snapshot.every", "0").set("checkpoint.every", "0");
    }

    private record Run(RunResults results, String description, Shape shape, int classes) {
    }

    private static Run train(TrainerConfig config) {
        List<String> started = new ArrayList<>();
        try (Trainer trainer = Trainer.prepare(config, Clock.systemUTC(), new SimpleMeterRegistry())) {
            RunResults results = trainer.run(new TrainerListener() {
                @Override
                public void onStart(String description) {
                    started.add(description);
                }
            });
            assertThat(trainer.network().steps()).isEqualTo(16);
            assertThat(started).containsExactly(trainer.describe());
            return new Run(results, trainer.describe(), trainer.network().inputShape(), trainer.network().numClasses());
        }
    }

    @Test
    void trainsOnACifar100FolderWithFineOrCoarseLabels() {
        Run fine = train(config("cifar100:" + cifar, "fine").build());

        assertThat(fine.results().examplesSeen()).isEqualTo(16);
        assertThat(fine.shape()).isEqualTo(new Shape(3, 32, 32));
        assertThat(fine.classes()).isEqualTo(100);
        assertThat(fine.description()).contains("stream:   cifar100:" + cifar.toAbsolutePath() + " (iid, 16 examples)");
        assertThat(fine.results().finalAccuracy()).isBetween(0.0, 1.0);

        Run coarse = train(config("cifar100:" + cifar, "coarse").set("labels", "coarse").build());
        assertThat(coarse.classes()).isEqualTo(20);
        assertThat(coarse.results().examplesSeen()).isEqualTo(16);
    }

    @Test
    void trainsOnAMultiTaskListInTaskOrderAndSaysHowTheTasksWereBroughtToOneShape() {
        Run run = train(config(fashion + ",cifar100:" + cifar, "multi").set("order", "multi-task")
                .set("labels", "coarse").build());

        assertThat(run.shape()).isEqualTo(new Shape(3, 32, 32));
        assertThat(run.classes()).isEqualTo(30);
        assertThat(run.description()).contains("task 0 idx:" + fashion + " 1x28x28 -> 3x32x32 (channels replicated,"
                + " resized), classes 0-9; task 1 cifar100:" + cifar + " 3x32x32, classes 10-29")
                .contains("(multi-task, 2 tasks, over a seeded subset of 16, 16 examples)");
        assertThat(run.results().examplesSeen()).isEqualTo(16);
    }

    @Test
    void aStoppedMultiTaskRunResumesWithItsLimitAndRefusesAnother() {
        TrainerConfig.Builder stopped = config(fashion + ",cifar100:" + cifar, "resume").set("order", "multi-task")
                .set("holdout.every", "8").set("checkpoint.every", "8");
        try (Trainer trainer = Trainer.prepare(stopped.build(), Clock.systemUTC(), new SimpleMeterRegistry())) {
            trainer.run(new TrainerListener() {
                @Override
                public void onHoldout(long seen, io.coldstream.eval.HoldoutResult result) {
                    if (seen == 8) {
                        trainer.requestStop();
                    }
                }
            });
            assertThat(trainer.examplesSeen()).isEqualTo(8);
        }

        assertThatThrownBy(() -> Trainer.prepare(stopped.set("limit", "20").build(), Clock.systemUTC()).close())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("limit was 20").hasMessageContaining("--limit 16")
                .hasMessageContaining("a limited multi-task stream is a seeded subset");
        try (Trainer trainer = Trainer.prepare(stopped.set("limit", "16").build(), Clock.systemUTC())) {
            trainer.run(new TrainerListener() { });
            assertThat(trainer.examplesSeen()).isEqualTo(16);
        }
    }
}
