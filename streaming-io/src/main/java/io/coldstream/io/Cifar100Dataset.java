package io.coldstream.io;

import io.coldstream.core.DataException;
import io.coldstream.core.DatasetNotFoundException;
import io.coldstream.core.Example;
import io.coldstream.core.Shape;
import io.coldstream.core.StreamPosition;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One split of the CIFAR-100 binary version (Krizhevsky, "Learning Multiple Layers of Features
 * from Tiny Images", 2009), held in memory: {@code train.bin} or {@code test.bin} of a
 * {@code cifar-100-binary} folder ({@code cifar100:DIR}, see {@link Datasets#open}).
 *
 * <p>Each file is a sequence of {@value #RECORD_BYTES}-byte records: the coarse label byte, the
 * fine label byte, then 3072 bytes of pixels, 1024 red, 1024 green and 1024 blue, each plane
 * row-major 32x32. Examples have shape {@code 3 x 32 x 32}, channels first: the layout of the
 * file, so {@link #copyPixels} is one array copy. The labels read are the fine ones (100 classes)
 * or the coarse ones (20 superclasses), as {@link CifarLabels} says; the number of classes is that
 * of the format, whatever labels occur. Class names come from {@code fine_label_names.txt} or
 * {@code coarse_label_names.txt} (one a line) when the folder has them.
 *
 * <p>Strict: a file that is empty or not a whole number of records, or a label out of range, is a
 * {@link DataException} naming the file and the record; a missing folder or file is a
 * {@link DatasetNotFoundException}. Nothing is downloaded. Immutable once read; safe to share
 * between threads.
 */
public final class Cifar100Dataset implements DatasetSplit {

    /** The name of the training split, read from {@code train.bin}. */
    public static final String TRAIN_SPLIT = "train";
    /** The name of the test split, read from {@code test.bin}. */
    public static final String TEST_SPLIT = "test";
    /** The shape of every example: 3 channels (red, green, blue) of 32x32 pixels. */
    public static final Shape SHAPE = new Shape(3, 32, 32);
    /** The bytes of one record: the coarse label, the fine label and 3072 pixel bytes. */
    public static final int RECORD_BYTES = 2 + 3 * 32 * 32;

    private static final int PIXEL_BYTES = RECORD_BYTES - 2;
    private static final String HOW_TO_GET = "Coldstream downloads nothing: point --data at the CIFAR-100"
            + " binary version folder (cifar-100-binary, holding train.bin and test.bin)";

    private final Path file;
    private final String name;
    private final CifarLabels which;
    private final int size;
    private final byte[] pixels;
    private final byte[] labels;
    private final List<String> labelNames;

    private Cifar100Dataset(Path file, String name, CifarLabels which, int size, byte[] pixels, byte[] labels,
            List<String> labelNames) {
        this.file = file;
        this.name = name;
        this.which = which;
        this.size = size;
        this.pixels = pixels;
        this.labels = labels;
        this.labelNames = labelNames;
    }

    /**
     * Reads one split of a CIFAR-100 binary folder: {@code <dir>/<split>.bin}, and the label names
     * of {@code labels} when the folder has them.
     *
     * @param dir the {@code cifar-100-binary} folder
     * @param split {@link #TRAIN_SPLIT} or {@link #TEST_SPLIT}
     * @param labels which labels to read
     * @return the split
     * @throws DatasetNotFoundException if the folder or the file is missing; the message says what
     *     was looked for
     * @throws DataException if the file or the label names are malformed (see {@link #read})
     * @throws IllegalArgumentException if {@code split} is neither {@code train} nor {@code test}
     */
    public static Cifar100Dataset readSplit(Path dir, String split, CifarLabels labels) {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(labels, "labels");
        if (!TRAIN_SPLIT.equals(split) && !TEST_SPLIT.equals(split)) {
            throw new IllegalArgumentException("CIFAR-100 split was '" + split + "' but must be '" + TRAIN_SPLIT
                    + "' or '" + TEST_SPLIT + "'");
        }
        if (!Files.exists(dir)) {
            throw new DatasetNotFoundException("CIFAR-100 folder " + dir + " does not exist; " + HOW_TO_GET);
        }
        if (!Files.isDirectory(dir)) {
            throw new DatasetNotFoundException("CIFAR-100 path " + dir + " is not a folder; " + HOW_TO_GET);
        }
        Path file = dir.resolve(split + ".bin");
        if (!Files.isRegularFile(file)) {
            throw new DatasetNotFoundException("CIFAR-100 folder " + dir + " has no " + split + " file: looked for "
                    + file + "; " + HOW_TO_GET);
        }
        Path names = dir.resolve(labels.cliName() + "_label_names.txt");
        return read(file, split, labels, Files.isRegularFile(names) ? names : null);
    }

    /**
     * Reads a CIFAR-100 binary file.
     *
     * @param file a {@code .bin} file of whole {@value #RECORD_BYTES}-byte records
     * @param split the split's name, such as {@code "train"}
     * @param labels which labels to read
     * @param labelNamesFile a file of one class name a line, as many as {@code labels} has classes
     *     (blank lines are ignored); {@code null} for none
     * @return the split
     * @throws DatasetNotFoundException if {@code file} does not exist
     * @throws DataException if it is empty, is not a whole number of records, is too large for one
     *     array, holds a fine label {@code >= 100} or a coarse label {@code >= 20}, cannot be read, or
     *     if the label names file does not hold one name per class
     */
    public static Cifar100Dataset read(Path file, String split, CifarLabels labels, Path labelNamesFile) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(split, "split");
        Objects.requireNonNull(labels, "labels");
        if (!Files.isRegularFile(file)) {
            throw new DatasetNotFoundException("CIFAR-100 file " + file + " does not exist; " + HOW_TO_GET);
        }
        long length;
        try {
            length = Files.size(file);
        } catch (IOException e) {
            throw new DataException("could not read CIFAR-100 file " + file + ": " + e.getMessage(), e);
        }
        if (length == 0) {
            throw new DataException("CIFAR-100 file " + file + " is empty; it must hold at least one "
                    + RECORD_BYTES + "-byte record");
        }
        long whole = length / RECORD_BYTES;
        if (length % RECORD_BYTES != 0) {
            throw new DataException("CIFAR-100 file " + file + " is " + length + " bytes, not a whole number of "
                    + RECORD_BYTES + "-byte records: record " + whole + " is cut short after "
                    + length % RECORD_BYTES + " bytes");
        }
        if (whole * PIXEL_BYTES > Integer.MAX_VALUE - 8) {
            throw new DataException("CIFAR-100 file " + file + " holds " + whole + " records, more than one split"
                    + " can hold in memory (at most " + (Integer.MAX_VALUE - 8) / PIXEL_BYTES + ")");
        }
        int count = (int) whole;
        byte[] pixels = new byte[count * PIXEL_BYTES];
        byte[] chosen = new byte[count];
        byte[] pair = new byte[2];
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            for (int i = 0; i < count; i++) {
                readFully(in, pair, 0, 2);
                int coarse = pair[0] & 0xff;
                int fine = pair[1] & 0xff;
                requireInRange(file, i, count, CifarLabels.COARSE, coarse);
                requireInRange(file, i, count, CifarLabels.FINE, fine);
                chosen[i] = labels == CifarLabels.FINE ? pair[1] : pair[0];
                readFully(in, pixels, i * PIXEL_BYTES, PIXEL_BYTES);
            }
        } catch (EOFException e) {
            throw new DataException("CIFAR-100 file " + file + " ended before its " + count + " records were read;"
                    + " was it changed while being read?", e);
        } catch (IOException e) {
            throw new DataException("could not read CIFAR-100 file " + file + ": " + e.getMessage(), e);
        }
        List<String> names = labelNamesFile == null ? null : readLabelNames(labelNamesFile, labels);
        return new Cifar100Dataset(file, split, labels, count, pixels, chosen, names);
    }

    private static void requireInRange(Path file, int record, int count, CifarLabels kind, int label) {
        if (label >= kind.numClasses()) {
            throw new DataException("CIFAR-100 file " + file + " record " + record + " (of " + count + ") has "
                    + kind.cliName() + " label " + label + " but " + kind.cliName() + " labels must be in [0, "
                    + kind.numClasses() + ")");
        }
    }

    private static void readFully(InputStream in, byte[] dst, int offset, int length) throws IOException {
        int done = 0;
        while (done < length) {
            int n = in.read(dst, offset + done, length - done);
            if (n < 0) {
                throw new EOFException();
            }
            done += n;
        }
    }

    private static List<String> readLabelNames(Path file, CifarLabels labels) {
        List<String> names = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    names.add(line.strip());
                }
            }
        } catch (IOException e) {
            throw new DataException("could not read CIFAR-100 label names " + file + ": " + e.getMessage(), e);
        }
        if (names.size() != labels.numClasses()) {
            throw new DataException("CIFAR-100 label names file " + file + " holds " + names.size() + " names but"
                    + " must hold one a line for each of the " + labels.numClasses() + " " + labels.cliName()
                    + " classes");
        }
        return List.copyOf(names);
    }

    /** @return {@code train} or {@code test} for the files of {@link #readSplit}, else the name given */
    @Override
    public String name() {
        return name;
    }

    /** @return {@code "cifar100:"} and the absolute folder of the file */
    @Override
    public String location() {
        Path folder = file.toAbsolutePath().getParent();
        return SourceSpec.Kind.CIFAR100.prefix() + ":" + (folder == null ? file : folder);
    }

    /** @return the number of records, {@code >= 1} */
    @Override
    public int size() {
        return size;
    }

    /** @return {@link #SHAPE}: {@code 3 x 32 x 32} */
    @Override
    public Shape shape() {
        return SHAPE;
    }

    /** @return 100 for fine labels, 20 for coarse ones, whatever labels occur */
    @Override
    public int numClasses() {
        return which.numClasses();
    }

    /** @return which of the two labels this split reads */
    public CifarLabels labelKind() {
        return which;
    }

    /**
     * @param index the record's index in the file, {@code [0, size)}
     * @return its fine or coarse label
     */
    @Override
    public int label(int index) {
        Objects.checkIndex(index, size);
        return labels[index];
    }

    @Override
    public int[] labels() {
        int[] result = new int[size];
        for (int i = 0; i < size; i++) {
            result[i] = labels[i];
        }
        return result;
    }

    /**
     * Copies one record's 3072 pixel bytes, red then green then blue plane; does not allocate.
     *
     * @param index the record's index in the file, {@code [0, size)}
     * @param dst where to write 3072 bytes
     * @param dstOffset the first byte written in {@code dst}
     */
    @Override
    public void copyPixels(int index, byte[] dst, int dstOffset) {
        Objects.checkIndex(index, size);
        Objects.checkFromIndexSize(dstOffset, PIXEL_BYTES, dst.length);
        System.arraycopy(pixels, index * PIXEL_BYTES, dst, dstOffset, PIXEL_BYTES);
    }

    @Override
    public Example example(int index, StreamPosition position) {
        Objects.checkIndex(index, size);
        byte[] copy = new byte[PIXEL_BYTES];
        copyPixels(index, copy, 0);
        return new Example(index, labels[index], SHAPE, copy, position);
    }

    /** @return the names of the classes read, from the folder's {@code *_label_names.txt}; empty without one */
    @Override
    public Optional<List<String>> labelNames() {
        return Optional.ofNullable(labelNames);
    }

    /** @return the file this split was read from */
    public Path file() {
        return file;
    }

    @Override
    public String toString() {
        return "Cifar100Dataset[" + file + ", " + size + " examples, " + which.cliName() + " labels]";
    }
}
