package io.coldstream.replay;

import io.coldstream.core.ConfigurationException;
import io.coldstream.core.Shape;
import java.nio.ByteBuffer;
import java.util.Locale;

/**
 * How a {@link ReplayBuffer} stores an entry's uint8 pixels. Every codec here has a fixed stored
 * size per shape ({@link #storedBytes(Shape)}), so the buffer keeps its entries in equal slots and
 * its budget counts the stored (compressed) size exactly: a codec that stores fewer bytes holds
 * more entries in the same budget. Written in configuration and on the command line as its
 * {@link #cliName()}. The codec is independent of the {@link EvictionPolicy}: any pair works.
 *
 * <p>Encoding and decoding write into the arrays and buffers given and never allocate.
 * Reconstruction error, per pixel value in {@code [0, 255]}, is at most {@link #maxAbsError()} for
 * the quantizers; {@link #DOWNSAMPLED} has the block bound documented on it.
 */
public enum ReplayCodec {

    /** Today's behaviour: one uint8 byte per value, stored as given; decoding is exact. */
    RAW("raw", 0, 0) {
        @Override
        int storedBytes(Shape shape) {
            return shape.elementCount();
        }

        @Override
        void encode(byte[] pixels, ByteBuffer target, int at, Shape shape) {
            target.put(at, pixels, 0, shape.elementCount());
        }

        @Override
        void decode(ByteBuffer source, int at, byte[] out, int offset, Shape shape) {
            source.get(at, out, offset, shape.elementCount());
        }
    },

    /**
     * 4 bits per value, two values a byte (half of raw's bytes): {@code q =
     * round(v * 15 / 255)}, restored as {@code q * 17}. Error at most 8 per value.
     */
    QUANTIZED("quantized", 4, 8),

    /** 2 bits per value (a quarter of raw): levels 0, 85, 170, 255. Error at most 42 per value. */
    QUANTIZED_2("quantized-2", 2, 42),

    /** 6 bits per value (three quarters of raw): 64 levels. Error at most 2 per value. */
    QUANTIZED_6("quantized-6", 6, 2),

    /**
     * Stored at half the resolution in each spatial dimension (a quarter of raw's bytes for even
     * sides): each channel's 2x2 block (smaller at an odd edge) is stored as the rounded mean of its
     * values and restored by repeating it over the block (nearest neighbour). Bound: every restored
     * value lies within {@code [min, max]} of its block, so its error is at most the block's range
     * {@code max - min}, and the restored block's mean is within 0.5 of the original block's mean.
     * A flat block is restored exactly.
     */
    DOWNSAMPLED("downsampled", 0, 255) {
        @Override
        int storedBytes(Shape shape) {
            return shape.channels() * ((shape.height() + 1) / 2) * ((shape.width() + 1) / 2);
        }

        @Override
        void encode(byte[] pixels, ByteBuffer target, int at, Shape shape) {
            int h = shape.height();
            int w = shape.width();
            int h2 = (h + 1) / 2;
            int w2 = (w + 1) / 2;
            int out = at;
            for (int c = 0; c < shape.channels(); c++) {
                int plane = c * h * w;
                for (int by = 0; by < h2; by++) {
                    for (int bx = 0; bx < w2; bx++) {
                        target.put(out++, (byte) blockMean(pixels, plane, h, w, by, bx));
                    }
                }
            }
        }

        @Override
        void decode(ByteBuffer source, int at, byte[] out, int offset, Shape shape) {
            int h = shape.height();
            int w = shape.width();
            int w2 = (w + 1) / 2;
            int h2 = (h + 1) / 2;
            for (int c = 0; c < shape.channels(); c++) {
                int plane = offset + c * h * w;
                int stored = at + c * h2 * w2;
                for (int y = 0; y < h; y++) {
                    int row = stored + (y >> 1) * w2;
                    int o = plane + y * w;
                    for (int x = 0; x < w; x++) {
                        out[o + x] = source.get(row + (x >> 1));
                    }
                }
            }
        }
    },

    /**
     * {@link #DOWNSAMPLED} and then {@link #QUANTIZED}: each 2x2 block's rounded mean stored in 4
     * bits, two blocks a byte (an eighth of raw's bytes for even sides). Bound: every restored
     * value lies within {@code [min - 8, max + 8]} of its block, and the restored block's mean is
     * within 8.5 of the original block's mean.
     */
    DOWNSAMPLED_QUANTIZED("downsampled-quantized", 0, 255) {
        @Override
        int storedBytes(Shape shape) {
            long blocks = (long) shape.channels() * ((shape.height() + 1) / 2) * ((shape.width() + 1) / 2);
            return (int) ((blocks + 1) / 2);
        }

        @Override
        void encode(byte[] pixels, ByteBuffer target, int at, Shape shape) {
            int h = shape.height();
            int w = shape.width();
            int h2 = (h + 1) / 2;
            int w2 = (w + 1) / 2;
            int block = 0;
            int high = 0;
            for (int c = 0; c < shape.channels(); c++) {
                int plane = c * h * w;
                for (int by = 0; by < h2; by++) {
                    for (int bx = 0; bx < w2; bx++) {
                        int q = (blockMean(pixels, plane, h, w, by, bx) * 15 + 127) / 255;
                        if ((block & 1) == 0) {
                            high = q << 4;
                        } else {
                            target.put(at + (block >> 1), (byte) (high | q));
                        }
                        block++;
                    }
                }
            }
            if ((block & 1) == 1) {
                target.put(at + (block >> 1), (byte) high);
            }
        }

        @Override
        void decode(ByteBuffer source, int at, byte[] out, int offset, Shape shape) {
            int h = shape.height();
            int w = shape.width();
            int w2 = (w + 1) / 2;
            int h2 = (h + 1) / 2;
            for (int c = 0; c < shape.channels(); c++) {
                int plane = offset + c * h * w;
                int first = c * h2 * w2;
                for (int y = 0; y < h; y++) {
                    int row = first + (y >> 1) * w2;
                    int o = plane + y * w;
                    for (int x = 0; x < w; x++) {
                        int b = row + (x >> 1);
                        int packed = source.get(at + (b >> 1));
                        int q = (b & 1) == 0 ? (packed >> 4) & 0x0f : packed & 0x0f;
                        out[o + x] = (byte) (q * 17);
                    }
                }
            }
        }
    },

    /**
     * Each channel plane as a baseline greyscale JPEG (ImageIO), only its entropy-coded data kept
     * (the header, the same for every plane of one size and quality, is rebuilt to decode), in a slot
     * of {@code 1 + 2 * channels + ceil(n / 4)} bytes: about as many entries as {@link #QUANTIZED_2}
     * and {@link #DOWNSAMPLED}, each at the best quality of 90, 75, 60, 50, 40, 30, 20 at which it fits.
     * An entry that fits at none (noise, or an image too small for JPEG's 8x8 blocks) is stored as
     * {@link #DOWNSAMPLED_QUANTIZED}. Bound, measured rather than derived: every restored 8x8 block
     * (smaller at an edge) has a mean within {@value JpegCodec#MAX_BLOCK_MEAN_ERROR} of the original
     * block's (JPEG keeps a block's mean in its DC coefficient, but clamping moves it; the worst of
     * the 10,000 Fashion-MNIST test images was 12). On those images the mean error per value is 6.6
     * (quantized-2, in the same bytes: 10.7), most entries at quality 30 to 75, 0.1% fallbacks. For a 28x28 image, encoding
     * tries about 4 qualities (0.07-0.13 ms, 157 KB allocated by ImageIO) and decoding takes 10-30 us
     * (0.9 KB allocated): unlike the other codecs, this one is not allocation-free.
     */
    JPEG("jpeg", 0, 255) {
        @Override
        int storedBytes(Shape shape) {
            return JpegCodec.storedBytes(shape);
        }

        @Override
        void encode(byte[] pixels, ByteBuffer target, int at, Shape shape) {
            JpegCodec.encode(pixels, target, at, shape);
        }

        @Override
        void decode(ByteBuffer source, int at, byte[] out, int offset, Shape shape) {
            JpegCodec.decode(source, at, out, offset, shape);
        }
    };

    private final String cliName;
    private final int bits;
    private final int maxAbsError;

    ReplayCodec(String cliName, int bits, int maxAbsError) {
        this.cliName = cliName;
        this.bits = bits;
        this.maxAbsError = maxAbsError;
    }

    /**
     * @param text a codec's {@link #cliName()}, any case, surrounding blanks ignored
     * @return the codec
     * @throws ConfigurationException naming the value and the allowed ones if it is none of them
     */
    public static ReplayCodec parse(String text) {
        if (text != null) {
            String wanted = text.strip().toLowerCase(Locale.ROOT);
            for (ReplayCodec codec : values()) {
                if (codec.cliName.equals(wanted)) {
                    return codec;
                }
            }
        }
        StringBuilder allowed = new StringBuilder();
        for (ReplayCodec codec : values()) {
            if (allowed.length() > 0) {
                allowed.append(", ");
            }
            allowed.append(codec.cliName);
        }
        String shown = text == null ? "missing" : "'" + text + "'";
        throw new ConfigurationException("replay.codec was " + shown + " but it must be one of: " + allowed);
    }

    /** @return the name used in configuration files, on the command line and in saved states */
    public String cliName() {
        return cliName;
    }

    /**
     * @return the largest difference between a value and its decoded value, over every value in
     *     {@code [0, 255]}: 0 for {@link #RAW}; for the downsampling codecs 255, because their
     *     bound depends on the neighbours (see there)
     */
    public int maxAbsError() {
        return maxAbsError;
    }

    /**
     * @return whether encoding and decoding allocate nothing on the heap: true for all but
     *     {@link #JPEG}, whose ImageIO encoder and decoder allocate (157 KB an offer, 0.9 KB a
     *     sampled entry for 28x28)
     */
    public boolean allocationFree() {
        return this != JPEG;
    }

    /**
     * @param shape the example shape
     * @return the bytes one entry of that shape takes in storage with this codec
     */
    public long payloadBytes(Shape shape) {
        return storedBytes(shape);
    }

    /** Stored bytes per entry; the quantizers pack values MSB first, {@code ceil(n * bits / 8)} bytes. */
    int storedBytes(Shape shape) {
        return (int) (((long) shape.elementCount() * bits + 7) / 8);
    }

    /** Writes the stored form of {@code pixels[0, shape.elementCount())} to {@code target[at, at + storedBytes)}. */
    void encode(byte[] pixels, ByteBuffer target, int at, Shape shape) {
        int levels = (1 << bits) - 1;
        int n = shape.elementCount();
        int out = at;
        int acc = 0;
        int held = 0;
        for (int i = 0; i < n; i++) {
            int q = ((pixels[i] & 0xff) * levels + 127) / 255;
            acc = (acc << bits) | q;
            held += bits;
            if (held >= 8) {
                held -= 8;
                target.put(out++, (byte) (acc >>> held));
                acc &= (1 << held) - 1;
            }
        }
        if (held > 0) {
            target.put(out, (byte) (acc << (8 - held)));
        }
    }

    /** Restores the values stored at {@code source[at, at + storedBytes)} into {@code out[offset, offset + n)}. */
    void decode(ByteBuffer source, int at, byte[] out, int offset, Shape shape) {
        int levels = (1 << bits) - 1;
        int mask = levels;
        int n = shape.elementCount();
        int in = at;
        int acc = 0;
        int held = 0;
        for (int i = 0; i < n; i++) {
            if (held < bits) {
                acc = (acc << 8) | (source.get(in++) & 0xff);
                held += 8;
            }
            held -= bits;
            int q = (acc >>> held) & mask;
            acc &= (1 << held) - 1;
            out[offset + i] = (byte) ((q * 255 + levels / 2) / levels);
        }
    }

    /**
     * The rounded mean of the 2x2 block {@code (by, bx)} of one channel plane (a 1-wide or 1-high block
     * at an odd edge), the value both downsampling codecs store.
     */
    private static int blockMean(byte[] pixels, int plane, int h, int w, int by, int bx) {
        int y0 = 2 * by;
        int y1 = Math.min(y0 + 1, h - 1);
        int x0 = 2 * bx;
        int x1 = Math.min(x0 + 1, w - 1);
        int n = (y1 - y0 + 1) * (x1 - x0 + 1);
        int sum = 0;
        for (int y = y0; y <= y1; y++) {
            for (int x = x0; x <= x1; x++) {
                sum += pixels[plane + y * w + x] & 0xff;
            }
        }
        return (sum + n / 2) / n;
    }
}
