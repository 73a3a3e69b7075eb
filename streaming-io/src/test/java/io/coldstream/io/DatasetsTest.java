package io.coldstream.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coldstream.core.ConfigurationException;
import io.coldstream.core.DatasetNotFoundException;
import io.coldstream.core.Shape;
import io.coldstream.core.StreamPosition;
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
}
