package io.coldstream.io;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * An ImageNet-style image folder ({@code imagefolder:DIR}), read as a {@link Dataset}:
 *
 * <pre>
 * DIR/train/&lt;class&gt;/&lt;image&gt;   the train split (the stream), decoded on demand
 * DIR/val/&lt;class&gt;/&lt;image&gt;     the test split (the holdout), decoded when read
 * </pre>
 *
 * <p>A class is a folder, named for it. The classes are the class folders of both splits
 * together, sorted by name, and a label is a class's index in that list, so both splits agree
 * (a split may lack some classes); {@link DatasetSplit#labelNames()} gives the names. Within a
 * class, files are sorted by name. An image is a file named {@code *.jpg}, {@code *.jpeg},
 * {@code *.jpe}, {@code *.jfif} or {@code *.png} (any case) that does not start with a dot;
 * whether it is a JPEG or a PNG is told by its content (ImageNet holds a PNG named
 * {@code .JPEG}). Other files and hidden folders are ignored and counted
 * ({@link ImageFolderSplit#ignoredFiles()}).
 *
 * <p>Every example is RGB, {@code 3 x S x S} uint8, channels first, with
 * {@code S = options.imageSize()}: the image is decoded (CMYK, YCCK and greyscale JPEGs through
 * TwelveMonkeys' reader; palette, grey, 16-bit and alpha PNGs), its shorter side brought to
 * {@code S} and its centre {@code S x S} square kept, by area averaging (each output pixel the
 * mean of the source area it covers) or, for an image smaller than {@code S}, bilinear
 * interpolation. An image file that cannot be decoded (truncated, or not an image) is a bad
 * record of {@link BadRecordReason#UNDECODABLE_IMAGE}: skipped and counted by the run's
 * {@link BadRecordHandler} when the train split is streamed, skipped with a WARN line and counted
 * in {@link ImageFolderSplit#skippedFiles()} when the test split is read. See
 * {@link ImageFolderSplit} for how the train split decodes ahead of the trainer on background
 * threads.
 *
 * <p>Stateless; any thread.
 */
public final class ImageFolderDataset {

    /** The spec prefix of an image folder. */
    public static final String PREFIX = "imagefolder:";
    /** The folder name of the train split. */
    public static final String TRAIN_SPLIT = "train";
    /** The folder name of the test split. */
    public static final String TEST_SPLIT = "val";

    private ImageFolderDataset() {
    }

    /**
     * Opens an image folder without reading it, decoding on {@link #defaultDecodeThreads()}
     * threads: {@link #open(Path, DatasetOptions, int)}.
     *
     * @param dir the folder holding {@code train/<class>/*} and {@code val/<class>/*}
     * @param options how the images are read: {@link DatasetOptions#imageSize()}
     * @return the dataset; its name is {@code "imagefolder:" + dir}
     */
    public static Dataset open(Path dir, DatasetOptions options) {
        return open(dir, options, defaultDecodeThreads());
    }

    /**
     * Opens an image folder without reading it: each split is read when first asked for, the
     * class list (both splits' class folders) with the first. The train split is listed only; the
     * test split is listed and decoded.
     *
     * @param dir the folder holding {@code train/<class>/*} and {@code val/<class>/*}
     * @param options how the images are read: {@link DatasetOptions#imageSize()}
     * @param decodeThreads the threads that decode the train split ahead of its stream, and the
     *     test split when read, {@code >= 1}
     * @return the dataset; its name is {@code "imagefolder:" + dir}. Its splits are
     *     {@link ImageFolderSplit}s; reading one throws a
     *     {@link io.coldstream.core.DatasetNotFoundException} if {@code dir}, {@code train/} or
     *     {@code val/} is missing, and a {@link io.coldstream.core.DataException} if a split has
     *     no class folder, a class folder has no image, there are fewer than 2 classes, or (the
     *     test split) no image decodes; each message names the path and the expected layout
     */
    public static Dataset open(Path dir, DatasetOptions options, int decodeThreads) {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(options, "options");
        requireThreads(decodeThreads);
        ClassList classes = new ClassList(dir);
        return new LazyDataset(PREFIX + dir,
                () -> read(dir, TRAIN_SPLIT, classes.get(), options.imageSize(), decodeThreads),
                () -> read(dir, TEST_SPLIT, classes.get(), options.imageSize(), decodeThreads));
    }

    /**
     * Reads one split: {@link #TRAIN_SPLIT} on demand, {@link #TEST_SPLIT} held (decoded now).
     *
     * @param dir the image folder
     * @param split {@link #TRAIN_SPLIT} or {@link #TEST_SPLIT}
     * @param options how the images are read: {@link DatasetOptions#imageSize()}
     * @param decodeThreads decoding threads, {@code >= 1}
     * @return the split
     * @throws io.coldstream.core.DatasetNotFoundException if a folder is missing
     * @throws io.coldstream.core.DataException if the folder is malformed (see {@link #open(Path, DatasetOptions, int)})
     * @throws IllegalArgumentException if {@code split} is neither {@code train} nor {@code val}
     */
    public static ImageFolderSplit readSplit(Path dir, String split, DatasetOptions options, int decodeThreads) {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(options, "options");
        requireThreads(decodeThreads);
        if (!TRAIN_SPLIT.equals(split) && !TEST_SPLIT.equals(split)) {
            throw new IllegalArgumentException("image folder split was '" + split + "' but must be '" + TRAIN_SPLIT
                    + "' or '" + TEST_SPLIT + "'");
        }
        return read(dir, split, ImageFolderFiles.classNames(dir, TRAIN_SPLIT, TEST_SPLIT), options.imageSize(),
                decodeThreads);
    }

    /**
     * @return the decoding threads of {@link #open(Path, DatasetOptions)}: half the processors,
     *     between 1 and 4, leaving the rest to the trainer
     */
    public static int defaultDecodeThreads() {
        return Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors() / 2));
    }

    private static ImageFolderSplit read(Path dir, String split, List<String> classes, int imageSize,
            int decodeThreads) {
        ImageFolderFiles files = ImageFolderFiles.list(dir.resolve(split), classes);
        return ImageFolderSplit.create(dir, split, files, classes, imageSize, decodeThreads, TEST_SPLIT.equals(split));
    }

    private static void requireThreads(int decodeThreads) {
        if (decodeThreads < 1) {
            throw new IllegalArgumentException("decodeThreads was " + decodeThreads + " but must be >= 1");
        }
    }

    /** The class list of a folder, read once, by the first split read. */
    private static final class ClassList {

        private final Path dir;
        private List<String> classes;

        ClassList(Path dir) {
            this.dir = dir;
        }

        synchronized List<String> get() {
            if (classes == null) {
                classes = ImageFolderFiles.classNames(dir, TRAIN_SPLIT, TEST_SPLIT);
            }
            return classes;
        }
    }
}
