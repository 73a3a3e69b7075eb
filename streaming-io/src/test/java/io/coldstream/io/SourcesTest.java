package io.coldstream.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coldstream.core.ConfigurationException;
import io.coldstream.core.DatasetNotFoundException;
import io.coldstream.core.Example;
import io.coldstream.core.SeededRandom;
import io.coldstream.core.Shape;
import io.coldstream.testkit.CifarFiles;
import io.coldstream.testkit.IdxFiles;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SourcesTest {

    private static final Shape SMALL = new Shape(1, 2, 2);
    private static final byte[] LABELS = {0, 1, 2, 3, 0, 1, 2, 3, 0, 1};

    @TempDir
    Path dir;

    private void writeTrain(Path folder) {
        IdxFiles.writeSplit(folder, "train", SMALL, LABELS, IdxFiles.pattern(LABELS.length * SMALL.elementCount()));
    }

    private static SourceOptions ordered(StreamOrder order, long seed, long limit) {
        return SourceOptions.builder().order(order, 2, new SeededRandom(seed)).limit(limit).build();
    }

    @Test
    void aDatasetStreamsItsTrainSplitExactlyAsIdxSourceOrderedDoes() {
        writeTrain(dir);
        IdxDataset train = IdxDataset.readSplit(dir, IdxDataset.TRAIN_SPLIT);

        for (StreamOrder order : StreamOrder.values()) {
            try (ExampleSource opened = Sources.open(SourceSpec.parse("idx:" + dir), ordered(order, 7, 6));
                    IdxSource direct = IdxSource.ordered(train, order, 2, new SeededRandom(7), 6, "train")) {
                assertThat(opened.describe()).isEqualTo(direct.describe());
                assertThat(opened.bounded()).isTrue();
                Example a;
                while ((a = opened.next()) != null) {
                    Example b = direct.next();
                    assertThat(a.id()).isEqualTo(b.id());
                    assertThat(a.position()).isEqualTo(b.position());
                }
                assertThat(direct.next()).isNull();
                assertThat(opened.lastPositions()).isEqualTo(Map.of("train", 5L));
            }
        }
    }

    @Test
    void aCifarSpecStreamsItsTrainSplitWithTheLabelsTheOptionsName() {
        Path cifar = CifarFiles.writeSplit(dir.resolve("cifar"), "train", 99, 0, 42);
        SourceOptions coarse = SourceOptions.builder().datasetOptions(DatasetOptions.defaults()
                .withLabels(CifarLabels.COARSE)).order(StreamOrder.FILE, 2, new SeededRandom(1)).build();

        try (ExampleSource source = Sources.open(SourceSpec.parse("cifar100:" + cifar), coarse)) {
            assertThat(source.shape()).isEqualTo(new Shape(3, 32, 32));
            assertThat(source.numClasses()).isEqualTo(20);
            assertThat(source.next().label()).isEqualTo(19);
            assertThat(source.next().label()).isZero();
            assertThat(source.next().label()).isEqualTo(8);
            assertThat(source.next()).isNull();
        }
        try (ExampleSource source = Sources.open(SourceSpec.parse("cifar100:" + cifar), ordered(StreamOrder.FILE, 1,
                0))) {
            assertThat(source.next().label()).as("fine by default").isEqualTo(99);
        }
    }

    /** A multi-task dataset reads both splits of each task to fix its class offsets, so the tasks have test splits. */
    @Test
    void aMultiTaskSpecStreamsTheTasksOneAfterAnother() {
        writeTrain(dir.resolve("a"));
        IdxFiles.writeSplit(dir.resolve("a"), "t10k", SMALL, new byte[] {3}, IdxFiles.pattern(4));
        Path cifar = CifarFiles.writeSplit(dir.resolve("cifar"), "train", 7, 8);
        CifarFiles.writeSplit(cifar, "test", 9);

        try (ExampleSource source = Sources.open(SourceSpec.parse("idx:" + dir.resolve("a") + ",cifar100:" + cifar),
                ordered(StreamOrder.MULTI_TASK, 3, 0))) {
            assertThat(source.shape()).isEqualTo(new Shape(3, 32, 32));
            assertThat(source.numClasses()).isEqualTo(104);
            for (int i = 0; i < LABELS.length; i++) {
                assertThat(source.next().label()).isLessThan(4);
            }
            assertThat(source.next().label()).isIn(11, 12);
            assertThat(source.next().label()).isIn(11, 12);
            assertThat(source.next()).isNull();
            assertThat(source.describe()).contains("task 0 idx:" + dir.resolve("a") + " 1x2x2 -> 3x32x32")
                    .endsWith("(multi-task, 2 tasks, 12 examples)");
        }
    }

    @Test
    void streamOrdersOfASplitAreThoseOfItsLabels() {
        writeTrain(dir);
        DatasetSplit train = Datasets.open(dir.toString()).train();

        assertThat(StreamOrders.order(train, StreamOrder.CLASS_INCREMENTAL, 2, new SeededRandom(3)))
                .containsExactly(StreamOrders.order(train.labels(), StreamOrder.CLASS_INCREMENTAL, 2,
                        new SeededRandom(3)));
    }

    @Test
    void aDatasetGivenInTheOptionsIsStreamedWithoutReadingTheSpecsFolder() {
        Path elsewhere = dir.resolve("elsewhere");
        writeTrain(elsewhere);
        Dataset dataset = Datasets.open(elsewhere.toString());
        SourceOptions options = SourceOptions.builder().dataset(dataset)
                .order(StreamOrder.FILE, 2, new SeededRandom(1)).build();

        try (ExampleSource source = Sources.open(SourceSpec.parse("idx:" + dir.resolve("unused")), options)) {
            assertThat(source.next().id()).isZero();
            assertThat(source.describe()).startsWith("idx:" + elsewhere.toAbsolutePath());
        }
    }

    @Test
    void aDatasetSpecReportsItsMissingFolderAndABadStageSize() {
        assertThatThrownBy(() -> Sources.open(SourceSpec.parse("idx:" + dir.resolve("none")),
                ordered(StreamOrder.IID, 1, 0)))
                .isInstanceOf(DatasetNotFoundException.class).hasMessageContaining("does not exist");
        writeTrain(dir);
        SourceOptions noStages = SourceOptions.builder().order(StreamOrder.IID, 0, new SeededRandom(1)).build();
        assertThatThrownBy(() -> Sources.open(SourceSpec.parse("idx:" + dir), noStages))
                .isInstanceOf(ConfigurationException.class).hasMessageStartingWith("--stage-classes was 0");
        assertThatThrownBy(() -> Sources.open(SourceSpec.parse("idx:" + dir), SourceOptions.builder().build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("orderRandom was null");
    }

    @Test
    void aQueueIsFollowedWithTheIdleWaitOfTheOptions() {
        SourceSpec spec = SourceSpec.parse("queue:" + dir.resolve("q"));
        try (ExampleSink sink = Sources.openSink(spec, null)) {
            assertThat(sink).isInstanceOf(QueueSink.class);
            sink.write(StreamRecords.example(4, 1, SMALL));
        }
        SourceOptions options = SourceOptions.builder().examples(SMALL, 3).idle(Duration.ofMillis(50)).build();

        try (ExampleSource source = Sources.open(spec, options)) {
            assertThat(source.describe()).isEqualTo("queue:" + dir.resolve("q") + " (follow, bad records: fail)");
            assertThat(source.numClasses()).isEqualTo(3);
            assertThat(source.next().id()).isEqualTo(4);
            long start = System.nanoTime();
            assertThat(source.next()).isNull();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(50));
            assertThat(source.bounded()).isFalse();
        }
    }

    @Test
    void aStreamNeedsTheShapeAndClassesOfItsRecords() {
        SourceSpec spec = SourceSpec.parse("queue:" + dir);
        assertThatThrownBy(() -> Sources.open(spec, SourceOptions.builder().build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("reading " + spec + " needs the shape and the number of classes of its records, but"
                        + " SourceOptions had shape null and 0 classes");
    }

    @Test
    void aDatasetIsNoSink() {
        assertThatThrownBy(() -> Sources.openSink(SourceSpec.parse("idx:" + dir), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cannot write to idx:" + dir + ": a sink is queue:DIR or kafka:HOST:PORT/TOPIC");
    }

    @Test
    void optionsKeepTheirOwnCopyOfTheConsumerSettings() {
        Properties consumer = new Properties();
        consumer.setProperty("group.id", "a");
        SourceOptions options = SourceOptions.builder().kafkaConsumer(consumer).build();
        consumer.setProperty("group.id", "b");
        options.kafkaConsumer().setProperty("group.id", "c");

        assertThat(options.kafkaConsumer().getProperty("group.id")).isEqualTo("a");
        assertThat(options.idle()).isEqualTo(Duration.ofMillis(200));
        assertThat(options.badRecords().describe()).isEqualTo("fail");
        assertThatThrownBy(() -> SourceOptions.builder().examples(SMALL, -1).build())
                .isInstanceOf(IllegalArgumentException.class);
    }
}
