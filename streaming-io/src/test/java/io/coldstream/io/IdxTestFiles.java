package io.coldstream.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Writes IDX files in the real format, plain or gzipped, valid or deliberately broken. */
final class IdxTestFiles {

    private IdxTestFiles() {
    }

    /** The bytes of an IDX file: the magic number, the dimensions, then the payload as given. */
    static byte[] idx(int magic, int[] dims, byte[] payload) {
        ByteBuffer buffer = ByteBuffer.allocate(4 + 4 * dims.length + payload.length);
        buffer.putInt(magic);
        for (int dim : dims) {
            buffer.putInt(dim);
        }
        buffer.put(payload);
        return buffer.array();
    }

    static byte[] images(int count, int rows, int cols, byte[] pixels) {
        return idx(0x00000803, new int[] {count, rows, cols}, pixels);
    }

    static byte[] labels(byte[] labels) {
        return idx(0x00000801, new int[] {labels.length}, labels);
    }

    static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static Path write(Path file, byte[] bytes) {
        try {
            return Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Pixels {@code (i * 7 + 3) mod 256}, a pattern that differs between examples. */
    static byte[] pattern(int length) {
        byte[] pixels = new byte[length];
        for (int i = 0; i < length; i++) {
            pixels[i] = (byte) (i * 7 + 3);
        }
        return pixels;
    }

    /** @return bytes this thread has allocated so far (the first call of a JVM allocates a little itself) */
    static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean())
                .getThreadAllocatedBytes(Thread.currentThread().getId());
    }
}
