package io.coldstream.testkit;

import io.coldstream.core.Shape;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Writes IDX files (the MNIST / Fashion-MNIST format) for tests: in the real format, plain or
 * gzipped, valid or deliberately broken; and reads the first images of a real one
 * ({@link #firstImages}). Big-endian, as the format requires. Stateless; any thread.
 */
public final class IdxFiles {

    /** The magic number of an unsigned-byte IDX file of rank 3 (images). */
    public static final int IMAGES_MAGIC = 0x00000803;
    /** The magic number of an unsigned-byte IDX file of rank 1 (labels). */
    public static final int LABELS_MAGIC = 0x00000801;

    private IdxFiles() {
    }

    /**
     * @param magic the first four bytes, such as {@link #IMAGES_MAGIC}
     * @param dims the dimensions as declared, each written as an int32, whatever they are
     * @param payload the bytes after the header, as given (they need not match {@code dims})
     * @return the bytes of an IDX file: the magic number, the dimensions, then the payload
     */
    public static byte[] idx(int magic, int[] dims, byte[] payload) {
        ByteBuffer buffer = ByteBuffer.allocate(4 + 4 * dims.length + payload.length);
        buffer.putInt(magic);
        for (int dim : dims) {
            buffer.putInt(dim);
        }
        buffer.put(payload);
        return buffer.array();
    }

    /**
     * @param count the number of images declared
     * @param rows rows per image declared
     * @param cols columns per image declared
     * @param pixels the payload, {@code count * rows * cols} bytes for a valid file
     * @return the bytes of an images file
     */
    public static byte[] images(int count, int rows, int cols, byte[] pixels) {
        return idx(IMAGES_MAGIC, new int[] {count, rows, cols}, pixels);
    }

    /**
     * @param labels one byte per example
     * @return the bytes of a labels file
     */
    public static byte[] labels(byte[] labels) {
        return idx(LABELS_MAGIC, new int[] {labels.length}, labels);
    }

    /**
     * @param bytes any bytes
     * @return them gzip-compressed
     */
    public static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * @param file where to write; replaced if it exists
     * @param bytes what to write
     * @return {@code file}
     */
    public static Path write(Path file, byte[] bytes) {
        try {
            return Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes one split of an IDX folder: {@code <dir>/<split>-images-idx3-ubyte} and
     * {@code <dir>/<split>-labels-idx1-ubyte}, plain.
     *
     * @param dir the folder; created if needed
     * @param split such as {@code train} or {@code t10k}
     * @param shape the shape of one example; its channel count must be 1 (IDX images are grey)
     * @param labels one byte per example
     * @param pixels {@code labels.length * shape.elementCount()} bytes, example after example
     * @return {@code dir}
     */
    public static Path writeSplit(Path dir, String split, Shape shape, byte[] labels, byte[] pixels) {
        if (shape.channels() != 1) {
            throw new IllegalArgumentException("IDX images have 1 channel but the shape was " + shape);
        }
        if (pixels.length != labels.length * shape.elementCount()) {
            throw new IllegalArgumentException(labels.length + " examples of " + shape + " need "
                    + labels.length * shape.elementCount() + " bytes of pixels but " + pixels.length + " were given");
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        write(dir.resolve(split + "-images-idx3-ubyte"), images(labels.length, shape.height(), shape.width(), pixels));
        write(dir.resolve(split + "-labels-idx1-ubyte"), labels(labels));
        return dir;
    }

    /**
     * Writes a dataset folder a trainer reads as {@code idx:DIR}: a {@code train} and a {@code t10k}
     * split, each of {@link #pattern} pixels.
     *
     * @param dir the folder, created if absent
     * @param shape one channel
     * @param trainLabels one byte per training example
     * @param testLabels one byte per test example
     * @return {@code dir}
     */
    public static Path writeTrainAndTest(Path dir, Shape shape, byte[] trainLabels, byte[] testLabels) {
        writeSplit(dir, "train", shape, trainLabels, pattern(trainLabels.length * shape.elementCount()));
        return writeSplit(dir, "t10k", shape, testLabels, pattern(testLabels.length * shape.elementCount()));
    }

    /**
     * @param length how many bytes
     * @return bytes {@code (i * 7 + 3) mod 256}, a pattern that differs between neighbouring examples
     */
    public static byte[] pattern(int length) {
        byte[] pixels = new byte[length];
        for (int i = 0; i < length; i++) {
            pixels[i] = (byte) (i * 7 + 3);
        }
        return pixels;
    }

    /** The Debian package's Fashion-MNIST test images (package {@code dataset-fashion-mnist}). */
    public static final Path FASHION_MNIST_TEST_IMAGES = Path.of(
            "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz");

    /**
     * @param file a gzipped IDX images file, such as {@link #FASHION_MNIST_TEST_IMAGES}
     * @param count how many images to read from its start
     * @return their pixels, one image after another
     * @throws UncheckedIOException if the file cannot be read, naming the Debian package for the default one
     */
    public static byte[] firstImages(Path file, int count) {
        try (java.io.DataInputStream in = new java.io.DataInputStream(new GZIPInputStream(Files.newInputStream(file)))) {
            if (in.readInt() != IMAGES_MAGIC) {
                throw new IOException(file + " is not an IDX images file");
            }
            int n = in.readInt();
            int pixels = in.readInt() * in.readInt();
            byte[] out = new byte[Math.min(n, count) * pixels];
            in.readFully(out);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file + " (for Fashion-MNIST: apt-get install "
                    + "dataset-fashion-mnist): " + e.getMessage(), e);
        }
    }
}
