package io.coldstream.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coldstream.core.ConfigurationException;
import io.coldstream.core.Example;
import io.coldstream.core.SeededRandom;
import io.coldstream.core.Shape;
import io.coldstream.core.StreamPosition;
import io.coldstream.testkit.Allocations;
import io.coldstream.testkit.CifarFiles;
import io.coldstream.testkit.IdxFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MultiTaskDatasetTest {

    private static final Shape GREY_28 = new Shape(1, 28, 28);
    private static final Shape GREY_32 = new Shape(1, 32, 32);
    /** IDX labels 0..9 (so 10 classes), 12 train examples and 10 test ones. */
    private static final byte[] IDX_TRAIN = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 3, 4};
    private static final byte[] IDX_TEST = {9, 8, 7, 6, 5, 4, 3, 2, 1, 0};
    private static final int[] CIFAR_TRAIN = {0, 99, 50, 7, 7, 3, 12, 64};
    private static final int[] CIFAR_TEST = {5, 6, 99};

    @TempDir
    Path dir;

    private Path fashion;
    private Path cifar;

    @BeforeEach
    void writeDatasets() {
        fashion = dir.resolve("fm");
        IdxFiles.writeSplit(fashion, "train", GREY_28, IDX_TRAIN, gradients(IDX_TRAIN.length, GREY_28));
        IdxFiles.writeSplit(fashion, "t10k", GREY_28, IDX_TEST, gradients(IDX_TEST.length, GREY_28));
        cifar = dir.resolve("cifar");
        CifarFiles.writeSplit(cifar, "train", CIFAR_TRAIN);
        CifarFiles.writeSplit(cifar, "test", CIFAR_TEST);
    }

    /** Example e's pixel (y, x) is (e * 3 + x * 8 + y) mod 256: rising along each row. */
    private static byte[] gradients(int examples, Shape shape) {
        byte[] pixels = new byte[examples * shape.elementCount()];
        for (int e = 0; e < examples; e++) {
            for (int y = 0; y < shape.height(); y++) {
                for (int x = 0; x < shape.width(); x++) {
                    pixels[e * shape.elementCount() + y * shape.width() + x] = (byte) Math.min(255, e * 3 + x * 8 + y);
                }
            }
        }
        return pixels;
    }

    private MultiTaskDataset fashionThenCifar() {
        return (MultiTaskDataset) Datasets.open("idx:" + fashion + ",cifar100:" + cifar);
    }

    @Test
    void offsetsEachTasksLabelsIntoOneHead() {
        MultiTaskDataset data = fashionThenCifar();

        assertThat(data.taskCount()).isEqualTo(2);
        assertThat(data.taskClassOffsets()).containsExactly(0, 10);
        assertThat(data.numClasses()).isEqualTo(110);
        assertThat(data.name()).isEqualTo("idx:" + fashion + ",cifar100:" + cifar);
        DatasetSplit train = data.train();
        assertThat(train.name()).isEqualTo("train");
        assertThat(train.size()).isEqualTo(IDX_TRAIN.length + CIFAR_TRAIN.length);
        assertThat(train.taskClassOffsets()).containsExactly(0, 10);
        int[] expected = IntStream.concat(IntStream.range(0, IDX_TRAIN.length).map(i -> IDX_TRAIN[i]),
                Arrays.stream(CIFAR_TRAIN).map(l -> l + 10)).toArray();
        assertThat(train.labels()).containsExactly(expected);
        for (int i = 0; i < expected.length; i++) {
            assertThat(train.label(i)).isEqualTo(expected[i]);
            assertThat(train.example(i, new StreamPosition("train", i)).label()).isEqualTo(expected[i]);
        }
        DatasetSplit test = data.test();
        assertThat(test.name()).isEqualTo("test");
        assertThat(test.labels()).containsExactly(9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 15, 16, 109);
        assertThat(data.taskOf(9)).isZero();
        assertThat(data.taskOf(10)).isEqualTo(1);
        assertThat(data.taskOf(109)).isEqualTo(1);
        assertThatThrownBy(() -> data.taskOf(110)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void bringsAGreyscaleTaskToTheLargestShapeAndSaysSo() {
        MultiTaskDataset data = fashionThenCifar();

        assertThat(data.shape()).isEqualTo(new Shape(3, 32, 32));
        assertThat(data.train().shape()).isEqualTo(new Shape(3, 32, 32));
        assertThat(data.describe()).isEqualTo("task 0 idx:" + fashion + " 1x28x28 -> 3x32x32 (channels replicated,"
                + " resized), classes 0-9; task 1 cifar100:" + cifar + " 3x32x32, classes 10-109");
        assertThat(data.train().describe()).isEqualTo("multi-task: " + data.describe());
        assertThat(data.train().location()).isEqualTo("idx:" + fashion.toAbsolutePath() + ",cifar100:"
                + cifar.toAbsolutePath());
    }

    @Test
    void aTaskOfTheLargestShapeIsCopiedUnchanged() {
        DatasetSplit train = fashionThenCifar().train();
        DatasetSplit cifarTrain = Datasets.open("cifar100:" + cifar).train();

        for (int i = 0; i < CIFAR_TRAIN.length; i++) {
            byte[] expected = new byte[3072];
            cifarTrain.copyPixels(i, expected, 0);
            assertThat(train.example(IDX_TRAIN.length + i, new StreamPosition("train", 0)).pixels())
                    .isEqualTo(expected);
        }
    }

    @Test
    void replicatesGreyscaleExactly() {
        Path grey = dir.resolve("grey32");
        byte[] pixels = IdxFiles.pattern(2 * 1024);
        IdxFiles.writeSplit(grey, "train", GREY_32, new byte[] {0, 1}, pixels);
        IdxFiles.writeSplit(grey, "t10k", GREY_32, new byte[] {1, 0}, pixels);
        MultiTaskDataset data = (MultiTaskDataset) Datasets.open(grey + ",cifar100:" + cifar);

        assertThat(data.describe()).startsWith("task 0 idx:" + grey + " 1x32x32 -> 3x32x32 (channels replicated),");
        byte[] out = new byte[3072 + 1];
        data.train().copyPixels(1, out, 1);
        byte[] plane = Arrays.copyOfRange(pixels, 1024, 2048);
        for (int c = 0; c < 3; c++) {
            assertThat(Arrays.copyOfRange(out, 1 + c * 1024, 1 + c * 1024 + 1024)).as("channel " + c).isEqualTo(plane);
        }
    }

    @Test
    void enlargesASmallerTaskToSaneValues() {
        DatasetSplit train = fashionThenCifar().train();
        byte[] source = gradients(IDX_TRAIN.length, GREY_28);

        for (int e = 0; e < IDX_TRAIN.length; e++) {
            byte[] pixels = train.example(e, new StreamPosition("train", e)).pixels();
            assertThat(Arrays.copyOfRange(pixels, 1024, 2048)).isEqualTo(Arrays.copyOfRange(pixels, 0, 1024));
            assertThat(Arrays.copyOfRange(pixels, 2048, 3072)).isEqualTo(Arrays.copyOfRange(pixels, 0, 1024));
            int base = e * 784;
            // The corners sample the source's corners (clamped); rows rise left to right as the source's do.
            assertThat(pixels[0]).isEqualTo(source[base]);
            assertThat(pixels[1023]).isEqualTo(source[base + 783]);
            for (int y = 0; y < 32; y++) {
                for (int x = 1; x < 32; x++) {
                    assertThat(pixels[y * 32 + x] & 0xff).isGreaterThanOrEqualTo(pixels[y * 32 + x - 1] & 0xff);
                }
            }
            byte[] expected = new byte[1024];
            new BilinearResize(28, 28, 32, 32).resize(source, base, expected, 0, 1);
            assertThat(Arrays.copyOfRange(pixels, 0, 1024)).isEqualTo(expected);
        }
    }

    @Test
    void copyPixelsOfAResizedTaskDoesNotAllocate() {
        DatasetSplit train = fashionThenCifar().train();
        byte[] dst = new byte[3072];
        Runnable copies = () -> {
            for (int i = 0; i < 5_000; i++) {
                train.copyPixels(i % train.size(), dst, 0);
            }
        };
        copies.run();

        assertThat(Allocations.bytesAllocatedBy(copies)).isLessThan(4096);
    }

    @Test
    void refusesATaskWhoseChannelsCannotBeReplicated() {
        Dataset twoChannels = new LazyDataset("fake:two", () -> new Fake(new Shape(2, 32, 32), 4),
                () -> new Fake(new Shape(2, 32, 32), 4));
        MultiTaskDataset data = new MultiTaskDataset(List.of(Datasets.open("cifar100:" + cifar), twoChannels));

        assertThatThrownBy(data::train).isInstanceOf(ConfigurationException.class)
                .hasMessage("data: task 1 (fake:two) has 2 channels but the tasks are brought to 3 channels, which"
                        + " only a task of 1 or 3 channels can be (greyscale is replicated)");
    }

    @Test
    void takesTheLargestHeightAndWidthSeparately() {
        Dataset wide = new LazyDataset("fake:wide", () -> new Fake(new Shape(1, 10, 40), 3),
                () -> new Fake(new Shape(1, 10, 40), 3));
        MultiTaskDataset data = new MultiTaskDataset(List.of(Datasets.open(fashion.toString()), wide));

        assertThat(data.shape()).isEqualTo(new Shape(1, 28, 40));
        assertThat(data.taskClassOffsets()).containsExactly(0, 10);
        assertThat(data.numClasses()).isEqualTo(13);
        assertThat(data.describe()).contains("task 1 fake:wide 1x10x40 -> 1x28x40 (resized), classes 10-12");
    }

    @Test
    void hasLabelNamesOnlyWhenEveryTaskHasThem() {
        List<String> fine = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            fine.add("c" + i);
        }
        CifarFiles.writeLabelNames(cifar, "fine", fine);
        Path other = CifarFiles.writeSplit(dir.resolve("other"), "train", 1);
        CifarFiles.writeSplit(other, "test", 2);
        List<String> otherNames = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            otherNames.add("o" + i);
        }
        CifarFiles.writeLabelNames(other, "fine", otherNames);

        List<String> both = new ArrayList<>(fine);
        both.addAll(otherNames);
        assertThat(Datasets.open("cifar100:" + cifar + ",cifar100:" + other).test().labelNames()).contains(both);
        assertThat(fashionThenCifar().test().labelNames()).isEmpty();
    }

    @Test
    void theMultiTaskOrderStreamsTheTasksInSequenceShuffledWithinEach() {
        DatasetSplit train = fashionThenCifar().train();

        IdxSource source = IdxSource.ordered(train, StreamOrder.MULTI_TASK, 2, new SeededRandom(4), 0, "train");
        assertThat(source.describe()).endsWith("(multi-task, 2 tasks, 20 examples)");
        List<Integer> ids = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        Example example;
        while ((example = source.next()) != null) {
            ids.add((int) example.id());
            labels.add(example.label());
        }
        assertThat(ids.subList(0, IDX_TRAIN.length)).containsExactlyInAnyOrderElementsOf(
                IntStream.range(0, IDX_TRAIN.length).boxed().toList());
        assertThat(ids.subList(0, IDX_TRAIN.length)).isNotEqualTo(
                IntStream.range(0, IDX_TRAIN.length).boxed().toList());
        assertThat(labels.subList(0, IDX_TRAIN.length)).allMatch(l -> l < 10);
        assertThat(labels.subList(IDX_TRAIN.length, labels.size())).allMatch(l -> l >= 10);

        int[] again = StreamOrders.order(train, StreamOrder.MULTI_TASK, 2, new SeededRandom(4));
        assertThat(ids).containsExactlyElementsOf(Arrays.stream(again).boxed().toList());
        assertThat(StreamOrders.order(train, StreamOrder.MULTI_TASK, 2, new SeededRandom(5))).isNotEqualTo(again);
    }

    @Test
    void aLimitedMultiTaskStreamStillReachesEveryTask() {
        DatasetSplit train = fashionThenCifar().train();

        IdxSource source = IdxSource.ordered(train, StreamOrder.MULTI_TASK, 2, new SeededRandom(2), 10, "train");
        List<Integer> labels = new ArrayList<>();
        Example example;
        while ((example = source.next()) != null) {
            labels.add(example.label());
        }
        assertThat(labels).hasSize(10).anyMatch(l -> l < 10).anyMatch(l -> l >= 10);
        int firstOfTask1 = labels.indexOf(labels.stream().filter(l -> l >= 10).findFirst().orElseThrow());
        assertThat(labels.subList(firstOfTask1, labels.size())).allMatch(l -> l >= 10);
    }

    @Test
    void theClassIncrementalOrderWorksAcrossTheSharedHead() {
        DatasetSplit train = fashionThenCifar().train();
        int[] labels = train.labels();

        int[] order = StreamOrders.order(train, StreamOrder.CLASS_INCREMENTAL, 5, new SeededRandom(1));
        Set<Integer> seen = new HashSet<>();
        int previousStage = -1;
        List<Integer> present = Arrays.stream(labels).distinct().sorted().boxed().toList();
        for (int index : order) {
            int stage = present.indexOf(labels[index]) / 5;
            assertThat(stage).isGreaterThanOrEqualTo(previousStage);
            previousStage = stage;
            seen.add(labels[index]);
        }
        assertThat(seen).containsExactlyInAnyOrderElementsOf(present);
        assertThat(present).contains(10, 109, 60);
    }

    /** A split of {@code size} examples of a shape, labels {@code i mod 3}. */
    private record Fake(Shape shape, int size) implements DatasetSplit {

        @Override
        public String name() {
            return "fake";
        }

        @Override
        public String location() {
            return "fake:" + shape;
        }

        @Override
        public int numClasses() {
            return 3;
        }

        @Override
        public int label(int index) {
            return index % 3;
        }

        @Override
        public int[] labels() {
            return IntStream.range(0, size).map(i -> i % 3).toArray();
        }

        @Override
        public void copyPixels(int index, byte[] dst, int dstOffset) {
            Arrays.fill(dst, dstOffset, dstOffset + shape.elementCount(), (byte) index);
        }

        @Override
        public Example example(int index, StreamPosition position) {
            byte[] pixels = new byte[shape.elementCount()];
            copyPixels(index, pixels, 0);
            return new Example(index, label(index), shape, pixels, position);
        }
    }
}
