package io.coldstream.io;

import io.coldstream.core.DataException;
import io.coldstream.core.DatasetNotFoundException;
import io.coldstream.core.Example;
import io.coldstream.core.Shape;
import io.coldstream.core.StreamPosition;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * An IDX image file and its label file (the MNIST / Fashion-MNIST format), held in memory: the
 * {@link DatasetSplit} of an IDX folder ({@link Datasets#open}).
 *
 * <p>Images are unsigned bytes of rank 3, {@code [count, rows, cols]}, giving examples of shape
 * {@code 1 x rows x cols}; labels are unsigned bytes of rank 1, {@code [count]}. Each file may
 * be plain or gzip-compressed (recognised by the gzip magic bytes {@code 1f 8b}, not by the
 * name). Every malformed file is reported as a {@link DataException} that names the file and
 * the problem; a missing one as a {@link DatasetNotFoundException}.
 *
 * <p>Immutable once read; safe to share between threads.
 */
public final class IdxDataset implements DatasetSplit {

    /** The name of the training split: {@code train-images-idx3-ubyte}, {@code train-labels-idx1-ubyte}. */
    public static final String TRAIN_SPLIT = "train";
    /** The name of the test split: {@code t10k-images-idx3-ubyte}, {@code t10k-labels-idx1-ubyte}. */
    public static final String TEST_SPLIT = "t10k";

    private static final String GZ = ".gz";
    private static final String IMAGES_SUFFIX = "-images-idx3-ubyte";

    private final Path imagesFile;
    private final Path labelsFile;
    private final String name;
    private final Shape shape;
    private final int size;
    private final int numClasses;
    private final byte[] pixels;
    private final byte[] labels;

    private IdxDataset(Path imagesFile, Path labelsFile, Shape shape, int size, byte[] pixels, byte[] labels) {
        this.imagesFile = imagesFile;
        this.labelsFile = labelsFile;
        this.name = splitName(imagesFile);
        this.shape = shape;
        this.size = size;
        this.pixels = pixels;
        this.labels = labels;
        int max = 0;
        for (byte label : labels) {
            max = Math.max(max, label & 0xff);
        }
        this.numClasses = Math.max(2, max + 1);
    }

    /**
     * Reads an image file and its label file.
     *
     * @param imagesFile IDX unsigned-byte file of rank 3, plain or gzip
     * @param labelsFile IDX unsigned-byte file of rank 1, plain or gzip, with as many labels as images
     * @return the dataset
     * @throws DatasetNotFoundException if a file does not exist
     * @throws DataException if a file is malformed, truncated, has trailing data, holds no
     *     examples, or the two files hold different numbers of examples
     */
    public static IdxDataset read(Path imagesFile, Path labelsFile) {
        Objects.requireNonNull(imagesFile, "imagesFile");
        Objects.requireNonNull(labelsFile, "labelsFile");
        IdxFile labels = IdxFile.read(labelsFile, 1, "labels", "labels");
        IdxFile images = IdxFile.read(imagesFile, 3, "images", "bytes of pixels");
        int count = images.dims()[0];
        if (labels.dims()[0] != count) {
            throw new DataException("images file " + imagesFile + " holds " + count + " images but labels file "
                    + labelsFile + " holds " + labels.dims()[0] + " labels; they must hold the same number");
        }
        Shape shape = new Shape(1, images.dims()[1], images.dims()[2]);
        return new IdxDataset(imagesFile, labelsFile, shape, count, images.payload(), labels.payload());
    }

    /**
     * Reads one split of an IDX folder: {@code <dir>/<split>-images-idx3-ubyte[.gz]} and
     * {@code <dir>/<split>-labels-idx1-ubyte[.gz]} (the plain file is preferred when both exist).
     *
     * @param dir the folder, such as {@link FashionMnist#DEFAULT_DIR}
     * @param split {@link #TRAIN_SPLIT} or {@link #TEST_SPLIT}
     * @return the dataset
     * @throws DatasetNotFoundException if the folder or a file is missing; the message says how
     *     to install Fashion-MNIST or which file names were looked for
     * @throws DataException if a file is malformed (see {@link #read(Path, Path)})
     * @throws IllegalArgumentException if {@code split} is neither {@code train} nor {@code t10k}
     */
    public static IdxDataset readSplit(Path dir, String split) {
        Objects.requireNonNull(dir, "dir");
        if (!TRAIN_SPLIT.equals(split) && !TEST_SPLIT.equals(split)) {
            throw new IllegalArgumentException("IDX split was '" + split + "' but must be '" + TRAIN_SPLIT
                    + "' or '" + TEST_SPLIT + "'");
        }
        if (!Files.exists(dir)) {
            throw new DatasetNotFoundException("dataset folder " + dir + " does not exist; install Fashion-MNIST with '"
                    + FashionMnist.installCommand() + "' or point --data at an IDX folder");
        }
        if (!Files.isDirectory(dir)) {
            throw new DatasetNotFoundException("dataset path " + dir + " is not a folder; point --data at a folder"
                    + " holding " + split + "-images-idx3-ubyte[.gz] and " + split + "-labels-idx1-ubyte[.gz]"
                    + " (install Fashion-MNIST with '" + FashionMnist.installCommand() + "')");
        }
        Path images = find(dir, split + "-images-idx3-ubyte", split + " images");
        Path labels = find(dir, split + "-labels-idx1-ubyte", split + " labels");
        return read(images, labels);
    }

    /** {@code train} for {@code train-images-idx3-ubyte[.gz]}; the file name for any other name. */
    private static String splitName(Path imagesFile) {
        Path file = imagesFile.getFileName();
        String name = file == null ? imagesFile.toString() : file.toString();
        int suffix = name.indexOf(IMAGES_SUFFIX);
        return suffix > 0 ? name.substring(0, suffix) : name;
    }

    private static Path find(Path dir, String name, String what) {
        Path plain = dir.resolve(name);
        if (Files.isRegularFile(plain)) {
            return plain;
        }
        Path gzip = dir.resolve(name + GZ);
        if (Files.isRegularFile(gzip)) {
            return gzip;
        }
        throw new DatasetNotFoundException("dataset folder " + dir + " has no " + what + " file: looked for " + name
                + " and " + name + GZ);
    }

    /**
     * @return the split's name: {@code train} or {@code t10k} for the files of
     *     {@link #readSplit}, the part of the image file's name before {@code -images-idx3-ubyte}
     *     in general, else the whole file name
     */
    @Override
    public String name() {
        return name;
    }

    /** @return {@code "idx:"} and the absolute folder of the image file */
    @Override
    public String location() {
        Path folder = imagesFile.toAbsolutePath().getParent();
        return "idx:" + (folder == null ? imagesFile : folder);
    }

    /** @return the number of examples, {@code >= 1} */
    @Override
    public int size() {
        return size;
    }

    /** @return the shape of one example, {@code 1 x rows x cols} */
    @Override
    public Shape shape() {
        return shape;
    }

    /** @return the largest label plus one, at least 2 */
    @Override
    public int numClasses() {
        return numClasses;
    }

    /**
     * @param index the example's index in the file, {@code [0, size)}
     * @return its label, {@code [0, 255]}
     */
    @Override
    public int label(int index) {
        Objects.checkIndex(index, size);
        return labels[index] & 0xff;
    }

    /** @return every label in file order, in a fresh array (for {@link StreamOrders#order}) */
    @Override
    public int[] labels() {
        int[] result = new int[size];
        for (int i = 0; i < size; i++) {
            result[i] = labels[i] & 0xff;
        }
        return result;
    }

    /**
     * Copies one example's uint8 pixels, row-major; does not allocate.
     *
     * @param index the example's index in the file, {@code [0, size)}
     * @param dst where to write {@code shape().elementCount()} bytes
     * @param dstOffset the first byte written in {@code dst}
     */
    @Override
    public void copyPixels(int index, byte[] dst, int dstOffset) {
        Objects.checkIndex(index, size);
        int length = shape.elementCount();
        Objects.checkFromIndexSize(dstOffset, length, dst.length);
        System.arraycopy(pixels, index * length, dst, dstOffset, length);
    }

    /**
     * @param index the example's index in the file, {@code [0, size)}; becomes its id
     * @param position where the example sits in its stream
     * @return the example, with a fresh pixel array of its own
     */
    @Override
    public Example example(int index, StreamPosition position) {
        Objects.checkIndex(index, size);
        byte[] copy = new byte[shape.elementCount()];
        copyPixels(index, copy, 0);
        return new Example(index, labels[index] & 0xff, shape, copy, position);
    }

    /** @return the image file this dataset was read from */
    public Path imagesFile() {
        return imagesFile;
    }

    /** @return the label file this dataset was read from */
    public Path labelsFile() {
        return labelsFile;
    }

    @Override
    public String toString() {
        return "IdxDataset[" + imagesFile + ", " + size + " examples of " + shape + ", " + numClasses + " classes]";
    }
}
