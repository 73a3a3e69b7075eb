package io.coldstream.replay;

import io.coldstream.core.Shape;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.plugins.jpeg.JPEGImageWriteParam;
import javax.imageio.stream.ImageInputStreamImpl;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * {@link ReplayCodec#JPEG}: each channel plane as a baseline greyscale JPEG through the JDK's
 * ImageIO, in a fixed slot of a quarter of raw's bytes plus a small header, at the best quality of
 * {@link #QUALITIES} at which the whole entry fits; an entry that fits at none (noise) is stored as
 * {@link ReplayCodec#DOWNSAMPLED_QUANTIZED} instead.
 *
 * <p>Only the entropy-coded data is stored: with the standard Huffman tables and the IJG
 * quantisation tables scaled to a quality, every plane of one size and quality has the same JPEG
 * header (markers up to the end of the start-of-scan segment), so the header is built once per
 * size and quality and put back in front of the data to decode. For 28x28 that header is 328
 * bytes, more than the data (about 190 bytes at quality 50), which is what makes JPEG pay on small
 * images at all.
 *
 * <p>Slot layout: one byte, the index into {@link #QUALITIES} or {@link #FALLBACK}; for a JPEG
 * entry, each plane's data length as an unsigned 16-bit big-endian value, then the planes' data;
 * for a fallback entry, the downsampled-quantized form. Unused slot bytes are zero.
 *
 * <p>The writer, reader, images and buffers are kept per thread and reused; ImageIO itself still
 * allocates on every encode and decode (157 KB an offer, 0.9 KB a decoded 28x28 entry), so this
 * codec, unlike the others, is not allocation-free.
 */
final class JpegCodec {

    /** The qualities tried, best first; an entry takes the best at which it fits. */
    static final int[] QUALITIES = {90, 75, 60, 50, 40, 30, 20};
    /**
     * The most a restored 8x8 block's mean (smaller at an edge) may differ from the original's. Not a
     * derived bound: the DC step at quality 20 alone allows 2.5, but clamping the restored values to
     * [0, 255] shifts the mean of high-contrast blocks further; over the 10,000 Fashion-MNIST test
     * images the worst block was 12 off. The fallback's own bound, 8.5, lies within it.
     */
    static final int MAX_BLOCK_MEAN_ERROR = 16;
    /** The first byte of an entry stored as {@link ReplayCodec#DOWNSAMPLED_QUANTIZED}. */
    static final int FALLBACK = 0xff;

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private JpegCodec() {
    }

    static int storedBytes(Shape shape) {
        return 1 + 2 * shape.channels() + (shape.elementCount() + 3) / 4;
    }

    static void encode(byte[] pixels, ByteBuffer target, int at, Shape shape) {
        Scratch s = SCRATCH.get().forSize(shape.height(), shape.width());
        int slot = storedBytes(shape);
        int lo = 0;
        int hi = QUALITIES.length - 1;
        if (!s.encodeAll(pixels, shape, hi, slot)) {
            for (int i = at; i < at + slot; i++) {
                target.put(i, (byte) 0);
            }
            target.put(at, (byte) FALLBACK);
            ReplayCodec.DOWNSAMPLED_QUANTIZED.encode(pixels, target, at + 1, shape);
            return;
        }
        int encodedAt = hi; // the quality the planes hold now
        while (lo < hi) { // the best quality that fits; the path depends on the image only
            int mid = (lo + hi) >>> 1;
            encodedAt = mid;
            if (s.encodeAll(pixels, shape, mid, slot)) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        if (encodedAt != lo) { // the last try did not fit: encode again at the one that did
            s.encodeAll(pixels, shape, lo, slot);
        }
        target.put(at, (byte) lo);
        int out = at + 1 + 2 * shape.channels();
        for (int c = 0; c < shape.channels(); c++) {
            int length = s.lengths[c];
            target.putShort(at + 1 + 2 * c, (short) length);
            target.put(out, s.planes[c], 0, length);
            out += length;
        }
        for (int i = out; i < at + slot; i++) {
            target.put(i, (byte) 0);
        }
    }

    static void decode(ByteBuffer source, int at, byte[] out, int offset, Shape shape) {
        int index = source.get(at) & 0xff;
        if (index == FALLBACK) {
            ReplayCodec.DOWNSAMPLED_QUANTIZED.decode(source, at + 1, out, offset, shape);
            return;
        }
        if (index >= QUALITIES.length) {
            throw new IllegalStateException("a jpeg replay entry has quality index " + index + "; the stored form is"
                    + " damaged");
        }
        Scratch s = SCRATCH.get().forSize(shape.height(), shape.width());
        int plane = shape.height() * shape.width();
        int in = at + 1 + 2 * shape.channels();
        for (int c = 0; c < shape.channels(); c++) {
            int length = source.getShort(at + 1 + 2 * c) & 0xffff;
            s.decodePlane(source, in, length, index, out, offset + c * plane);
            in += length;
        }
    }

    /** One thread's JPEG writer and reader, and the buffers and image of the last plane size. */
    private static final class Scratch {
        private final ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        private final ImageReader reader = ImageIO.getImageReadersByFormatName("jpeg").next();
        private final Bytes encoded = new Bytes();
        private final ArrayInput input = new ArrayInput();
        private final ImageReadParam readParam = reader.getDefaultReadParam();
        private final JPEGImageWriteParam[] writeParams = new JPEGImageWriteParam[QUALITIES.length];
        private int height = -1;
        private int width = -1;
        private BufferedImage image;
        private byte[] imagePixels;
        /** Per quality: the JPEG header of a plane of this size, through the start-of-scan segment. */
        private byte[][] headers;
        /** The assembled JPEG of one plane for decoding. */
        private byte[] assembled = new byte[0];
        /** The entropy-coded data of each plane at the quality last encoded. */
        byte[][] planes = new byte[0][];
        int[] lengths = new int[0];

        Scratch() {
            for (int q = 0; q < QUALITIES.length; q++) {
                JPEGImageWriteParam p = new JPEGImageWriteParam(null);
                p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                p.setCompressionQuality(QUALITIES[q] / 100f);
                p.setOptimizeHuffmanTables(false); // the standard tables, so that every header is the same
                writeParams[q] = p;
            }
        }

        Scratch forSize(int h, int w) {
            if (h != height || w != width) {
                height = h;
                width = w;
                image = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
                imagePixels = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
                readParam.setDestination(image);
                headers = new byte[QUALITIES.length][];
                for (int q = 0; q < QUALITIES.length; q++) {
                    Arrays.fill(imagePixels, (byte) 0);
                    headers[q] = Arrays.copyOf(encodeImage(q), dataStart());
                }
            }
            return this;
        }

        /**
         * Encodes every plane at quality index {@code q} into {@link #planes}.
         *
         * @return whether the entry then fits in {@code slot} bytes
         */
        boolean encodeAll(byte[] pixels, Shape shape, int q, int slot) {
            int channels = shape.channels();
            if (planes.length < channels) {
                planes = Arrays.copyOf(planes, channels);
                lengths = new int[channels];
            }
            int plane = height * width;
            int total = 1 + 2 * channels;
            for (int c = 0; c < channels; c++) {
                System.arraycopy(pixels, c * plane, imagePixels, 0, plane);
                byte[] jpeg = encodeImage(q);
                int start = dataStart();
                byte[] header = headers[q];
                if (start != header.length || !Arrays.equals(jpeg, 0, start, header, 0, start)) {
                    throw new IllegalStateException("ImageIO wrote another JPEG header for a " + height + "x" + width
                            + " plane at quality " + QUALITIES[q] + " than for a blank one; the jpeg replay codec"
                            + " relies on one header per size and quality");
                }
                int length = encoded.size() - start - 2; // without the end-of-image marker
                if (planes[c] == null || planes[c].length < length) {
                    planes[c] = new byte[Math.max(length, 64)];
                }
                System.arraycopy(jpeg, start, planes[c], 0, length);
                lengths[c] = length;
                total += length;
            }
            return total <= slot;
        }

        /** Encodes {@link #image} at quality index {@code q} into {@link #encoded}; returns its array. */
        private byte[] encodeImage(int q) {
            encoded.reset();
            try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(encoded)) {
                writer.setOutput(out);
                writer.write(null, new IIOImage(image, null, null), writeParams[q]);
            } catch (IOException e) {
                throw new UncheckedIOException("ImageIO could not encode a JPEG in memory", e);
            }
            return encoded.array();
        }

        /** @return where the entropy-coded data starts in {@link #encoded}: just after the start-of-scan segment */
        private int dataStart() {
            byte[] b = encoded.array();
            int n = encoded.size();
            int i = 2; // after the start-of-image marker
            while (i + 3 < n) {
                if ((b[i] & 0xff) != 0xff) {
                    break;
                }
                int marker = b[i + 1] & 0xff;
                int length = (b[i + 2] & 0xff) << 8 | (b[i + 3] & 0xff);
                i += 2 + length;
                if (marker == 0xda) {
                    return i;
                }
            }
            throw new IllegalStateException("ImageIO wrote a JPEG without a start-of-scan segment");
        }

        void decodePlane(ByteBuffer source, int at, int length, int q, byte[] out, int offset) {
            byte[] header = headers[q];
            int n = header.length + length + 2;
            if (assembled.length < n) {
                assembled = new byte[Math.max(n, 2 * assembled.length)];
            }
            System.arraycopy(header, 0, assembled, 0, header.length);
            source.get(at, assembled, header.length, length);
            assembled[n - 2] = (byte) 0xff;
            assembled[n - 1] = (byte) 0xd9;
            input.reset(assembled, n);
            try {
                reader.setInput(input, true, true);
                reader.read(0, readParam);
            } catch (IOException e) {
                throw new IllegalStateException("a jpeg replay entry could not be decoded: " + e.getMessage(), e);
            }
            System.arraycopy(imagePixels, 0, out, offset, height * width);
        }
    }

    /** A {@link ByteArrayOutputStream} whose array can be read in place. */
    private static final class Bytes extends ByteArrayOutputStream {
        Bytes() {
            super(1024);
        }

        byte[] array() {
            return buf;
        }
    }

    /** An image input stream over a reusable array, so that decoding does not allocate a cache. */
    private static final class ArrayInput extends ImageInputStreamImpl {
        private byte[] data = new byte[0];
        private int length;

        void reset(byte[] bytes, int n) {
            data = bytes;
            length = n;
            streamPos = 0;
            bitOffset = 0;
            flushedPos = 0;
        }

        @Override
        public int read() {
            bitOffset = 0;
            return streamPos < length ? data[(int) streamPos++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            bitOffset = 0;
            if (streamPos >= length) {
                return -1;
            }
            int n = (int) Math.min(len, length - streamPos);
            System.arraycopy(data, (int) streamPos, b, off, n);
            streamPos += n;
            return n;
        }

        @Override
        public long length() {
            return length;
        }
    }
}
