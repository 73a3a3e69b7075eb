package io.coldstream.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes files of the CIFAR-100 binary version for tests: records of
 * {@code <coarse label><fine label><3072 pixel bytes: 1024 red, 1024 green, 1024 blue>}, valid or
 * deliberately broken. Stateless; any thread.
 */
public final class CifarFiles {

    /** The pixel bytes of one record: 3 planes of 32x32. */
    public static final int PIXEL_BYTES = 3 * 32 * 32;
    /** The bytes of one record: the two labels and the pixels. */
    public static final int RECORD_BYTES = 2 + PIXEL_BYTES;

    private CifarFiles() {
    }

    /**
     * @param coarse each record's coarse label, as a byte (any value, to write broken files)
     * @param fine each record's fine label; as many as {@code coarse}
     * @param pixels {@code coarse.length * 3072} bytes, record after record
     * @return the bytes of a CIFAR-100 binary file
     */
    public static byte[] records(int[] coarse, int[] fine, byte[] pixels) {
        if (coarse.length != fine.length) {
            throw new IllegalArgumentException(coarse.length + " coarse labels but " + fine.length + " fine ones");
        }
        if (pixels.length != coarse.length * PIXEL_BYTES) {
            throw new IllegalArgumentException(coarse.length + " records need " + coarse.length * PIXEL_BYTES
                    + " bytes of pixels but " + pixels.length + " were given");
        }
        byte[] out = new byte[coarse.length * RECORD_BYTES];
        for (int i = 0; i < coarse.length; i++) {
            out[i * RECORD_BYTES] = (byte) coarse[i];
            out[i * RECORD_BYTES + 1] = (byte) fine[i];
            System.arraycopy(pixels, i * PIXEL_BYTES, out, i * RECORD_BYTES + 2, PIXEL_BYTES);
        }
        return out;
    }

    /**
     * Writes {@code <dir>/<split>.bin}.
     *
     * @param dir the folder; created if needed
     * @param split {@code train} or {@code test}
     * @param coarse each record's coarse label
     * @param fine each record's fine label
     * @param pixels {@code coarse.length * 3072} bytes, record after record
     * @return {@code dir}
     */
    public static Path writeSplit(Path dir, String split, int[] coarse, int[] fine, byte[] pixels) {
        createDirectories(dir);
        IdxFiles.write(dir.resolve(split + ".bin"), records(coarse, fine, pixels));
        return dir;
    }

    /**
     * Writes a split whose pixels are {@link IdxFiles#pattern}, coarse label {@code fine / 5}.
     *
     * @param dir the folder; created if needed
     * @param split {@code train} or {@code test}
     * @param fine each record's fine label, {@code [0, 100)}
     * @return {@code dir}
     */
    public static Path writeSplit(Path dir, String split, int... fine) {
        int[] coarse = new int[fine.length];
        for (int i = 0; i < fine.length; i++) {
            coarse[i] = fine[i] / 5;
        }
        return writeSplit(dir, split, coarse, fine, IdxFiles.pattern(fine.length * PIXEL_BYTES));
    }

    /**
     * Writes {@code <dir>/fine_label_names.txt} or {@code coarse_label_names.txt}, one name a line.
     *
     * @param dir the folder; created if needed
     * @param kind {@code fine} or {@code coarse}
     * @param names the names, in label order
     * @return the file
     */
    public static Path writeLabelNames(Path dir, String kind, List<String> names) {
        createDirectories(dir);
        try {
            return Files.write(dir.resolve(kind + "_label_names.txt"), names, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
