package io.coldstream.io;

import static io.coldstream.testkit.IdxFiles.gzip;
import static io.coldstream.testkit.IdxFiles.idx;
import static io.coldstream.testkit.IdxFiles.images;
import static io.coldstream.testkit.IdxFiles.labels;
import static io.coldstream.testkit.IdxFiles.pattern;
import static io.coldstream.testkit.IdxFiles.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coldstream.core.DataException;
import io.coldstream.core.DatasetNotFoundException;
import io.coldstream.core.Example;
import io.coldstream.core.Shape;
import io.coldstream.core.StreamPosition;
import io.coldstream.testkit.Allocations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdxDatasetTest {

    private static final int COUNT = 5;
    private static final int ROWS = 3;
    private static final int COLS = 4;
    private static final byte[] PIXELS = pattern(COUNT * ROWS * COLS);
    private static final byte[] LABELS = {0, 4, 2, 4, 1};

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void roundTripsPixelsAndLabels(boolean gzipped) {
        byte[] imageBytes = images(COUNT, ROWS, COLS, PIXELS);
        byte[] labelBytes = labels(LABELS);
        Path imagesFile = write(dir.resolve("images"), gzipped ? gzip(imageBytes) : imageBytes);
        Path labelsFile = write(dir.resolve("labels"), gzipped ? gzip(labelBytes) : labelBytes);

        IdxDataset data = IdxDataset.read(imagesFile, labelsFile);

        assertThat(data.size()).isEqualTo(COUNT);
        assertThat(data.shape()).isEqualTo(new Shape(1, ROWS, COLS));
        assertThat(data.numClasses()).isEqualTo(5);
        assertThat(data.labels()).containsExactly(0, 4, 2, 4, 1);
        byte[] all = new byte[PIXELS.length + 2];
        for (int i = 0; i < COUNT; i++) {
            assertThat(data.label(i)).isEqualTo(LABELS[i]);
            data.copyPixels(i, all, 2 + i * ROWS * COLS);
        }
        assertThat(Arrays.copyOfRange(all, 2, all.length)).isEqualTo(PIXELS);
        assertThat(data.imagesFile()).isEqualTo(imagesFile);
        assertThat(data.labelsFile()).isEqualTo(labelsFile);
    }

    @Test
    void recognisesGzipByItsMagicBytesNotByTheName() {
        Path imagesFile = write(dir.resolve("images.gz"), images(COUNT, ROWS, COLS, PIXELS));
        Path labelsFile = write(dir.resolve("labels.idx"), gzip(labels(LABELS)));

        IdxDataset data = IdxDataset.read(imagesFile, labelsFile);

        assertThat(data.size()).isEqualTo(COUNT);
        assertThat(data.label(1)).isEqualTo(4);
    }

    @Test
    void readsLabelsAboveOneHundredAndTwentySevenAsUnsigned() {
        byte[] labels = {(byte) 200, 0, 1, 2, (byte) 255};
        IdxDataset data = read(images(COUNT, ROWS, COLS, PIXELS), labels(labels));

        assertThat(data.label(0)).isEqualTo(200);
        assertThat(data.label(4)).isEqualTo(255);
        assertThat(data.numClasses()).isEqualTo(256);
    }

    @Test
    void reportsAtLeastTwoClassesWhenEveryLabelIsZero() {
        IdxDataset data = read(images(COUNT, ROWS, COLS, PIXELS), labels(new byte[COUNT]));

        assertThat(data.numClasses()).isEqualTo(2);
    }

    @Test
    void givesEachExampleItsFileIndexPositionAndAFreshPixelArray() {
        IdxDataset data = read(images(COUNT, ROWS, COLS, PIXELS), labels(LABELS));
        StreamPosition position = new StreamPosition("train", 17);

        Example first = data.example(3, position);
        Example second = data.example(3, position);

        assertThat(first.id()).isEqualTo(3);
        assertThat(first.label()).isEqualTo(4);
        assertThat(first.position()).isEqualTo(position);
        assertThat(first.pixels()).isEqualTo(Arrays.copyOfRange(PIXELS, 36, 48));
        assertThat(first.pixels()).isNotSameAs(second.pixels());
        first.pixels()[0]++;
        assertThat(second.pixels()[0]).isEqualTo(PIXELS[36]);
    }

    @Test
    void rejectsAnIndexOutsideTheDataset() {
        IdxDataset data = read(images(COUNT, ROWS, COLS, PIXELS), labels(LABELS));

        assertThatThrownBy(() -> data.label(COUNT)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> data.copyPixels(0, new byte[ROWS * COLS], 1))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void copiesPixelsWithoutAllocating() {
        IdxDataset data = read(images(COUNT, ROWS, COLS, PIXELS), labels(LABELS));
        byte[] dst = new byte[ROWS * COLS];
        long checksum = 0;
        for (int i = 0; i < 20_000; i++) {
            data.copyPixels(i % COUNT, dst, 0);
            checksum += data.label(i % COUNT) + dst[0];
        }
        long[] sum = {checksum};
        long allocated = Allocations.bytesAllocatedBy(() -> {
            for (int i = 0; i < 10_000; i++) {
                data.copyPixels(i % COUNT, dst, 0);
                sum[0] += data.label(i % COUNT) + dst[0];
            }
        });

        assertThat(sum[0]).isNotZero();
        assertThat(allocated).isLessThan(16 * 1024); // 10,000 calls: any per-call allocation would be >= 160 KB; below 16 KB is JIT and measuring noise
    }

    @Test
    void readsASplitFromAFolderWithAndWithoutGz() {
        write(dir.resolve("t10k-images-idx3-ubyte"), images(COUNT, ROWS, COLS, PIXELS));
        write(dir.resolve("t10k-labels-idx1-ubyte.gz"), gzip(labels(LABELS)));

        IdxDataset data = IdxDataset.readSplit(dir, IdxDataset.TEST_SPLIT);

        assertThat(data.imagesFile()).isEqualTo(dir.resolve("t10k-images-idx3-ubyte"));
        assertThat(data.labelsFile()).isEqualTo(dir.resolve("t10k-labels-idx1-ubyte.gz"));
        assertThat(data.size()).isEqualTo(COUNT);
    }

    @Test
    void tellsHowToInstallTheDatasetWhenTheFolderIsMissing() {
        Path missing = dir.resolve("nowhere");

        assertThatThrownBy(() -> IdxDataset.readSplit(missing, "train"))
                .isInstanceOf(DatasetNotFoundException.class)
                .hasMessage("dataset folder " + missing + " does not exist; install Fashion-MNIST with"
                        + " 'apt-get install -y dataset-fashion-mnist' or point --data at an IDX folder");
    }

    @Test
    void saysWhenTheDataPathIsAFileNotAFolder() {
        Path file = write(dir.resolve("file"), new byte[] {1});

        assertThatThrownBy(() -> IdxDataset.readSplit(file, "train"))
                .isInstanceOf(DatasetNotFoundException.class)
                .hasMessageContaining(file + " is not a folder");
    }

    @Test
    void namesTheFileNamesLookedForWhenAFileOfTheSplitIsMissing() {
        write(dir.resolve("train-images-idx3-ubyte.gz"), gzip(images(COUNT, ROWS, COLS, PIXELS)));

        assertThatThrownBy(() -> IdxDataset.readSplit(dir, "train"))
                .isInstanceOf(DatasetNotFoundException.class)
                .hasMessage("dataset folder " + dir + " has no train labels file: looked for"
                        + " train-labels-idx1-ubyte and train-labels-idx1-ubyte.gz");
    }

    @Test
    void rejectsAnUnknownSplit() {
        assertThatThrownBy(() -> IdxDataset.readSplit(dir, "test"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'test'").hasMessageContaining("'train' or 't10k'");
    }

    @Test
    void namesAMissingFile() {
        Path labelsFile = write(dir.resolve("labels"), labels(LABELS));
        Path missing = dir.resolve("images");

        assertThatThrownBy(() -> IdxDataset.read(missing, labelsFile))
                .isInstanceOf(DatasetNotFoundException.class)
                .hasMessage("IDX images file " + missing + " does not exist");
    }

    @Test
    void rejectsAWrongMagicNumberShowingExpectedAndActualInHex() {
        Path imagesFile = write(dir.resolve("images"), idx(0x12345678, new int[] {COUNT, ROWS, COLS}, PIXELS));
        Path labelsFile = write(dir.resolve("labels"), labels(LABELS));

        assertThatThrownBy(() -> IdxDataset.read(imagesFile, labelsFile))
                .isInstanceOf(DataException.class)
                .hasMessage(imagesFile + " is not an IDX images file: its magic number is 0x12345678 but it must be"
                        + " 0x00000803 (unsigned bytes, rank 3)");
    }

    @Test
    void rejectsALabelsFileWithAWrongMagicNumber() {
        Path imagesFile = write(dir.resolve("images"), images(COUNT, ROWS, COLS, PIXELS));
        Path labelsFile = write(dir.resolve("labels"), "hello, this is text".getBytes(java.nio.charset.StandardCharsets.US_ASCII));

        assertThatThrownBy(() -> IdxDataset.read(imagesFile, labelsFile))
                .isInstanceOf(DataException.class)
                .hasMessageContaining(labelsFile.toString())
                .hasMessageContaining("0x68656C6C")
                .hasMessageContaining("must be 0x00000801");
    }

    @Test
    void rejectsAnElementTypeOtherThanUnsignedBytes() {
        Path imagesFile = write(dir.resolve("images"), idx(0x00000D03, new int[] {COUNT, ROWS, COLS}, PIXELS));
        Path labelsFile = write(dir.resolve("labels"), labels(LABELS));

        assertThatThrownBy(() -> IdxDataset.read(imagesFile, labelsFile))
                .isInstanceOf(DataException.class)
                .hasMessageContaining(imagesFile + " has IDX element type 0x0D (float)")
                .hasMessageContaining("0x00000D03")
                .hasMessageContaining("0x00000803");
    }

    @Test
    void rejectsTheWrongRankAndHintsThatTheFilesMayBeSwapped() {
        Path imagesFile = write(dir.resolve("images"), images(COUNT, ROWS, COLS, PIXELS));
        Path labelsFile = write(dir.resolve("labels"), labels(LABELS));

        assertThatThrownBy(() -> IdxDataset.read(labelsFile, imagesFile))
                .isInstanceOf(DataException.class)
                .hasMessage(imagesFile + " has rank 3 (magic number 0x00000803) but an IDX labels file has rank 1"
                        + " (magic number 0x00000801); are the images and labels files swapped?");
    }

    @Test
    void rejectsAHeaderCutShortInTheMagicNumber() {
        Path imagesFile = write(dir.resolve("images"), new byte[] {0, 0});
        Path labelsFile = write(dir.resolve("labels"), labels(LABELS));

        assertThatThrownBy(() -> IdxDataset.read(imagesFile, labelsFile))
                .isInstanceOf(DataException.class)
                .hasMessage(imagesFile + " is truncated: its header ends after 2 bytes but an IDX images header"
                        + " needs 16 (magic number 0x00000803 and 3 dimensions)");
    }

    @Test
    void rejectsAHeaderCutShortInTheDimensions() {
        byte[] whole = images(COUNT, ROWS, COLS, PIXELS);
        Path imagesFile = write(dir.resolve("images.gz"), gzip(Arrays.copyOf(whole, 10)));
        Path labelsFile = write(dir.resolve("labels"), labels(LABELS));

        assertThatThrownBy(() -> IdxDataset.read(imagesFile, labelsFile))
                .isInstanceOf(DataException.class)
                .hasMessage(imagesFile + " is truncated: its header ends after 10 bytes but an IDX images header"
                        + " of rank 3 needs 16");
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void rejectsATruncatedPayloadSayingHowMuchWasPromised(boolean gzipped) {
        byte[] shortFile = Arrays.copyOf(images(COUNT, ROWS, COLS, PIXELS), 16 + 50);
        Path imagesFile = write(dir.resolve("images"), gzipped ? gzip(shortFile) : shortFile);
        Path labelsFile = write(dir.resolve("labels"), labels(LABELS));

        assertThatThrownBy(() -> IdxDataset.read(imagesFile, labelsFile))
                .isInstanceOf(DataException.class)
                .hasMessage(imagesFile + " is truncated: it has 50 bytes of pixels but the header promises"
                        + " 5 x 3 x 4 = 60");
    }

    @Test
    void rejectsATruncatedLabelsPayload() {
        Path imagesFile = write(dir.resolve("images"), images(COUNT, ROWS, COLS, PIXELS));
        Path labelsFile = write(dir.resolve("labels"), Arrays.copyOf(labels(LABELS), 8 + 3));

        assertThatThrownBy(() -> IdxDataset.read(imagesFile, labelsFile))
                .isInstanceOf(DataException.class)
                .hasMessage(labelsFile + " is truncated: it has 3 labels but the header promises 5");
    }

    @Test
    void rejectsACorruptGzipStream() {
        byte[] compressed = gzip(images(COUNT, ROWS, COLS, pattern(COUNT * ROWS * COLS)));
        for (int i = 12; i < compressed.length - 8; i++) {
            compressed[i] = (byte) 0xff;
        }
        Path imagesFile = write(dir.resolve("images.gz"), compressed);
        Path labelsFile = write(dir.resolve("labels"), labels(LABELS));

        assertThatThrownBy(() -> IdxDataset.read(imagesFile, labelsFile))
                .isInstanceOf(DataException.class)
                .hasMessageStartingWith(imagesFile + " is gzip-compressed but its gzip stream is corrupt or truncated");
    }

    @Test
    void rejectsAGzipStreamCutShort() {
        byte[] compressed = gzip(images(COUNT, ROWS, COLS, PIXELS));
        Path imagesFile = write(dir.resolve("images.gz"), Arrays.copyOf(compressed, compressed.length / 2));
        Path labelsFile = write(dir.resolve("labels"), labels(LABELS));

        assertThatThrownBy(() -> IdxDataset.read(imagesFile, labelsFile))
                .isInstanceOf(DataException.class)
                .hasMessageStartingWith(imagesFile + " is gzip-compressed but its gzip stream is corrupt or truncated");
    }

    @Test
    void rejectsImageAndLabelCountsThatDiffer() {
        Path imagesFile = write(dir.resolve("images"), images(COUNT, ROWS, COLS, PIXELS));
        Path labelsFile = write(dir.resolve("labels"), labels(new byte[] {1, 2, 3}));

        assertThatThrownBy(() -> IdxDataset.read(imagesFile, labelsFile))
                .isInstanceOf(DataException.class)
                .hasMessage("images file " + imagesFile + " holds 5 images but labels file " + labelsFile
                        + " holds 3 labels; they must hold the same number");
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void rejectsTrailingDataAfterThePayload(boolean gzipped) {
        byte[] whole = images(COUNT, ROWS, COLS, PIXELS);
        byte[] longer = Arrays.copyOf(whole, whole.length + 3);
        Path imagesFile = write(dir.resolve("images"), gzipped ? gzip(longer) : longer);
        Path labelsFile = write(dir.resolve("labels"), labels(LABELS));

        assertThatThrownBy(() -> IdxDataset.read(imagesFile, labelsFile))
                .isInstanceOf(DataException.class)
                .hasMessage(imagesFile + " has 3 unexpected bytes after its payload (bytes of pixels: 5 x 3 x 4 = 60);"
                        + " trailing data is not allowed");
    }

    @Test
    void rejectsAFileWithZeroImages() {
        Path imagesFile = write(dir.resolve("images"), images(0, ROWS, COLS, new byte[0]));
        Path labelsFile = write(dir.resolve("labels"), labels(new byte[0]));

        assertThatThrownBy(() -> IdxDataset.read(imagesFile, labelsFile))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("holds zero");
        Path someLabels = write(dir.resolve("labels2"), labels(LABELS));
        assertThatThrownBy(() -> IdxDataset.read(imagesFile, someLabels))
                .isInstanceOf(DataException.class)
                .hasMessage(imagesFile + " holds zero images (its header declares 0 x 3 x 4); a dataset needs at least one");
    }

    @Test
    void rejectsAnImageDimensionOfZero() {
        Path imagesFile = write(dir.resolve("images"), images(COUNT, 0, COLS, new byte[0]));
        Path labelsFile = write(dir.resolve("labels"), labels(LABELS));

        assertThatThrownBy(() -> IdxDataset.read(imagesFile, labelsFile))
                .isInstanceOf(DataException.class)
                .hasMessage(imagesFile + " declares 5 x 0 x 4 but every dimension after the first must be >= 1");
    }

    @Test
    void rejectsADeclaredSizeNoArrayCanHold() {
        Path imagesFile = write(dir.resolve("images"), idx(0x00000803, new int[] {-1, -1, 28}, new byte[10]));
        Path labelsFile = write(dir.resolve("labels"), labels(LABELS));

        assertThatThrownBy(() -> IdxDataset.read(imagesFile, labelsFile))
                .isInstanceOf(DataException.class)
                .hasMessageStartingWith(imagesFile + " declares 4294967295 x 4294967295 x 28 bytes of pixels,"
                        + " more than the 2147483639 bytes");
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void doesNotAllocateWhatACorruptHeaderPromises(boolean gzipped) {
        // Two billion bytes promised, a hundred present: the reader must fail without allocating 2 GB.
        byte[] bytes = idx(0x00000803, new int[] {2_000_000, 1_000, 1}, new byte[100]);
        Path imagesFile = write(dir.resolve("images"), gzipped ? gzip(bytes) : bytes);
        Path labelsFile = write(dir.resolve("labels"), labels(LABELS));

        long allocated = Allocations.bytesAllocatedBy(() -> assertThatThrownBy(() -> IdxDataset.read(imagesFile,
                labelsFile))
                .isInstanceOf(DataException.class)
                .hasMessageEndingWith("is truncated: it has 100 bytes of pixels but the header promises"
                        + " 2000000 x 1000 x 1 = 2000000000"));
        assertThat(allocated).isLessThan(16L << 20);
    }

    @Test
    void failsClearlyOnAnEmptyFile() {
        Path imagesFile = write(dir.resolve("images"), new byte[0]);
        Path labelsFile = write(dir.resolve("labels"), labels(LABELS));

        assertThatThrownBy(() -> IdxDataset.read(imagesFile, labelsFile))
                .isInstanceOf(DataException.class)
                .hasMessageContaining(imagesFile + " is truncated: its header ends after 0 bytes");
        assertThat(Files.exists(imagesFile)).isTrue();
    }

    private IdxDataset read(byte[] imageBytes, byte[] labelBytes) {
        return IdxDataset.read(write(dir.resolve("images"), imageBytes), write(dir.resolve("labels"), labelBytes));
    }
}
