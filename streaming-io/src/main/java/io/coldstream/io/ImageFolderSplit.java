package io.coldstream.io;

import io.coldstream.core.DataException;
import io.coldstream.core.Example;
import io.coldstream.core.Shape;
import io.coldstream.core.StreamPosition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One split of an image folder ({@link ImageFolderDataset}): the JPEG and PNG files of
 * {@code DIR/<split>/<class>/}, as examples of {@code 3 x S x S} uint8 RGB, channels first,
 * brought to {@code S} by {@link ImageFolderDataset}'s resize and centre crop. Labels are class
 * indices in the dataset's sorted class list ({@link #labelNames()}); examples are indexed in
 * class order, then by file name.
 *
 * <p>A split comes in one of two forms:
 *
 * <ul>
 *   <li><b>On demand</b> (the train split): the files are listed, with their labels, and nothing
 *       is decoded up front, so that ImageNet's 1.28M files cost only their names. Index {@code i}
 *       is file {@code i}. {@link #copyPixels} and {@link #example} decode the file on the calling
 *       thread; {@link #streamInOrder} decodes the coming examples of the order on
 *       {@link #decodeThreads()} background threads, up to {@link #decodeAhead()} ahead of the
 *       reader. A file that cannot be decoded is found only when read: it is a
 *       {@link BadRecordException} of {@link BadRecordReason#UNDECODABLE_IMAGE} from
 *       {@link #copyPixels} and {@link #example}, and goes to the run's bad-record handler when
 *       streamed.</li>
 *   <li><b>Held</b> (the test split, the holdout): every file is decoded when the split is read,
 *       on the same background threads, and the pixels held in memory. A file that cannot be
 *       decoded is skipped, counted in {@link #skippedFiles()} and logged (one WARN line); the
 *       indices are those of the files that decoded.</li>
 * </ul>
 *
 * <p>Every successful decode adds to {@link #decodedImages()} and {@link #decodeNanos()}, so that
 * {@link #imagesPerSecond()} tells the decoding speed of one thread. Safe to share between
 * threads.
 */
public final class ImageFolderSplit implements DatasetSplit {

    /** The most examples decoded ahead of a stream's reader. */
    public static final int MAX_DECODE_AHEAD = 256;

    /** The most bytes of decoded examples held ahead of a stream's reader: 64 MiB. */
    static final long MAX_AHEAD_BYTES = 64L << 20;

    private static final Logger LOG = LoggerFactory.getLogger(ImageFolderSplit.class);

    private final Path dir;
    private final String name;
    private final ImageFolderFiles files;
    private final List<String> classes;
    private final int imageSize;
    private final Shape shape;
    private final int decodeThreads;
    private final AtomicLong decoded;
    private final AtomicLong decodeNanos;
    /** Held form: the pixels of each example, and the file each came from; {@code null} on demand. */
    private final byte[][] held;
    private final int[] heldFiles;
    private final int skipped;

    private ImageFolderSplit(Path dir, String name, ImageFolderFiles files, List<String> classes, int imageSize,
            int decodeThreads) {
        this.dir = dir;
        this.name = name;
        this.files = files;
        this.classes = classes;
        this.imageSize = imageSize;
        this.shape = new Shape(3, imageSize, imageSize);
        this.decodeThreads = decodeThreads;
        this.decoded = new AtomicLong();
        this.decodeNanos = new AtomicLong();
        this.held = null;
        this.heldFiles = null;
        this.skipped = 0;
    }

    /** The held form of {@code onDemand}, sharing its files and its decode counts. */
    private ImageFolderSplit(ImageFolderSplit onDemand, byte[][] held, int[] heldFiles, int skipped) {
        this.dir = onDemand.dir;
        this.name = onDemand.name;
        this.files = onDemand.files;
        this.classes = onDemand.classes;
        this.imageSize = onDemand.imageSize;
        this.shape = onDemand.shape;
        this.decodeThreads = onDemand.decodeThreads;
        this.decoded = onDemand.decoded;
        this.decodeNanos = onDemand.decodeNanos;
        this.held = held;
        this.heldFiles = heldFiles;
        this.skipped = skipped;
    }

    /**
     * @param dir the image folder
     * @param name the split's folder name
     * @param files the split's files
     * @param classes the dataset's class names
     * @param imageSize the side {@code S} of the examples
     * @param decodeThreads decoding threads, {@code >= 1}
     * @param hold whether to decode every file now (the held form) or on demand
     */
    static ImageFolderSplit create(Path dir, String name, ImageFolderFiles files, List<String> classes,
            int imageSize, int decodeThreads, boolean hold) {
        ImageFolderSplit split = new ImageFolderSplit(dir, name, files, classes, imageSize, decodeThreads);
        return hold ? split.decodeAll() : split;
    }

    /** Decodes every file with a {@link PrefetchReader} in file order, keeping those that decode. */
    private ImageFolderSplit decodeAll() {
        int n = files.size();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        byte[][] pixels = new byte[n][];
        int[] fileOf = new int[n];
        int kept = 0;
        BadRecordHandler skip = BadRecordHandlers.skip();
        try (PrefetchReader reader = new PrefetchReader(this, order, 0, n, decodeAhead(), decodeThreads)) {
            for (int i = 0; i < n; i++) {
                Example example = reader.next(new StreamPosition(name, i), skip);
                if (example != null) {
                    pixels[kept] = example.pixels();
                    fileOf[kept] = i;
                    kept++;
                }
            }
        }
        int skipped = n - kept;
        if (kept == 0) {
            throw new DataException("image folder split " + files.splitDir() + " holds " + n + " image files but"
                    + " none could be decoded as JPEG or PNG; a split needs at least one image");
        }
        if (skipped > 0) {
            LOG.warn("image folder split {}: skipped {} of {} files that could not be decoded (see the first above);"
                    + " the holdout has the other {}", files.splitDir(), skipped, n, kept);
        }
        return new ImageFolderSplit(this, Arrays.copyOf(pixels, kept), Arrays.copyOf(fileOf, kept), skipped);
    }

    /** @return the split's folder name, {@code "train"} or {@code "val"} */
    @Override
    public String name() {
        return name;
    }

    /** @return {@code "imagefolder:"} and the absolute image folder */
    @Override
    public String location() {
        return ImageFolderDataset.PREFIX + dir.toAbsolutePath();
    }

    /**
     * @return the number of examples, {@code >= 1}: every listed image file on demand; the files
     *     that decoded when held
     */
    @Override
    public int size() {
        return held == null ? files.size() : held.length;
    }

    /** @return {@code 3 x S x S} */
    @Override
    public Shape shape() {
        return shape;
    }

    /** @return the number of class folders of the dataset (both splits together), {@code >= 2} */
    @Override
    public int numClasses() {
        return classes.size();
    }

    /**
     * @param index the example's index, {@code [0, size())}
     * @return its class's index in {@link #labelNames()}
     */
    @Override
    public int label(int index) {
        return files.label(fileIndex(index));
    }

    /** @return every label in index order, in a fresh array; no file is read */
    @Override
    public int[] labels() {
        if (held == null) {
            return files.labels();
        }
        int[] labels = new int[held.length];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = files.label(heldFiles[i]);
        }
        return labels;
    }

    /** @return the class folder names, sorted, indexed by label */
    @Override
    public Optional<List<String>> labelNames() {
        return Optional.of(classes);
    }

    /**
     * Copies one example's pixels: from memory when held (no allocation); decoded from its file on
     * the calling thread on demand (allocating what the decoder needs).
     *
     * @param index the example's index, {@code [0, size())}
     * @param dst where to write {@code 3 * S * S} bytes: the R plane, then G, then B
     * @param dstOffset the first byte written in {@code dst}
     * @throws BadRecordException on demand, if the file cannot be decoded; its position is
     *     {@code name()@index}
     */
    @Override
    public void copyPixels(int index, byte[] dst, int dstOffset) {
        Objects.checkIndex(index, size());
        Objects.checkFromIndexSize(dstOffset, shape.elementCount(), dst.length);
        if (held != null) {
            System.arraycopy(held[index], 0, dst, dstOffset, held[index].length);
            return;
        }
        decodeOrThrow(index, dst, dstOffset, new StreamPosition(name, index));
    }

    /**
     * @param index the example's index, {@code [0, size())}; becomes its id
     * @param position where the example sits in its stream
     * @return the example, with a fresh pixel array of its own
     * @throws BadRecordException on demand, if the file cannot be decoded; at {@code position}
     */
    @Override
    public Example example(int index, StreamPosition position) {
        Objects.checkIndex(index, size());
        byte[] pixels = new byte[shape.elementCount()];
        if (held != null) {
            System.arraycopy(held[index], 0, pixels, 0, pixels.length);
        } else {
            decodeOrThrow(index, pixels, 0, position);
        }
        return new Example(index, label(index), shape, pixels, position);
    }

    /**
     * On demand, a reader whose {@link #decodeThreads()} daemon threads decode the coming examples
     * of {@code order}, at most {@link #decodeAhead()} ahead of it; closing the reader stops them.
     * An example whose file cannot be decoded goes to the handler given to
     * {@link SplitReader#next}, with the file's bytes. Held, a reader that copies from memory.
     *
     * @param order indices into the split; not copied
     * @param from the first position of {@code order} read
     * @param to one past the last position read
     * @return the reader; the caller closes it
     */
    @Override
    public SplitReader streamInOrder(int[] order, int from, int to) {
        Objects.checkFromToIndex(from, to, order.length);
        if (held != null) {
            return DatasetSplit.super.streamInOrder(order, from, to);
        }
        for (int i = from; i < to; i++) {
            Objects.checkIndex(order[i], files.size());
        }
        return new PrefetchReader(this, order, from, to, decodeAhead(), decodeThreads);
    }

    /**
     * @param index the example's index, {@code [0, size())}
     * @return the file it is decoded from
     */
    public Path file(int index) {
        return files.path(fileIndex(index));
    }

    /** @return the entries of the split's folders that are not image files, ignored (see {@link ImageFolderDataset}) */
    public int ignoredFiles() {
        return files.ignored();
    }

    /** @return held: the image files skipped because they could not be decoded; on demand, 0 */
    public int skippedFiles() {
        return skipped;
    }

    /** @return whether the pixels are held in memory (the test split) rather than decoded on demand */
    public boolean isHeld() {
        return held != null;
    }

    /** @return the number of threads a stream's reader decodes on */
    public int decodeThreads() {
        return decodeThreads;
    }

    /** @return the most examples a stream's reader decodes ahead: 256, fewer for large examples (64 MiB at most) */
    public int decodeAhead() {
        return (int) Math.max(8, Math.min(MAX_DECODE_AHEAD, MAX_AHEAD_BYTES / shape.elementCount()));
    }

    /** @return images decoded so far (successfully), by any thread */
    @Override
    public long decodedImages() {
        return decoded.get();
    }

    /**
     * @return nanoseconds spent decoding those images, summed over threads: reading the file,
     *     decoding it and bringing it to {@code S x S}
     */
    @Override
    public long decodeNanos() {
        return decodeNanos.get();
    }

    /**
     * @return the decoding speed of one thread, in images per second: {@link #decodedImages()}
     *     over {@link #decodeNanos()}; 0 before the first image. {@code n} threads decode up to
     *     {@code n} times as many per second of wall time.
     */
    public double imagesPerSecond() {
        long nanos = decodeNanos.get();
        return nanos == 0 ? 0 : decoded.get() * 1e9 / nanos;
    }

    int fileLabel(int fileIndex) {
        return files.label(fileIndex);
    }

    ImageDecoder newDecoder() {
        return new ImageDecoder(imageSize);
    }

    /**
     * Decodes file {@code fileIndex} into {@code dst}, counting it.
     *
     * @return {@code null} when it decoded; else the file's bytes and the problem
     */
    Undecodable decodeInto(ImageDecoder decoder, int fileIndex, byte[] dst, int dstOffset) {
        long start = System.nanoTime();
        Path path = files.path(fileIndex);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (IOException e) {
            return new Undecodable(new byte[0], new UndecodableImageException("could not be read (" + e + ")", e));
        }
        try {
            decoder.decode(bytes, bytes.length, dst, dstOffset);
        } catch (UndecodableImageException e) {
            return new Undecodable(bytes, e);
        }
        decodeNanos.addAndGet(System.nanoTime() - start);
        decoded.incrementAndGet();
        return null;
    }

    /** The bad record of a file that did not decode, at {@code position}. */
    BadRecordException badRecord(int fileIndex, StreamPosition position, UndecodableImageException problem) {
        return new BadRecordException(BadRecordReason.UNDECODABLE_IMAGE, position, "image file "
                + files.path(fileIndex) + " " + problem.getMessage(), problem);
    }

    private void decodeOrThrow(int index, byte[] dst, int dstOffset, StreamPosition position) {
        Undecodable bad = decodeInto(newDecoder(), index, dst, dstOffset);
        if (bad != null) {
            throw badRecord(index, position, bad.problem());
        }
    }

    private int fileIndex(int index) {
        Objects.checkIndex(index, size());
        return held == null ? index : heldFiles[index];
    }

    @Override
    public String toString() {
        return "ImageFolderSplit[" + files.splitDir() + ", " + size() + " examples of " + shape + ", "
                + classes.size() + " classes, " + (held == null ? "on demand" : "held, " + skipped + " skipped") + "]";
    }

    /** A file that did not decode: its bytes (empty if it could not be read) and why. */
    static final class Undecodable {

        private final byte[] bytes;
        private final UndecodableImageException problem;

        Undecodable(byte[] bytes, UndecodableImageException problem) {
            this.bytes = bytes;
            this.problem = problem;
        }

        byte[] bytes() {
            return bytes;
        }

        UndecodableImageException problem() {
            return problem;
        }
    }
}
