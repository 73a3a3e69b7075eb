package io.coldstream.io;

import io.coldstream.core.Example;
import io.coldstream.core.Shape;
import io.coldstream.core.StreamPosition;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Objects;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * The Coldstream stream record: one example per record, big-endian, documented byte for byte in
 * {@code streaming-io/README.md}.
 *
 * <pre>
 *  0  4 bytes  magic "CSEX" (0x43 0x53 0x45 0x58)
 *  4  uint8    version = 1
 *  5  uint8    kind: 0 = tensor, 1 = encoded image (PNG or JPEG bytes)
 *  6  uint8    flags: bit 0 = has example id; other bits must be 0
 *  7  uint8    element type: tensor: 0 = uint8, 1 = float32; image: must be 0
 *  8  int32    label
 * 12  int64    example id (only if flag bit 0)
 * then tensor: int32 channels, int32 height, int32 width, payload (c*h*w bytes, or c*h*w
 *              float32 big-endian IEEE 754 values)
 *      image:  int32 length, then that many bytes of PNG or JPEG
 * and the record ends exactly there.
 * </pre>
 *
 * <p>Decoding is strict: anything else is a {@link BadRecordException} whose
 * {@link BadRecordReason} says what broke. A record cut short anywhere is
 * {@link BadRecordReason#TRUNCATED}: every field is checked only once all its bytes are there.
 * float32 features must lie in {@code [0, 1]} and become uint8 pixels as
 * {@code round(x * 255)}. Images are decoded with {@code javax.imageio}: a grey image gives one
 * channel, a colour image three (RGB, channels first, alpha dropped), and the result must have
 * exactly the expected shape.
 *
 * <p>Immutable and thread-safe. Decoding a tensor record allocates only the returned
 * {@link Example} and its pixel array; decoding an image allocates what the image decoder needs.
 */
public final class ExampleCodec {

    /** The magic number, the bytes {@code "CSEX"} read as a big-endian int. */
    public static final int MAGIC = 0x43534558;
    /** The only format version this codec writes and reads. */
    public static final int VERSION = 1;
    /** Kind byte of a tensor record. */
    public static final int KIND_TENSOR = 0;
    /** Kind byte of an encoded-image record. */
    public static final int KIND_IMAGE = 1;
    /** Flag bit: the record carries an int64 example id after the label. */
    public static final int FLAG_HAS_ID = 1;
    /** Element type byte of a uint8 tensor (and of every image record). */
    public static final int ELEMENT_UINT8 = 0;
    /** Element type byte of a float32 tensor. */
    public static final int ELEMENT_FLOAT32 = 1;

    private static final int FIXED_HEADER = 12;
    private static final int ID_BYTES = 8;
    private static final int SHAPE_BYTES = 12;
    private static final int LENGTH_BYTES = 4;
    private static final long MAX_PAYLOAD = Integer.MAX_VALUE - 64;
    private static final byte[] MAGIC_BYTES = {0x43, 0x53, 0x45, 0x58};


    private final Shape shape;
    private final int numClasses;

    /**
     * @param expectedShape the shape every decoded example must have
     * @param numClasses labels must lie in {@code [0, numClasses)}; {@code >= 2}
     */
    public ExampleCodec(Shape expectedShape, int numClasses) {
        this.shape = Objects.requireNonNull(expectedShape, "expectedShape");
        if (numClasses < 2) {
            throw new IllegalArgumentException("numClasses was " + numClasses + " but must be >= 2");
        }
        this.numClasses = numClasses;
    }

    /** @return the shape every decoded example has */
    public Shape shape() {
        return shape;
    }

    /** @return the number of classes; decoded labels lie in {@code [0, numClasses)} */
    public int numClasses() {
        return numClasses;
    }

    // ---------------------------------------------------------------- encoding

    /**
     * @param e an example
     * @return the size in bytes of {@link #encode(Example)}'s record for it
     */
    public static int encodedLength(Example e) {
        return FIXED_HEADER + ID_BYTES + SHAPE_BYTES + e.shape().elementCount();
    }

    /**
     * Encodes an example as a uint8 tensor record that carries its id (its position is not stored).
     *
     * @param e the example
     * @return a fresh array holding the record
     */
    public static byte[] encode(Example e) {
        byte[] record = new byte[encodedLength(e)];
        encode(e, record, 0);
        return record;
    }

    /**
     * Encodes an example as a uint8 tensor record with its id into {@code dst}; does not allocate.
     *
     * @param e the example
     * @param dst where to write; needs {@link #encodedLength(Example)} bytes from {@code offset}
     * @param offset the first byte written
     * @return the number of bytes written
     */
    public static int encode(Example e, byte[] dst, int offset) {
        int length = encodedLength(e);
        Objects.checkFromIndexSize(offset, length, dst.length);
        Shape s = e.shape();
        int p = header(dst, offset, KIND_TENSOR, ELEMENT_UINT8, e.label(), true, e.id());
        p = shapeFields(dst, p, s);
        System.arraycopy(e.pixels(), 0, dst, p, s.elementCount());
        return length;
    }

    /**
     * Encodes a float32 tensor record with an id.
     *
     * @param id the example id
     * @param label the class, {@code >= 0}
     * @param shape the tensor's shape
     * @param values {@code shape.elementCount()} features, channels first; the codec accepts them
     *     on decoding only if they lie in {@code [0, 1]}, but any value is written as given
     * @return a fresh array holding the record
     */
    public static byte[] encodeFloat(long id, int label, Shape shape, float[] values) {
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(values, "values");
        requireLabel(label);
        if (values.length != shape.elementCount()) {
            throw new IllegalArgumentException("values has " + values.length + " floats but shape " + shape
                    + " needs " + shape.elementCount());
        }
        long length = FIXED_HEADER + ID_BYTES + SHAPE_BYTES + 4L * values.length;
        if (length > MAX_PAYLOAD) {
            throw new IllegalArgumentException("a float32 record of shape " + shape + " would need " + length
                    + " bytes, more than one array holds");
        }
        byte[] record = new byte[(int) length];
        int p = header(record, 0, KIND_TENSOR, ELEMENT_FLOAT32, label, true, id);
        p = shapeFields(record, p, shape);
        for (float v : values) {
            putInt(record, p, Float.floatToRawIntBits(v));
            p += 4;
        }
        return record;
    }

    /**
     * Encodes an image record with an id; the bytes are not checked here.
     *
     * @param id the example id
     * @param label the class, {@code >= 0}
     * @param pngOrJpeg the encoded image, at least one byte; copied
     * @return a fresh array holding the record
     */
    public static byte[] encodeImage(long id, int label, byte[] pngOrJpeg) {
        Objects.requireNonNull(pngOrJpeg, "pngOrJpeg");
        requireLabel(label);
        if (pngOrJpeg.length < 1) {
            throw new IllegalArgumentException("an image record needs at least one byte of image data");
        }
        if (pngOrJpeg.length > MAX_PAYLOAD) {
            throw new IllegalArgumentException("image of " + pngOrJpeg.length + " bytes is too large for one record");
        }
        byte[] record = new byte[FIXED_HEADER + ID_BYTES + LENGTH_BYTES + pngOrJpeg.length];
        int p = header(record, 0, KIND_IMAGE, ELEMENT_UINT8, label, true, id);
        putInt(record, p, pngOrJpeg.length);
        System.arraycopy(pngOrJpeg, 0, record, p + LENGTH_BYTES, pngOrJpeg.length);
        return record;
    }

    private static void requireLabel(int label) {
        if (label < 0) {
            throw new IllegalArgumentException("label was " + label + " but must be >= 0");
        }
    }

    private static int header(byte[] dst, int p, int kind, int elementType, int label, boolean hasId, long id) {
        putInt(dst, p, MAGIC);
        dst[p + 4] = (byte) VERSION;
        dst[p + 5] = (byte) kind;
        dst[p + 6] = (byte) (hasId ? FLAG_HAS_ID : 0);
        dst[p + 7] = (byte) elementType;
        putInt(dst, p + 8, label);
        if (!hasId) {
            return p + FIXED_HEADER;
        }
        putLong(dst, p + FIXED_HEADER, id);
        return p + FIXED_HEADER + ID_BYTES;
    }

    private static int shapeFields(byte[] dst, int p, Shape s) {
        putInt(dst, p, s.channels());
        putInt(dst, p + 4, s.height());
        putInt(dst, p + 8, s.width());
        return p + SHAPE_BYTES;
    }

    // ---------------------------------------------------------------- decoding

    /**
     * Decodes one record strictly.
     *
     * @param record the array holding the record
     * @param offset where the record starts
     * @param length the record's length in bytes: the record must end exactly there
     * @param position where the record sits in its stream; becomes the example's position, and its
     *     offset becomes the id of a record that carries none
     * @return the example, with a fresh pixel array of the codec's shape
     * @throws BadRecordException if the record breaks any rule of the format; never another
     *     exception for any content of {@code record}
     */
    public Example decode(byte[] record, int offset, int length, StreamPosition position) throws BadRecordException {
        Objects.requireNonNull(record, "record");
        Objects.requireNonNull(position, "position");
        Objects.checkFromIndexSize(offset, length, record.length);
        int end = offset + length;
        checkMagic(record, offset, length, position);
        need(record, offset, end, offset + 8, "header", position);
        int version = record[offset + 4] & 0xff;
        if (version != VERSION) {
            throw new BadRecordException(BadRecordReason.UNKNOWN_VERSION, position, "format version was " + version
                    + " but this reader knows only version " + VERSION);
        }
        int kind = record[offset + 5] & 0xff;
        if (kind != KIND_TENSOR && kind != KIND_IMAGE) {
            throw new BadRecordException(BadRecordReason.UNKNOWN_KIND, position, "kind was " + kind
                    + " but must be " + KIND_TENSOR + " (tensor) or " + KIND_IMAGE + " (encoded image)");
        }
        int flags = record[offset + 6] & 0xff;
        if ((flags & ~FLAG_HAS_ID) != 0) {
            throw new BadRecordException(BadRecordReason.BAD_FLAGS, position, "flags were 0x"
                    + String.format(Locale.ROOT, "%02X", flags) + " but only bit 0 (has example id) may be set");
        }
        int elementType = record[offset + 7] & 0xff;
        if (kind == KIND_TENSOR && elementType != ELEMENT_UINT8 && elementType != ELEMENT_FLOAT32) {
            throw new BadRecordException(BadRecordReason.UNKNOWN_ELEMENT_TYPE, position, "tensor element type was "
                    + elementType + " but must be " + ELEMENT_UINT8 + " (uint8) or " + ELEMENT_FLOAT32 + " (float32)");
        }
        if (kind == KIND_IMAGE && elementType != ELEMENT_UINT8) {
            throw new BadRecordException(BadRecordReason.UNKNOWN_ELEMENT_TYPE, position, "image element type was "
                    + elementType + " but must be 0 for an encoded image");
        }
        need(record, offset, end, offset + FIXED_HEADER, "label", position);
        int label = getInt(record, offset + 8);
        if (label < 0 || label >= numClasses) {
            throw new BadRecordException(BadRecordReason.LABEL_OUT_OF_RANGE, position, "label was " + label
                    + " but must be in [0, " + numClasses + ")");
        }
        int p = offset + FIXED_HEADER;
        long id = position.offset();
        if ((flags & FLAG_HAS_ID) != 0) {
            need(record, offset, end, p + ID_BYTES, "example id", position);
            id = getLong(record, p);
            p += ID_BYTES;
        }
        return kind == KIND_TENSOR
                ? decodeTensor(record, offset, end, p, elementType, id, label, position)
                : decodeImage(record, offset, end, p, id, label, position);
    }

    private static void checkMagic(byte[] record, int offset, int length, StreamPosition position) {
        int present = Math.min(length, MAGIC_BYTES.length);
        for (int i = 0; i < present; i++) {
            if (record[offset + i] != MAGIC_BYTES[i]) {
                StringBuilder seen = new StringBuilder("0x");
                for (int j = 0; j < present; j++) {
                    seen.append(String.format(Locale.ROOT, "%02X", record[offset + j] & 0xff));
                }
                throw new BadRecordException(BadRecordReason.BAD_MAGIC, position, "record starts with " + seen
                        + " but a Coldstream record starts with the magic 0x43534558 (\"CSEX\")");
            }
        }
        if (present < MAGIC_BYTES.length) {
            throw truncated(length, MAGIC_BYTES.length, "magic", position);
        }
    }

    /** Throws TRUNCATED unless the record holds every byte before {@code upTo}. */
    private static void need(byte[] record, int offset, int end, long upTo, String field, StreamPosition position) {
        if (upTo > end) {
            throw truncated(end - offset, upTo - offset, field, position);
        }
    }

    private static BadRecordException truncated(long length, long needed, String field, StreamPosition position) {
        return new BadRecordException(BadRecordReason.TRUNCATED, position, "record has " + length
                + " bytes but ends inside its " + field + ", which needs at least " + needed + " bytes");
    }

    private Example decodeTensor(byte[] record, int offset, int end, int p, int elementType, long id, int label,
            StreamPosition position) {
        need(record, offset, end, (long) p + SHAPE_BYTES, "shape", position);
        int c = getInt(record, p);
        int h = getInt(record, p + 4);
        int w = getInt(record, p + 8);
        p += SHAPE_BYTES;
        if (c < 1 || h < 1 || w < 1) {
            throw new BadRecordException(BadRecordReason.SIZE_MISMATCH, position, "shape was " + dims(c, h, w)
                    + " but every dimension must be >= 1");
        }
        int elementSize = elementType == ELEMENT_FLOAT32 ? 4 : 1;
        long payload = (long) c * h * w * elementSize;
        if (payload > MAX_PAYLOAD) {
            throw new BadRecordException(BadRecordReason.SIZE_MISMATCH, position, "shape " + dims(c, h, w) + " of "
                    + typeName(elementType) + " needs " + payload + " bytes but a record holds at most " + MAX_PAYLOAD);
        }
        if (c != shape.channels() || h != shape.height() || w != shape.width()) {
            throw new BadRecordException(BadRecordReason.SHAPE_MISMATCH, position, "shape was " + dims(c, h, w)
                    + " but this stream's examples are " + shape);
        }
        long have = end - p;
        if (have < payload) {
            throw new BadRecordException(BadRecordReason.TRUNCATED, position, "payload has " + have
                    + " bytes but shape " + dims(c, h, w) + " of " + typeName(elementType) + " needs " + payload);
        }
        if (have > payload) {
            throw new BadRecordException(BadRecordReason.TRAILING_BYTES, position, (have - payload)
                    + " bytes follow the " + payload + "-byte " + typeName(elementType) + " payload of shape "
                    + dims(c, h, w) + "; the record must end there");
        }
        int n = shape.elementCount();
        byte[] pixels;
        if (elementType == ELEMENT_UINT8) {
            pixels = new byte[n];
            System.arraycopy(record, p, pixels, 0, n);
        } else {
            pixels = floatsToPixels(record, p, n, position);
        }
        return new Example(id, label, shape, pixels, position);
    }

    /** Only for messages: building it on the good path would allocate. */
    private static String dims(int c, int h, int w) {
        return c + "x" + h + "x" + w;
    }

    private static String typeName(int elementType) {
        return elementType == ELEMENT_FLOAT32 ? "float32" : "uint8";
    }

    private static byte[] floatsToPixels(byte[] record, int p, int n, StreamPosition position) {
        // Validate first so that a bad record allocates nothing but its exception.
        for (int i = 0; i < n; i++) {
            float v = Float.intBitsToFloat(getInt(record, p + 4 * i));
            if (!Float.isFinite(v)) {
                throw new BadRecordException(BadRecordReason.NON_FINITE, position, "float32 feature " + i + " was " + v
                        + " but features must be finite numbers in [0, 1]");
            }
            if (v < 0f || v > 1f) {
                throw new BadRecordException(BadRecordReason.OUT_OF_RANGE, position, "float32 feature " + i + " was "
                        + v + " but features must lie in [0, 1]");
            }
        }
        byte[] pixels = new byte[n];
        for (int i = 0; i < n; i++) {
            pixels[i] = (byte) Math.round(Float.intBitsToFloat(getInt(record, p + 4 * i)) * 255f);
        }
        return pixels;
    }

    private Example decodeImage(byte[] record, int offset, int end, int p, long id, int label,
            StreamPosition position) {
        need(record, offset, end, (long) p + LENGTH_BYTES, "image length", position);
        int imageLength = getInt(record, p);
        p += LENGTH_BYTES;
        if (imageLength < 1) {
            throw new BadRecordException(BadRecordReason.SIZE_MISMATCH, position, "image length was " + imageLength
                    + " but must be >= 1");
        }
        long have = end - p;
        if (have < imageLength) {
            throw new BadRecordException(BadRecordReason.TRUNCATED, position, "record holds " + have
                    + " bytes of image data but its header declares " + imageLength);
        }
        if (have > imageLength) {
            throw new BadRecordException(BadRecordReason.TRAILING_BYTES, position, (have - imageLength)
                    + " bytes follow the " + imageLength + "-byte image; the record must end there");
        }
        BufferedImage image = readImage(record, p, imageLength, position);
        ColorModel colours = image.getColorModel();
        boolean grey = colours.getNumColorComponents() == 1;
        int channels = grey ? 1 : 3;
        if (channels != shape.channels()) {
            throw new BadRecordException(BadRecordReason.WRONG_IMAGE_SIZE, position, "image is "
                    + (grey ? "grey (1 channel)" : "colour (3 channels)") + " " + image.getHeight() + "x"
                    + image.getWidth() + " but this stream's examples are " + shape);
        }
        int h = shape.height();
        int w = shape.width();
        byte[] pixels = new byte[shape.elementCount()];
        if (grey) {
            Raster raster = image.getRaster();
            int bits = colours.getComponentSize(0);
            int max = (1 << bits) - 1;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int sample = raster.getSample(x, y, 0);
                    pixels[y * w + x] = (byte) (bits == 8 ? sample : (sample * 255 + max / 2) / max);
                }
            }
        } else {
            int plane = h * w;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int rgb = image.getRGB(x, y);
                    int i = y * w + x;
                    pixels[i] = (byte) (rgb >> 16);
                    pixels[plane + i] = (byte) (rgb >> 8);
                    pixels[2 * plane + i] = (byte) rgb;
                }
            }
        }
        return new Example(id, label, shape, pixels, position);
    }

    /** Reads a PNG or JPEG image, checking its size before decoding any pixel. */
    private BufferedImage readImage(byte[] record, int p, int length, StreamPosition position) {
        String format = "image";
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(record, p, length))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            ImageReader reader = null;
            while (readers.hasNext() && reader == null) {
                ImageReader candidate = readers.next();
                String name = candidate.getFormatName().toLowerCase(Locale.ROOT);
                if (name.equals("png") || name.equals("jpeg") || name.equals("jpg")) {
                    reader = candidate;
                } else {
                    format = name.toUpperCase(Locale.ROOT) + " image";
                }
            }
            if (reader == null) {
                throw new BadRecordException(BadRecordReason.UNDECODABLE_IMAGE, position, "the " + length
                        + " image bytes (starting " + hexPrefix(record, p, length) + ") are "
                        + (format.equals("image") ? "not a PNG or JPEG image" : "a " + format
                        + ", but image records must hold PNG or JPEG"));
            }
            format = reader.getFormatName().toUpperCase(Locale.ROOT);
            try {
                reader.setInput(in, true, true);
                int w = reader.getWidth(0);
                int h = reader.getHeight(0);
                if (w != shape.width() || h != shape.height()) {
                    throw new BadRecordException(BadRecordReason.WRONG_IMAGE_SIZE, position, format + " image is "
                            + h + "x" + w + " (height x width) but this stream's examples are " + shape);
                }
                BufferedImage image = reader.read(0);
                if (image == null) {
                    throw new BadRecordException(BadRecordReason.UNDECODABLE_IMAGE, position, "the " + format
                            + " decoder returned no image for " + length + " bytes");
                }
                return image;
            } finally {
                reader.dispose();
            }
        } catch (BadRecordException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new BadRecordException(BadRecordReason.UNDECODABLE_IMAGE, position, "the " + length + " bytes of "
                    + format + " data could not be decoded (" + e + ")", e);
        }
    }

    private static String hexPrefix(byte[] record, int p, int length) {
        StringBuilder text = new StringBuilder("0x");
        for (int i = 0; i < Math.min(length, 8); i++) {
            text.append(String.format(Locale.ROOT, "%02X", record[p + i] & 0xff));
        }
        return text.toString();
    }

    private static int getInt(byte[] b, int p) {
        return ((b[p] & 0xff) << 24) | ((b[p + 1] & 0xff) << 16) | ((b[p + 2] & 0xff) << 8) | (b[p + 3] & 0xff);
    }

    private static long getLong(byte[] b, int p) {
        return ((long) getInt(b, p) << 32) | (getInt(b, p + 4) & 0xffffffffL);
    }

    private static void putInt(byte[] b, int p, int v) {
        b[p] = (byte) (v >>> 24);
        b[p + 1] = (byte) (v >>> 16);
        b[p + 2] = (byte) (v >>> 8);
        b[p + 3] = (byte) v;
    }

    private static void putLong(byte[] b, int p, long v) {
        putInt(b, p, (int) (v >>> 32));
        putInt(b, p + 4, (int) v);
    }

    @Override
    public String toString() {
        return "ExampleCodec[" + shape + ", " + numClasses + " classes]";
    }
}
