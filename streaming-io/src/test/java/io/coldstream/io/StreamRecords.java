package io.coldstream.io;

import io.coldstream.core.Example;
import io.coldstream.core.Shape;
import io.coldstream.core.StreamPosition;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import javax.imageio.ImageIO;

/** Builds stream records field by field (valid or deliberately broken) and real PNG/JPEG images. */
final class StreamRecords {

    static final StreamPosition NOWHERE = new StreamPosition("test", 0);

    private StreamRecords() {
    }

    /** A record header, every field as given; {@code id == null} writes no id field (whatever the flags say). */
    static ByteBuffer header(int capacity, int magic, int version, int kind, int flags, int elementType, int label,
            Long id) {
        ByteBuffer b = ByteBuffer.allocate(capacity);
        b.putInt(magic).put((byte) version).put((byte) kind).put((byte) flags).put((byte) elementType).putInt(label);
        if (id != null) {
            b.putLong(id);
        }
        return b;
    }

    /** A uint8 tensor record without an id, every field as given. */
    static byte[] uint8(int label, int c, int h, int w, byte[] payload) {
        ByteBuffer b = header(12 + 12 + payload.length, ExampleCodec.MAGIC, 1, 0, 0, 0, label, null);
        b.putInt(c).putInt(h).putInt(w).put(payload);
        return b.array();
    }

    /** A float32 tensor record with an id, every field as given. */
    static byte[] float32(long id, int label, int c, int h, int w, float... values) {
        ByteBuffer b = header(20 + 12 + 4 * values.length, ExampleCodec.MAGIC, 1, 0, 1, 1, label, id);
        b.putInt(c).putInt(h).putInt(w);
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }

    /** An image record with an id and a declared length that may differ from the bytes' length. */
    static byte[] image(long id, int label, int declaredLength, byte[] imageBytes) {
        ByteBuffer b = header(20 + 4 + imageBytes.length, ExampleCodec.MAGIC, 1, 1, 1, 0, label, id);
        b.putInt(declaredLength).put(imageBytes);
        return b.array();
    }

    static byte[] concat(byte[] a, byte... b) {
        byte[] result = new byte[a.length + b.length];
        System.arraycopy(a, 0, result, 0, a.length);
        System.arraycopy(b, 0, result, a.length, b.length);
        return result;
    }

    /** Pixels that differ between examples: {@code (seed * 31 + i * 7) mod 256}. */
    static byte[] pixels(int seed, int length) {
        byte[] pixels = new byte[length];
        for (int i = 0; i < length; i++) {
            pixels[i] = (byte) (seed * 31 + i * 7);
        }
        return pixels;
    }

    static Example example(long id, int label, Shape shape) {
        return new Example(id, label, shape, pixels((int) id, shape.elementCount()), NOWHERE);
    }

    /** A grey image whose pixel (x, y) is {@code (x * 9 + y * 5) mod 256}. */
    static BufferedImage grey(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.getRaster().setSample(x, y, 0, (x * 9 + y * 5) & 0xff);
            }
        }
        return image;
    }

    /** A smooth colour image: red grows with x, green with y, blue is constant. */
    static BufferedImage colour(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, (red(x, width) << 16) | (green(y, height) << 8) | BLUE);
            }
        }
        return image;
    }

    static final int BLUE = 100;

    static int red(int x, int width) {
        return x * 255 / Math.max(1, width - 1);
    }

    static int green(int y, int height) {
        return y * 255 / Math.max(1, height - 1);
    }

    static byte[] encoded(BufferedImage image, String format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalStateException("no ImageIO writer for " + format);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
