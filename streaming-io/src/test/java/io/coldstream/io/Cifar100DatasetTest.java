package io.coldstream.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coldstream.core.DataException;
import io.coldstream.core.DatasetNotFoundException;
import io.coldstream.core.Example;
import io.coldstream.core.Shape;
import io.coldstream.core.StreamPosition;
import io.coldstream.testkit.Allocations;
import io.coldstream.testkit.CifarFiles;
import io.coldstream.testkit.IdxFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Cifar100DatasetTest {

    private static final int[] COARSE = {19, 0, 7};
    private static final int[] FINE = {99, 3, 42};

    @TempDir
    Path dir;

    /** Pixels that differ in every plane and record: record r, byte i holds (r * 31 + i * 13) mod 256. */
    private static byte[] pixels(int records) {
        byte[] pixels = new byte[records * CifarFiles.PIXEL_BYTES];
        for (int r = 0; r < records; r++) {
            for (int i = 0; i < CifarFiles.PIXEL_BYTES; i++) {
                pixels[r * CifarFiles.PIXEL_BYTES + i] = (byte) (r * 31 + i * 13);
            }
        }
        return pixels;
    }

    @Test
    void readsExactlyThePixelsAndFineLabelsWritten() {
        byte[] pixels = pixels(3);
        CifarFiles.writeSplit(dir, "train", COARSE, FINE, pixels);

        Cifar100Dataset train = Cifar100Dataset.readSplit(dir, "train", CifarLabels.FINE);

        assertThat(train.name()).isEqualTo("train");
        assertThat(train.size()).isEqualTo(3);
        assertThat(train.shape()).isEqualTo(new Shape(3, 32, 32));
        assertThat(train.numClasses()).as("fixed by the format").isEqualTo(100);
        assertThat(train.labels()).containsExactly(FINE);
        assertThat(train.label(2)).isEqualTo(42);
        assertThat(train.location()).isEqualTo("cifar100:" + dir.toAbsolutePath());
        for (int r = 0; r < 3; r++) {
            byte[] expected = Arrays.copyOfRange(pixels, r * 3072, r * 3072 + 3072);
            byte[] copied = new byte[3072 + 5];
            train.copyPixels(r, copied, 5);
            assertThat(Arrays.copyOfRange(copied, 5, copied.length)).isEqualTo(expected);
            Example example = train.example(r, new StreamPosition("train", 7));
            assertThat(example.pixels()).isEqualTo(expected);
            assertThat(example.label()).isEqualTo(FINE[r]);
            assertThat(example.id()).isEqualTo(r);
        }
    }

    @Test
    void channelsComeFirstRedThenGreenThenBlue() {
        byte[] pixels = new byte[3072];
        Arrays.fill(pixels, 0, 1024, (byte) 200);
        Arrays.fill(pixels, 1024, 2048, (byte) 100);
        pixels[2048 + 32 + 1] = (byte) 7; // blue, row 1, column 1
        CifarFiles.writeSplit(dir, "test", new int[] {1}, new int[] {5}, pixels);

        Example example = Cifar100Dataset.readSplit(dir, "test", CifarLabels.FINE).example(0, new StreamPosition("t", 0));

        assertThat(example.pixels()[0] & 0xff).isEqualTo(200);
        assertThat(example.pixels()[1024] & 0xff).isEqualTo(100);
        assertThat(example.pixels()[2048 + 33]).isEqualTo((byte) 7);
        assertThat(example.pixels()[2048 + 32]).isEqualTo((byte) 0);
    }

    @Test
    void readsCoarseLabelsWhenAskedFor() {
        CifarFiles.writeSplit(dir, "test", COARSE, FINE, pixels(3));

        Cifar100Dataset test = Cifar100Dataset.readSplit(dir, "test", CifarLabels.COARSE);

        assertThat(test.name()).isEqualTo("test");
        assertThat(test.labels()).containsExactly(COARSE);
        assertThat(test.numClasses()).isEqualTo(20);
        assertThat(test.labelKind()).isEqualTo(CifarLabels.COARSE);
    }

    @Test
    void aTruncatedFileNamesTheFileAndTheRecordCutShort() {
        byte[] whole = CifarFiles.records(COARSE, FINE, pixels(3));
        Path file = IdxFiles.write(dir.resolve("train.bin"), Arrays.copyOf(whole, 2 * 3074 + 100));

        assertThatThrownBy(() -> Cifar100Dataset.readSplit(dir, "train", CifarLabels.FINE))
                .isInstanceOf(DataException.class)
                .hasMessage("CIFAR-100 file " + file + " is 6248 bytes, not a whole number of 3074-byte records:"
                        + " record 2 is cut short after 100 bytes");
    }

    @Test
    void anEmptyFileIsRefused() {
        Path file = IdxFiles.write(dir.resolve("test.bin"), new byte[0]);

        assertThatThrownBy(() -> Cifar100Dataset.readSplit(dir, "test", CifarLabels.FINE))
                .isInstanceOf(DataException.class)
                .hasMessage("CIFAR-100 file " + file + " is empty; it must hold at least one 3074-byte record");
    }

    @Test
    void aLabelOutOfRangeNamesTheFileAndTheRecord() {
        Path fine = CifarFiles.writeSplit(dir.resolve("fine"), "train", new int[] {0, 1, 2}, new int[] {0, 1, 100},
                pixels(3)).resolve("train.bin");
        Path coarse = CifarFiles.writeSplit(dir.resolve("coarse"), "train", new int[] {0, 20, 2},
                new int[] {0, 1, 2}, pixels(3)).resolve("train.bin");

        assertThatThrownBy(() -> Cifar100Dataset.readSplit(dir.resolve("fine"), "train", CifarLabels.FINE))
                .isInstanceOf(DataException.class)
                .hasMessage("CIFAR-100 file " + fine + " record 2 (of 3) has fine label 100 but fine labels must be"
                        + " in [0, 100)");
        assertThatThrownBy(() -> Cifar100Dataset.readSplit(dir.resolve("coarse"), "train", CifarLabels.FINE))
                .as("a bad coarse label is refused even when fine labels are read")
                .isInstanceOf(DataException.class)
                .hasMessage("CIFAR-100 file " + coarse + " record 1 (of 3) has coarse label 20 but coarse labels must"
                        + " be in [0, 20)");
        assertThatThrownBy(() -> Cifar100Dataset.readSplit(dir.resolve("fine"), "train", CifarLabels.COARSE))
                .hasMessageContaining("fine label 100");
    }

    @Test
    void aMissingFolderOrFileSaysWhatWasLookedForAndThatNothingIsDownloaded() {
        Path missing = dir.resolve("cifar-100-binary");
        assertThatThrownBy(() -> Cifar100Dataset.readSplit(missing, "train", CifarLabels.FINE))
                .isInstanceOf(DatasetNotFoundException.class)
                .hasMessage("CIFAR-100 folder " + missing + " does not exist; Coldstream downloads nothing: point"
                        + " --data at the CIFAR-100 binary version folder (cifar-100-binary, holding train.bin and"
                        + " test.bin)");

        CifarFiles.writeSplit(dir, "train", 1, 2);
        assertThatThrownBy(() -> Cifar100Dataset.readSplit(dir, "test", CifarLabels.FINE))
                .isInstanceOf(DatasetNotFoundException.class)
                .hasMessageStartingWith("CIFAR-100 folder " + dir + " has no test file: looked for "
                        + dir.resolve("test.bin") + "; Coldstream downloads nothing");
    }

    @Test
    void readsTheLabelNamesOfTheLabelsRead() {
        CifarFiles.writeSplit(dir, "train", 0, 99);
        List<String> fine = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            fine.add("fine" + i);
        }
        List<String> coarse = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            coarse.add("coarse" + i);
        }
        CifarFiles.writeLabelNames(dir, "fine", fine);
        CifarFiles.writeLabelNames(dir, "coarse", coarse);

        assertThat(Cifar100Dataset.readSplit(dir, "train", CifarLabels.FINE).labelNames()).contains(fine);
        assertThat(Cifar100Dataset.readSplit(dir, "train", CifarLabels.COARSE).labelNames()).contains(coarse);
    }

    @Test
    void hasNoLabelNamesWithoutTheirFileAndRefusesAFileOfTheWrongLength() throws Exception {
        CifarFiles.writeSplit(dir, "train", 0, 99);
        assertThat(Cifar100Dataset.readSplit(dir, "train", CifarLabels.FINE).labelNames()).isEmpty();

        Path names = CifarFiles.writeLabelNames(dir, "coarse", List.of("a", "b", "", "c"));
        assertThatThrownBy(() -> Cifar100Dataset.readSplit(dir, "train", CifarLabels.COARSE))
                .isInstanceOf(DataException.class)
                .hasMessage("CIFAR-100 label names file " + names + " holds 3 names but must hold one a line for"
                        + " each of the 20 coarse classes");
        Files.delete(names);
    }

    @Test
    void copyPixelsDoesNotAllocate() {
        CifarFiles.writeSplit(dir, "train", 1, 2, 3, 4);
        Cifar100Dataset train = Cifar100Dataset.readSplit(dir, "train", CifarLabels.FINE);
        byte[] dst = new byte[3072];
        Runnable copies = () -> {
            for (int i = 0; i < 10_000; i++) {
                train.copyPixels(i & 3, dst, 0);
            }
        };
        copies.run();

        assertThat(Allocations.bytesAllocatedBy(copies)).isLessThan(4096);
    }
}
