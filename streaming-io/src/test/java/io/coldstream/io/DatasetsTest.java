package io.coldstream.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.coldstream.core.ConfigurationException;
import io.coldstream.core.DatasetNotFoundException;
import io.coldstream.core.Shape;
import io.coldstream.core.StreamPosition;
import io.coldstream.core.ColdstreamException;
import io.coldstream.testkit.CifarFiles;
import io.coldstream.testkit.IdxFiles;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetsTest {

    private static final Shape SMALL = new Shape(1, 2, 2);

    @TempDir
    Path dir;

    /** Writes a split of {@code labels.length} examples of {@code shape}. */
    private Path split(Path folder, String split, Shape shape, byte... labels) {
        return IdxFiles.writeSplit(folder, split, shape, labels, IdxFiles.pattern(labels.length * shape.elementCount()));
    }

    @Test
    void opensAnIdxFolderWithOrWithoutThePrefix() {
        split(dir, "train", SMALL, (byte) 0, (byte) 1, (byte) 2);
        split(dir, "t10k", SMALL, (byte) 4, (byte) 0);

        for (String spec : new String[] {"idx:" + dir, dir.toString(), "IDX:" + dir}) {
            Dataset data = Datasets.open(spec);
            assertThat(data.name()).isEqualTo("idx:" + dir);
            assertThat(data.shape()).isEqualTo(SMALL);
            assertThat(data.test().name()).isEqualTo("t10k");
            assertThat(data.test().size()).isEqualTo(2);
            assertThat(data.train().name()).isEqualTo("train");
            assertThat(data.train().size()).isEqualTo(3);
            assertThat(data.train().location()).isEqualTo("idx:" + dir.toAbsolutePath());
        }
    }

    @Test
    void readsEachSplitOnlyWhenAskedForIt() {
        split(dir, "t10k", SMALL, (byte) 3, (byte) 0);
        Dataset data = Datasets.open(dir.toString());

        assertThat(data.test().size()).isEqualTo(2);
        assertThat(data.numClasses()).as("the test split's, while the train split is unread").isEqualTo(4);
        assertThatThrownBy(data::train).isInstanceOf(DatasetNotFoundException.class)
                .hasMessage("dataset folder " + dir + " has no train images file: looked for train-images-idx3-ubyte"
                        + " and train-images-idx3-ubyte.gz");
    }

    @Test
    void numClassesCoversTheTrainSplitOnceItIsRead() {
        split(dir, "train", SMALL, (byte) 0, (byte) 6);
        split(dir, "t10k", SMALL, (byte) 2, (byte) 0);
        Dataset data = Datasets.open(dir.toString());

        assertThat(data.numClasses()).isEqualTo(3);
        data.train();
        assertThat(data.numClasses()).isEqualTo(7);
    }

    @Test
    void refusesSplitsOfTwoShapesWhicheverIsReadFirst() {
        split(dir, "train", new Shape(1, 3, 3), (byte) 0, (byte) 1);
        split(dir, "t10k", SMALL, (byte) 1, (byte) 0);
        String message = "data: the train split has examples of 1x3x3 but the t10k split has 1x2x2; both splits"
                + " must have one shape";

        Dataset testFirst = Datasets.open(dir.toString());
        testFirst.test();
        assertThatThrownBy(testFirst::train).isInstanceOf(ConfigurationException.class).hasMessage(message);
        assertThatThrownBy(testFirst::train).as("still refused").hasMessage(message);

        Dataset trainFirst = Datasets.open(dir.toString());
        trainFirst.train();
        assertThatThrownBy(trainFirst::test).isInstanceOf(ConfigurationException.class).hasMessage(message);
    }

    @Test
    void aMissingFolderIsReportedAsReadSplitDoes() {
        Path missing = dir.resolve("nowhere");
        Dataset data = Datasets.open(missing.toString());

        assertThatThrownBy(data::shape).isInstanceOf(DatasetNotFoundException.class)
                .hasMessage("dataset folder " + missing + " does not exist; install Fashion-MNIST with"
                        + " 'apt-get install -y dataset-fashion-mnist' or point --data at an IDX folder");
    }

    @Test
    void aRunFromAQueueReadsOnlyTheTestSplit() {
        split(dir, "t10k", SMALL, (byte) 1, (byte) 0);

        Dataset run = Datasets.forRun(dir.toString(), SourceSpec.parse("queue:" + dir.resolve("q")));

        assertThat(run.shape()).isEqualTo(SMALL);
        assertThat(run.numClasses()).isEqualTo(2);
        assertThat(run.name()).isEqualTo("idx:" + dir);
    }

    @Test
    void aRunFromItsOwnFolderReadsBothSplitsTestFirst() {
        split(dir, "train", SMALL, (byte) 0, (byte) 5);
        Path other = dir.resolve("other");

        assertThatThrownBy(() -> Datasets.forRun(other.toString(), SourceSpec.parse("idx:" + other)))
                .isInstanceOf(DatasetNotFoundException.class).hasMessageContaining("does not exist");
        assertThatThrownBy(() -> Datasets.forRun(dir.toString(), SourceSpec.parse("idx:" + dir)))
                .as("the t10k split is read, and missed, first")
                .hasMessageContaining("has no t10k images file");

        split(dir, "t10k", SMALL, (byte) 1, (byte) 0);
        Dataset run = Datasets.forRun(dir.toString(), SourceSpec.parse("idx:" + dir + "/."));
        assertThat(run.numClasses()).isEqualTo(6);
        assertThat(run.train().example(1, new StreamPosition("train", 0)).label()).isEqualTo(5);
    }

    @Test
    void aRunMayStreamAnotherFoldersTrainSplitAndHoldOutThisOnesTestSplit() {
        Path stream = dir.resolve("stream");
        Path holdout = dir.resolve("holdout");
        split(stream, "train", SMALL, (byte) 0, (byte) 8, (byte) 1);
        split(holdout, "t10k", SMALL, (byte) 1, (byte) 0);

        Dataset run = Datasets.forRun(holdout.toString(), SourceSpec.parse("idx:" + stream));

        assertThat(run.train().size()).isEqualTo(3);
        assertThat(run.test().size()).isEqualTo(2);
        assertThat(run.numClasses()).isEqualTo(9);
        assertThat(run.name()).isEqualTo("idx:" + stream);

        split(holdout, "t10k", new Shape(1, 1, 4), (byte) 1, (byte) 0);
        assertThatThrownBy(() -> Datasets.forRun(holdout.toString(), SourceSpec.parse("idx:" + stream)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("data: the train split has examples of 1x2x2 but the t10k split has 1x1x4; both splits"
                        + " must have one shape");
    }

    @Test
    void opensACifarFolderWithFineOrCoarseLabels() {
        Path cifar = CifarFiles.writeSplit(dir, "train", 42, 7, 99);
        CifarFiles.writeSplit(dir, "test", 3);

        Dataset fine = Datasets.open("cifar100:" + cifar);
        assertThat(fine.name()).isEqualTo("cifar100:" + cifar);
        assertThat(fine.shape()).isEqualTo(new Shape(3, 32, 32));
        assertThat(fine.numClasses()).isEqualTo(100);
        assertThat(fine.train().labels()).containsExactly(42, 7, 99);
        assertThat(fine.test().name()).isEqualTo("test");

        Dataset coarse = Datasets.open("Cifar100:" + cifar, DatasetOptions.defaults().withLabels(CifarLabels.COARSE));
        assertThat(coarse.numClasses()).isEqualTo(20);
        assertThat(coarse.train().labels()).containsExactly(8, 1, 19);
        assertThat(coarse.taskClassOffsets()).as("one task").containsExactly(0);
    }

    @Test
    void aMissingCifarFolderSaysThatNothingIsDownloaded() {
        Dataset data = Datasets.open("cifar100:" + dir.resolve("none"));

        assertThatThrownBy(data::test).isInstanceOf(DatasetNotFoundException.class)
                .hasMessageContaining("does not exist; Coldstream downloads nothing");
    }

    @Test
    void anImageFolderSpecGoesToTheImageFolderReaderNotTheIdxOne() {
        Throwable thrown = catchThrowable(() -> Datasets.open("imagefolder:" + dir.resolve("none")).test());

        assertThat(thrown).isInstanceOf(ColdstreamException.class).hasMessageNotContaining("Fashion-MNIST")
                .hasMessageNotContaining("idx3");
    }

    @Test
    void aListOfSpecsOpensAMultiTaskDataset() {
        split(dir.resolve("a"), "train", SMALL, (byte) 0, (byte) 1);
        split(dir.resolve("a"), "t10k", SMALL, (byte) 1, (byte) 0);
        split(dir.resolve("b"), "train", SMALL, (byte) 2, (byte) 0);
        split(dir.resolve("b"), "t10k", SMALL, (byte) 0, (byte) 2);

        Dataset data = Datasets.open(dir.resolve("a") + ",idx:" + dir.resolve("b"));

        assertThat(data).isInstanceOf(MultiTaskDataset.class);
        assertThat(data.name()).isEqualTo("idx:" + dir.resolve("a") + ",idx:" + dir.resolve("b"));
        assertThat(data.taskClassOffsets()).containsExactly(0, 2);
        assertThat(data.numClasses()).isEqualTo(5);
        assertThat(data.train().labels()).containsExactly(0, 1, 4, 2);
        assertThat(((MultiTaskDataset) data).tasks()).extracting(Dataset::name)
                .containsExactly("idx:" + dir.resolve("a"), "idx:" + dir.resolve("b"));
    }

    @Test
    void badSpecsListTheAllowedForms() {
        assertThatThrownBy(() -> Datasets.open("queue:" + dir)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("idx:DIR (or a bare DIR), cifar100:DIR, imagefolder:DIR, or several of these"
                        + " comma-separated (A,B,...)");
        assertThatThrownBy(() -> Datasets.open("idx:" + dir + ",")).hasMessageContaining("empty part");
    }

    @Test
    void aRunOfAMultiTaskDatasetStreamsAndHoldsOutTheSameTasks() {
        split(dir.resolve("a"), "train", SMALL, (byte) 0, (byte) 1);
        split(dir.resolve("a"), "t10k", SMALL, (byte) 1, (byte) 0);
        Path cifar = CifarFiles.writeSplit(dir.resolve("c"), "train", 5);
        CifarFiles.writeSplit(cifar, "test", 6, 7);
        String spec = dir.resolve("a") + ",cifar100:" + cifar;

        Dataset run = Datasets.forRun(spec, SourceSpec.parse("idx:" + dir.resolve("a") + "/.,cifar100:" + cifar),
                DatasetOptions.defaults());

        assertThat(run).as("the same tasks: read once").isInstanceOf(MultiTaskDataset.class);
        assertThat(run.numClasses()).isEqualTo(102);
        assertThat(run.test().labels()).containsExactly(1, 0, 8, 9);
        assertThat(run.train().labels()).containsExactly(0, 1, 7);

        Dataset queueRun = Datasets.forRun(spec, SourceSpec.parse("queue:" + dir.resolve("q")));
        assertThat(queueRun.shape()).isEqualTo(new Shape(3, 32, 32));
    }

    @Test
    void aRunMayHoldOutAnIdxFolderWhileStreamingACifarOneOfAnotherShape() {
        split(dir, "t10k", SMALL, (byte) 1, (byte) 0);
        Path cifar = CifarFiles.writeSplit(dir.resolve("c"), "train", 5);

        assertThatThrownBy(() -> Datasets.forRun(dir.toString(), SourceSpec.parse("cifar100:" + cifar)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("data: the train split has examples of 3x32x32 but the t10k split has 1x2x2; both splits"
                        + " must have one shape");
    }
}
