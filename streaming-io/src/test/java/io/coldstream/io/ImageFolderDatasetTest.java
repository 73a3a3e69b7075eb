package io.coldstream.io;

import static io.coldstream.io.ImageFolders.alpha;
import static io.coldstream.io.ImageFolders.bytes;
import static io.coldstream.io.ImageFolders.cmykJpeg;
import static io.coldstream.io.ImageFolders.columns;
import static io.coldstream.io.ImageFolders.grey;
import static io.coldstream.io.ImageFolders.jpeg;
import static io.coldstream.io.ImageFolders.noise;
import static io.coldstream.io.ImageFolders.palette;
import static io.coldstream.io.ImageFolders.png;
import static io.coldstream.io.ImageFolders.rows;
import static io.coldstream.io.ImageFolders.sixteenBit;
import static io.coldstream.io.ImageFolders.solid;
import static io.coldstream.io.ImageFolders.solidPlanes;
import static io.coldstream.io.ImageFolders.truncatedJpeg;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coldstream.core.DataException;
import io.coldstream.core.DatasetNotFoundException;
import io.coldstream.core.Example;
import io.coldstream.core.SeededRandom;
import io.coldstream.core.Shape;
import io.coldstream.core.StreamPosition;
import io.coldstream.testkit.Allocations;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderDatasetTest {

    private static final int RED = 0xFF0000;
    private static final int BLUE = 0x0000FF;

    @TempDir
    Path dir;

    private static DatasetOptions size(int s) {
        return DatasetOptions.defaults().withImageSize(s);
    }

    private ImageFolderSplit train(int s, int threads) {
        return ImageFolderDataset.readSplit(dir, ImageFolderDataset.TRAIN_SPLIT, size(s), threads);
    }

    private ImageFolderSplit val(int s) {
        return ImageFolderDataset.readSplit(dir, ImageFolderDataset.TEST_SPLIT, size(s), 2);
    }

    private Path file(String split, String cls, String name) {
        return dir.resolve(split).resolve(cls).resolve(name);
    }

    /** A solid-colour PNG in {@code split/cls/name}. */
    private Path solidPng(String split, String cls, String name, int rgb) {
        return png(file(split, cls, name), solid(12, 9, rgb >> 16 & 0xff, rgb >> 8 & 0xff, rgb & 0xff));
    }

    private static int at(byte[] pixels, int s, int channel, int y, int x) {
        return pixels[channel * s * s + y * s + x] & 0xff;
    }

    private static int[] rgbAt(byte[] pixels, int s, int y, int x) {
        return new int[] {at(pixels, s, 0, y, x), at(pixels, s, 1, y, x), at(pixels, s, 2, y, x)};
    }

    private static byte[] pixels(DatasetSplit split, int index) {
        byte[] dst = new byte[split.shape().elementCount()];
        split.copyPixels(index, dst, 0);
        return dst;
    }

    private int indexOf(ImageFolderSplit split, String name) {
        for (int i = 0; i < split.size(); i++) {
            if (split.file(i).getFileName().toString().equals(name)) {
                return i;
            }
        }
        throw new AssertionError(name + " is not in " + split);
    }

    /** Names of the live decoding threads of splits named {@code split}. */
    private static Set<Thread> decodeThreads(String split) {
        Set<Thread> threads = new HashSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("coldstream-decode-" + split + "-") && t.isAlive()) {
                threads.add(t);
            }
        }
        return threads;
    }

    private static void awaitDead(Set<Thread> threads) throws InterruptedException {
        for (Thread t : threads) {
            t.join(10_000);
            assertThat(t.isAlive()).as("thread %s still alive after close", t.getName()).isFalse();
        }
    }

    @Test
    void labelsAreIndicesOfTheSortedUnionOfBothSplitsClassFolders() {
        solidPng("train", "dog", "a.png", RED);
        solidPng("train", "cat", "a.png", RED);
        solidPng("train", "cat", "b.png", RED);
        solidPng("val", "emu", "a.png", RED);
        solidPng("val", "cat", "a.png", RED);

        Dataset data = ImageFolderDataset.open(dir, size(8), 1);
        DatasetSplit train = data.train();
        DatasetSplit test = data.test();

        assertThat(train.labelNames()).isEqualTo(Optional.of(List.of("cat", "dog", "emu")));
        assertThat(test.labelNames()).isEqualTo(train.labelNames());
        assertThat(train.labels()).containsExactly(0, 0, 1);
        assertThat(test.labels()).containsExactly(0, 2);
        assertThat(train.numClasses()).isEqualTo(3);
        assertThat(test.numClasses()).isEqualTo(3);
        assertThat(data.numClasses()).isEqualTo(3);
        assertThat(train.label(2)).isEqualTo(1);
        assertThat(data.name()).isEqualTo("imagefolder:" + dir);
        assertThat(train.location()).isEqualTo("imagefolder:" + dir.toAbsolutePath());
        assertThat(train.name()).isEqualTo("train");
        assertThat(test.name()).isEqualTo("val");
        assertThat(data.shape()).isEqualTo(new Shape(3, 8, 8));
    }

    @Test
    void filesAreSortedByNameWithinAClassAndEverythingElseIsIgnoredAndCounted() throws IOException {
        solidPng("train", "cat", "c.png", RED);
        jpeg(file("train", "cat", "a.JPG"), solid(10, 10, 255, 0, 0));
        solidPng("train", "cat", "b.png", RED);
        solidPng("train", "dog", "z.png", RED);
        bytes(file("train", "cat", "notes.txt"), new byte[] {1, 2});
        solidPng("train", "cat", "._b.png", RED);
        solidPng("train", ".ipynb_checkpoints", "x.png", RED);
        bytes(dir.resolve("train").resolve("README"), new byte[] {1});
        solidPng("val", "cat", "a.png", RED);
        solidPng("val", "dog", "a.png", RED);

        ImageFolderSplit train = train(8, 1);

        assertThat(train.size()).isEqualTo(4);
        assertThat(List.of(train.file(0), train.file(1), train.file(2), train.file(3))).containsExactly(
                file("train", "cat", "a.JPG"), file("train", "cat", "b.png"), file("train", "cat", "c.png"),
                file("train", "dog", "z.png"));
        assertThat(train.labels()).containsExactly(0, 0, 0, 1);
        assertThat(train.labelNames()).contains(List.of("cat", "dog"));
        assertThat(train.ignoredFiles()).as("notes.txt, ._b.png, .ipynb_checkpoints, README").isEqualTo(4);
        assertThat(train(8, 1).file(1)).isEqualTo(train.file(1));
    }

    @Test
    void theTrainSplitIsListedWithoutDecodingAndTheTestSplitIsDecodedWhole() {
        for (int i = 0; i < 5; i++) {
            solidPng("train", "cat", i + ".png", RED);
            solidPng("val", "dog", i + ".png", BLUE);
        }

        ImageFolderSplit train = train(8, 1);
        assertThat(train.labels()).hasSize(5);
        assertThat(train.label(4)).isZero();
        assertThat(train.isHeld()).isFalse();
        assertThat(train.decodedImages()).isZero();
        assertThat(train.imagesPerSecond()).isZero();

        ImageFolderSplit val = val(8);
        assertThat(val.isHeld()).isTrue();
        assertThat(val.decodedImages()).isEqualTo(5);
        assertThat(pixels(val, 3)).isEqualTo(solidPlanes(8, 0, 0, 255));
        assertThat(val.example(3, new StreamPosition("val", 3)).pixels()).isEqualTo(solidPlanes(8, 0, 0, 255));
        assertThat(val.decodedImages()).as("held: copies, no decode").isEqualTo(5);
    }

    @Test
    void bringsTheShorterSideToTheSizeAndKeepsTheCentreSquare() {
        // 64 x 32, red in columns [0, 24): at S = 16 the shorter side halves, and the centre square
        // is source columns [16, 48), whose first 8 are red: output columns [0, 4) red, the rest blue.
        // Squashing the whole width would give 6 red columns, a left crop 12.
        png(file("train", "wide", "a.png"), columns(64, 32, 24, RED, BLUE));
        png(file("train", "tall", "a.png"), rows(32, 64, 24, RED, BLUE));
        solidPng("val", "wide", "a.png", RED);

        ImageFolderSplit train = train(16, 1);
        byte[] tall = pixels(train, 0);
        byte[] wide = pixels(train, 1);

        assertThat(train.file(0)).isEqualTo(file("train", "tall", "a.png"));
        assertThat(train.file(1)).isEqualTo(file("train", "wide", "a.png"));
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                int[] expected = x < 4 ? new int[] {255, 0, 0} : new int[] {0, 0, 255};
                assertThat(rgbAt(wide, 16, y, x)).as("wide (%d, %d)", y, x).containsExactly(expected);
                int[] expectedTall = y < 4 ? new int[] {255, 0, 0} : new int[] {0, 0, 255};
                assertThat(rgbAt(tall, 16, y, x)).as("tall (%d, %d)", y, x).containsExactly(expectedTall);
            }
        }
    }

    @Test
    void shrinksByAveragingTheAreaEachPixelCovers() {
        // Columns alternate between two palette colours: every output pixel covers two source
        // columns and is their mean; point sampling would give one colour or the other.
        png(file("train", "stripes", "a.png"), palette(32, 32, 0xC82800, 0x640028));
        solidPng("train", "other", "a.png", RED);
        solidPng("val", "other", "a.png", RED);

        byte[] shrunk = pixels(train(16, 1), 1);

        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                assertThat(rgbAt(shrunk, 16, y, x)).as("(%d, %d)", y, x).containsExactly(150, 20, 20);
            }
        }
    }

    @Test
    void enlargesImagesSmallerThanTheSideByInterpolating() {
        png(file("train", "small", "a.png"), columns(4, 3, 2, RED, BLUE));
        solidPng("train", "other", "a.png", RED);
        solidPng("val", "other", "a.png", RED);

        byte[] big = pixels(train(16, 1), 1);

        // The centre 3 x 3 of the 4 x 3 image is red, red, blue by column: enlarged to 16, the
        // left edge is red, the right edge blue, and red falls off monotonically in between.
        assertThat(rgbAt(big, 16, 8, 0)).containsExactly(255, 0, 0);
        assertThat(rgbAt(big, 16, 8, 15)).containsExactly(0, 0, 255);
        for (int x = 1; x < 16; x++) {
            assertThat(at(big, 16, 0, 8, x)).isLessThanOrEqualTo(at(big, 16, 0, 8, x - 1));
            assertThat(at(big, 16, 0, 8, x) + at(big, 16, 2, 8, x)).isBetween(254, 256);
        }
    }

    @Test
    void decodesEveryKindOfPngAndJpegToRgb() {
        png(file("train", "m", "rgb.png"), solid(20, 14, 10, 200, 30));
        png(file("train", "m", "grey.png"), grey(14, 20, 77));
        png(file("train", "m", "alpha.png"), alpha(16, 16, 128, 200, 100, 50));
        png(file("train", "m", "rgb16.png"), sixteenBit(16, 12, 51400, 5140, 65535));
        png(file("train", "m", "grey16.png"), sixteenBit(16, 12, 99 * 257));
        png(file("train", "m", "palette.png"), palette(16, 16, 0x102030, 0x102030));
        png(file("train", "m", "png-named.jpg"), solid(16, 16, 1, 2, 3));
        jpeg(file("train", "m", "rgb.jpg"), solid(40, 30, 10, 200, 30));
        jpeg(file("train", "m", "grey.jpg"), grey(40, 30, 77));
        cmykJpeg(file("train", "m", "cmyk-red.jpg"), 24, 16, 0, 255, 255, 0);
        cmykJpeg(file("train", "m", "cmyk-cyan.jpg"), 24, 16, 255, 0, 0, 0);
        solidPng("train", "n", "a.png", RED);
        solidPng("val", "n", "a.png", RED);

        ImageFolderSplit train = train(8, 1);

        assertThat(pixels(train, indexOf(train, "rgb.png"))).isEqualTo(solidPlanes(8, 10, 200, 30));
        assertThat(pixels(train, indexOf(train, "grey.png"))).as("grey as stored, no gamma")
                .isEqualTo(solidPlanes(8, 77, 77, 77));
        assertThat(pixels(train, indexOf(train, "alpha.png"))).as("alpha dropped")
                .isEqualTo(solidPlanes(8, 200, 100, 50));
        assertThat(pixels(train, indexOf(train, "rgb16.png"))).isEqualTo(solidPlanes(8, 200, 20, 255));
        assertThat(pixels(train, indexOf(train, "grey16.png"))).isEqualTo(solidPlanes(8, 99, 99, 99));
        assertThat(pixels(train, indexOf(train, "palette.png"))).isEqualTo(solidPlanes(8, 0x10, 0x20, 0x30));
        assertThat(pixels(train, indexOf(train, "png-named.jpg"))).as("told by content")
                .isEqualTo(solidPlanes(8, 1, 2, 3));
        assertEveryPixelNear(pixels(train, indexOf(train, "rgb.jpg")), 10, 200, 30, 4);
        byte[] greyJpeg = pixels(train, indexOf(train, "grey.jpg"));
        assertEveryPixelNear(greyJpeg, 77, 77, 77, 2);
        for (int i = 0; i < 64; i++) {
            assertThat(greyJpeg[i]).as("R = G = B").isEqualTo(greyJpeg[64 + i]).isEqualTo(greyJpeg[128 + i]);
        }
        assertEveryPixelNear(pixels(train, indexOf(train, "cmyk-red.jpg")), 255, 0, 0, 25);
        assertEveryPixelNear(pixels(train, indexOf(train, "cmyk-cyan.jpg")), 0, 255, 255, 25);
    }

    private static void assertEveryPixelNear(byte[] pixels, int r, int g, int b, int tolerance) {
        int plane = pixels.length / 3;
        for (int i = 0; i < plane; i++) {
            assertThat(pixels[i] & 0xff).as("R of pixel %d", i).isBetween(r - tolerance, r + tolerance);
            assertThat(pixels[plane + i] & 0xff).as("G of pixel %d", i).isBetween(g - tolerance, g + tolerance);
            assertThat(pixels[2 * plane + i] & 0xff).as("B of pixel %d", i).isBetween(b - tolerance, b + tolerance);
        }
    }

    @Test
    void jpegsGoToTwelveMonkeysReader() {
        assertThat(new ImageDecoder(8).readerName("JPEG")).startsWith("com.twelvemonkeys.imageio.plugins.jpeg.");
    }

    /** Writes {@code n} noisy images of varied sizes, JPEG and PNG, over 3 classes, and one val image. */
    private void noisyImages(int n) {
        Random random = new Random(7);
        for (int i = 0; i < n; i++) {
            int w = 20 + random.nextInt(60);
            int h = 20 + random.nextInt(60);
            BufferedImage image = noise(w, h, random.nextLong());
            Path file = file("train", "c" + i % 3, String.format("%03d", i) + (i % 2 == 0 ? ".jpg" : ".png"));
            if (i % 2 == 0) {
                jpeg(file, image);
            } else {
                png(file, image);
            }
        }
        solidPng("val", "c0", "a.png", RED);
    }

    /** The label of a file of {@link #noisyImages}: {@code k} for class folder {@code ck}. */
    private static int classOf(Path file) {
        return Integer.parseInt(file.getParent().getFileName().toString().substring(1));
    }

    private static int[] shuffled(int n, long seed) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Random random = new Random(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    @Test
    void streamingDecodesAheadInTheBackgroundToTheSamePixelsAsDirectDecoding() {
        noisyImages(30);
        int[] order = shuffled(30, 3);
        for (int threads : new int[] {1, 3}) {
            ImageFolderSplit train = train(16, threads);
            try (IdxSource source = new IdxSource(train, order, 0, "train")) {
                assertThat(source.decodeImagesPerSecond()).as("nothing decoded yet").isEmpty();
                for (int i = 0; i < order.length; i++) {
                    Example example = source.next();
                    assertThat(example.id()).isEqualTo(order[i]);
                    assertThat(example.label()).isEqualTo(classOf(train.file(order[i])));
                    assertThat(example.position()).isEqualTo(new StreamPosition("train", i));
                    assertThat(example.pixels()).as("%d threads, stream index %d", threads, i)
                            .isEqualTo(pixels(train, order[i]));
                }
                assertThat(source.next()).isNull();
                // what the trainer's progress line shows: the split's own figure, one thread's speed
                assertThat(source.decodeImagesPerSecond()).isPresent();
                assertThat(source.decodeImagesPerSecond().getAsDouble()).isPositive()
                        .isCloseTo(train.imagesPerSecond(), org.assertj.core.data.Percentage.withPercentage(50));
            }
            assertThat(train.decodedImages()).as("30 streamed and 30 direct").isEqualTo(60);
            assertThat(train.imagesPerSecond()).isPositive();
            assertThat(train.decodeNanos()).isPositive();
        }
    }

    @Test
    void seekingRestartsTheDecoderAtTheNewPosition() throws InterruptedException {
        noisyImages(30);
        // longer than the ring (ImageFolderSplit.MAX_DECODE_AHEAD), so that the workers are still
        // waiting for free slots when the test looks for them: with 30 they may have finished
        int[] once = shuffled(30, 4);
        int[] order = new int[1000];
        for (int i = 0; i < order.length; i++) {
            order[i] = once[i % once.length];
        }
        ImageFolderSplit train = train(16, 2);
        assertThat(train.decodeAhead()).isLessThan(order.length - 5);
        try (IdxSource source = new IdxSource(train, order, 0, "train")) {
            for (int i = 0; i < 5; i++) {
                assertThat(source.next().id()).isEqualTo(order[i]);
            }
            Set<Thread> before = decodeThreads("train");
            assertThat(before).isNotEmpty();

            source.seek(20);
            awaitDead(before);
            Example twenty = source.next();
            assertThat(twenty.id()).isEqualTo(order[20]);
            assertThat(twenty.position()).isEqualTo(new StreamPosition("train", 20));
            assertThat(twenty.pixels()).isEqualTo(pixels(train, order[20]));

            source.seek(Map.of("train", 1L));
            Example two = source.next();
            assertThat(two.id()).isEqualTo(order[2]);
            assertThat(two.pixels()).isEqualTo(pixels(train, order[2]));
        }
    }

    @Test
    void closingTheSourceStopsTheDecodingThreads() throws InterruptedException {
        noisyImages(30);
        Set<Thread> before = decodeThreads("train");
        ImageFolderSplit train = train(16, 3);
        int[] order = new int[1000]; // longer than the ring, so that the workers wait for free slots
        for (int i = 0; i < order.length; i++) {
            order[i] = i * 7 % 30;
        }
        IdxSource source = new IdxSource(train, order, 0, "train");
        assertThat(source.next()).isNotNull();
        Set<Thread> started = decodeThreads("train");
        started.removeAll(before);
        assertThat(started).hasSize(3);
        for (Thread t : started) {
            assertThat(t.isDaemon()).isTrue();
        }
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (train.decodedImages() < train.decodeAhead() + 1 && System.nanoTime() < deadline) {
            Thread.sleep(10); // until the ring is full and every worker waits for a free slot
        }
        Thread.sleep(50);

        source.close();

        awaitDead(started);
        assertThat(train.decodedImages()).as("stopped with the ring full, far from the order's end")
                .isEqualTo(train.decodeAhead() + 1);
        source.close();
    }

    @Test
    void undecodableFilesInTheStreamGoToTheHandlerAndAreSkipped() throws IOException {
        solidPng("train", "cat", "a.png", RED);
        byte[] noise = new byte[300];
        new Random(1).nextBytes(noise);
        bytes(file("train", "cat", "b.jpg"), noise);
        solidPng("train", "cat", "c.png", BLUE);
        truncatedJpeg(file("train", "dog", "d.jpg"), noise(64, 48, 2), 0.5);
        solidPng("train", "dog", "e.png", RED);
        bytes(file("train", "dog", "f.jpg"), new byte[0]);
        solidPng("val", "dog", "a.png", RED);
        ImageFolderSplit train = train(8, 2);
        RecordingHandler handler = new RecordingHandler();

        List<Long> ids = new ArrayList<>();
        try (IdxSource source = new IdxSource(train, new int[] {0, 1, 2, 3, 4, 5}, 0, "train")
                .withBadRecords(handler)) {
            for (Example e = source.next(); e != null; e = source.next()) {
                ids.add(e.id());
            }
            assertThat(source.lastPositions()).isEqualTo(Map.of("train", 5L));
        }

        assertThat(ids).containsExactly(0L, 2L, 4L);
        assertThat(handler.positions).containsExactly(new StreamPosition("train", 1),
                new StreamPosition("train", 3), new StreamPosition("train", 5));
        assertThat(handler.lengths).containsExactly(300, (int) Files.size(file("train", "dog", "d.jpg")), 0);
        assertThat(handler.problems).allSatisfy(p -> assertThat(p.reason()).isEqualTo(
                BadRecordReason.UNDECODABLE_IMAGE));
        assertThat(handler.problems.get(0).detail()).contains(file("train", "cat", "b.jpg").toString())
                .contains("not a JPEG or PNG");
        assertThat(handler.problems.get(1).detail()).contains("truncated");
        assertThat(train.decodedImages()).isEqualTo(3);
    }

    @Test
    void theFailPolicyStopsTheStreamAtTheFirstUndecodableFile() {
        solidPng("train", "cat", "a.png", RED);
        bytes(file("train", "cat", "b.jpg"), new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, 0, 0});
        solidPng("val", "dog", "a.png", RED);
        ImageFolderSplit train = train(8, 1);

        try (IdxSource source = new IdxSource(train, new int[] {0, 1}, 0, "train")) {
            assertThat(source.next().id()).isZero();
            assertThatThrownBy(source::next).isInstanceOf(DataException.class)
                    .hasMessageContaining("train@1").hasMessageContaining("undecodable-image")
                    .hasMessageContaining(file("train", "cat", "b.jpg").toString());
        }
    }

    @Test
    void directlyReadingAnUndecodableFileThrowsItsBadRecord() {
        solidPng("train", "cat", "a.png", RED);
        bytes(file("train", "cat", "b.jpg"), "GIF89a not an image".getBytes(StandardCharsets.US_ASCII));
        solidPng("val", "dog", "a.png", RED);
        ImageFolderSplit train = train(8, 1);

        assertThatThrownBy(() -> pixels(train, 1)).isInstanceOfSatisfying(BadRecordException.class, e -> {
            assertThat(e.reason()).isEqualTo(BadRecordReason.UNDECODABLE_IMAGE);
            assertThat(e.position()).isEqualTo(new StreamPosition("train", 1));
            assertThat(e.detail()).contains("b.jpg").contains("0x474946");
        });
        assertThat(pixels(train, 0)).isEqualTo(solidPlanes(8, 255, 0, 0));
    }

    @Test
    void theTestSplitSkipsUndecodableFilesAndCountsThem() {
        solidPng("train", "cat", "a.png", RED);
        solidPng("val", "cat", "a.png", RED);
        bytes(file("val", "cat", "b.png"), new byte[] {1, 2, 3});
        truncatedJpeg(file("val", "dog", "c.jpg"), noise(64, 48, 3), 0.4);
        solidPng("val", "dog", "d.png", BLUE);

        ImageFolderSplit val = val(8);

        assertThat(val.skippedFiles()).isEqualTo(2);
        assertThat(val.size()).isEqualTo(2);
        assertThat(val.labels()).containsExactly(0, 1);
        assertThat(val.file(1)).isEqualTo(file("val", "dog", "d.png"));
        assertThat(pixels(val, 1)).isEqualTo(solidPlanes(8, 0, 0, 255));
        assertThat(val.example(1, new StreamPosition("val", 1)).label()).isEqualTo(1);
    }

    @Test
    void aTestSplitWithNoDecodableImageIsMalformed() {
        solidPng("train", "cat", "a.png", RED);
        solidPng("train", "dog", "a.png", RED);
        bytes(file("val", "cat", "b.png"), new byte[] {1, 2, 3});

        assertThatThrownBy(() -> val(8)).isInstanceOf(DataException.class)
                .hasMessageContaining(dir.resolve("val").toString()).hasMessageContaining("none could be decoded");
    }

    @Test
    void nextAllocatesOnlyTheExampleWhileTheDecoderIsAhead() throws InterruptedException {
        noisyImages(60);
        ImageFolderSplit train = train(16, 1);
        try (IdxSource source = new IdxSource(train, shuffled(60, 6), 0, "train")) {
            source.next();
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (train.decodedImages() < 60 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(train.decodedImages()).isEqualTo(60);
            for (int i = 0; i < 20; i++) {
                source.next();
            }
            long allocated = Allocations.bytesAllocatedBy(() -> {
                for (int i = 0; i < 30; i++) {
                    source.next();
                }
            });
            // an example: its pixel array (768 + 16 bytes), the Example and its StreamPosition
            assertThat(allocated).isLessThan(30L * (768 + 200));
        }
    }

    @Test
    void opensFromADatasetSpecAndStreamsThroughSourcesToTheRunsHandler() {
        solidPng("train", "cat", "a.png", RED);
        bytes(file("train", "cat", "b.jpg"), new byte[] {9, 9, 9});
        solidPng("train", "dog", "c.png", BLUE);
        solidPng("val", "dog", "a.png", BLUE);
        BadRecordHandler skip = BadRecordHandlers.skip();

        Dataset data = Datasets.open("imagefolder:" + dir, size(16));
        assertThat(data.train()).isInstanceOf(ImageFolderSplit.class);
        assertThat(data.shape()).isEqualTo(new Shape(3, 16, 16));
        List<Example> seen = new ArrayList<>();
        try (ExampleSource source = Sources.open(SourceSpec.parse("imagefolder:" + dir), SourceOptions.builder()
                .datasetOptions(size(16)).badRecords(skip).order(StreamOrder.IID, 2, new SeededRandom(1)).build())) {
            for (Example e = source.next(); e != null; e = source.next()) {
                seen.add(e);
            }
        }

        assertThat(seen).hasSize(2);
        assertThat(skip.count(BadRecordReason.UNDECODABLE_IMAGE)).isEqualTo(1);
    }

    @Test
    void aMissingFolderSaysWhatLayoutIsExpected() {
        Path missing = dir.resolve("nowhere");

        assertThatThrownBy(() -> ImageFolderDataset.open(missing, size(8)).test())
                .isInstanceOf(DatasetNotFoundException.class).hasMessageContaining(missing.toString())
                .hasMessageContaining("DIR/train/<class>/<image>");
    }

    @Test
    void aMissingSplitFolderIsNamed() {
        solidPng("train", "cat", "a.png", RED);
        solidPng("train", "dog", "a.png", RED);

        assertThatThrownBy(() -> ImageFolderDataset.open(dir, size(8)).train())
                .isInstanceOf(DatasetNotFoundException.class).hasMessageContaining("has no val folder")
                .hasMessageContaining(dir.resolve("val").toString()).hasMessageContaining("DIR/val/<class>");
    }

    @Test
    void aClassFolderWithoutImagesIsMalformed() {
        solidPng("train", "cat", "a.png", RED);
        bytes(file("train", "dog", "notes.txt"), new byte[] {1});
        solidPng("val", "cat", "a.png", RED);

        assertThatThrownBy(() -> train(8, 1)).isInstanceOf(DataException.class)
                .hasMessageContaining(dir.resolve("train").resolve("dog").toString())
                .hasMessageContaining("holds no image");
    }

    @Test
    void aSplitWithoutClassFoldersIsMalformed() throws IOException {
        solidPng("train", "cat", "a.png", RED);
        solidPng("train", "dog", "a.png", RED);
        Files.createDirectories(dir.resolve("val"));
        png(dir.resolve("val").resolve("loose.png"), solid(4, 4, 1, 1, 1));

        assertThatThrownBy(() -> val(8)).isInstanceOf(DataException.class)
                .hasMessageContaining(dir.resolve("val").toString()).hasMessageContaining("holds no class folder")
                .hasMessageContaining("but 1 image file of its own").hasMessageContaining("DIR/val/<class>/<image>");
    }

    @Test
    void oneClassIsNotEnough() {
        solidPng("train", "cat", "a.png", RED);
        solidPng("val", "cat", "a.png", RED);

        assertThatThrownBy(() -> train(8, 1)).isInstanceOf(DataException.class)
                .hasMessageContaining("[cat]").hasMessageContaining("at least 2 classes");
    }

    /** Records what it is handed and skips. */
    private static final class RecordingHandler implements BadRecordHandler {

        final List<StreamPosition> positions = new ArrayList<>();
        final List<Integer> lengths = new ArrayList<>();
        final List<BadRecordException> problems = new ArrayList<>();

        @Override
        public void handle(byte[] record, int offset, int length, StreamPosition position,
                BadRecordException problem) {
            positions.add(position);
            lengths.add(length);
            problems.add(problem);
        }

        @Override
        public long count() {
            return problems.size();
        }

        @Override
        public long count(BadRecordReason reason) {
            return problems.stream().filter(p -> p.reason() == reason).count();
        }

        @Override
        public String describe() {
            return "recording";
        }

        @Override
        public void close() {
            // Holds nothing.
        }
    }
}
