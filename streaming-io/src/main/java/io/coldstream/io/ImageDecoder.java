package io.coldstream.io;

import java.awt.Rectangle;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes one JPEG or PNG file into {@code 3 x S x S} uint8 RGB, channels first: the shorter side
 * is brought to {@code S} and the centre {@code S x S} square kept (the geometry of torchvision's
 * {@code Resize(S)} then {@code CenterCrop(S)}, with the crop's offset rounded down to a whole
 * source pixel). Only the centre square of the longer side is
 * decoded into pixels ({@link ImageReadParam#setSourceRegion}); that square, of side
 * {@code m = min(width, height)}, is then brought to {@code S x S} by separable area averaging
 * (a box filter with fractional weights: every output pixel is the mean of the source area it
 * covers, as OpenCV's {@code INTER_AREA}) when {@code m >= S}, and by bilinear interpolation of
 * pixel centres when the image is smaller than {@code S}.
 *
 * <p>The format is told by the file's first bytes, never by its name. JPEGs go to TwelveMonkeys'
 * reader, which also reads CMYK, YCCK and greyscale JPEGs that the JDK's reader refuses or
 * colours wrong; a JPEG that ends before its image does (a truncated file) is refused, although
 * the reader would fill the rest with grey. Greyscale stays as stored (R = G = B = the grey
 * value, no gamma conversion); alpha is dropped (the colour values are kept as stored, like
 * PIL's {@code convert("RGB")}); 16-bit samples are rounded to 8 bits; palette images are looked
 * up in their palette.
 *
 * <p>Not thread-safe: each decoding thread owns one, which keeps its readers and buffers between
 * images.
 */
final class ImageDecoder {

    /** The largest centre square decoded, in pixels (about 400 MB of 8-bit RGB). */
    static final long MAX_PIXELS = 1L << 27;

    private static final Logger LOG = LoggerFactory.getLogger(ImageDecoder.class);
    private static final String JPEG = "JPEG";

    private static volatile boolean warnedNoPreferred;
    private static final String PNG = "PNG";

    private final int size;
    private ImageReader jpegReader;
    private ImageReader pngReader;
    private boolean truncated;
    private int[] row = new int[0];
    private int[] rgb = new int[0];
    private float[] horizontal = new float[0];
    private final float[] accumulator;

    /** @param size the side {@code S} of the square examples, {@code >= 1} */
    ImageDecoder(int size) {
        this.size = size;
        this.accumulator = new float[size];
    }

    /**
     * @param bytes a file's first bytes
     * @param length how many of them there are
     * @return {@code "JPEG"} or {@code "PNG"} by the magic bytes, else {@code null}
     */
    static String format(byte[] bytes, int length) {
        if (length >= 3 && (bytes[0] & 0xff) == 0xFF && (bytes[1] & 0xff) == 0xD8 && (bytes[2] & 0xff) == 0xFF) {
            return JPEG;
        }
        if (length >= 8 && (bytes[0] & 0xff) == 0x89 && bytes[1] == 'P' && bytes[2] == 'N' && bytes[3] == 'G'
                && bytes[4] == '\r' && bytes[5] == '\n' && bytes[6] == 0x1a && bytes[7] == '\n') {
            return PNG;
        }
        return null;
    }

    /**
     * Decodes an image file's bytes into {@code 3 * S * S} bytes of {@code dst}.
     *
     * @param bytes the whole file
     * @param length how many bytes of {@code bytes} it has
     * @param dst where the pixels go: the R plane, then G, then B, each row-major
     * @param dstOffset the first byte written
     * @throws UndecodableImageException if the bytes are not a JPEG or PNG, are truncated or
     *     malformed, or the image is too large
     */
    void decode(byte[] bytes, int length, byte[] dst, int dstOffset) throws UndecodableImageException {
        String format = format(bytes, length);
        if (format == null) {
            throw new UndecodableImageException("is not a JPEG or PNG image (its " + length + " bytes start "
                    + hexPrefix(bytes, length) + "); image folders hold JPEG and PNG files, told by their content");
        }
        ImageReader reader = reader(format);
        BufferedImage image;
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes, 0, length))) {
            truncated = false;
            reader.setInput(in, true, true);
            int w = reader.getWidth(0);
            int h = reader.getHeight(0);
            int m = Math.min(w, h);
            if (m < 1 || (long) m * m > MAX_PIXELS) {
                throw new UndecodableImageException("is a " + format + " image of " + w + "x" + h + " (width x"
                        + " height) whose centre square is " + m + "x" + m + "; it must be at least 1x1 and at most "
                        + MAX_PIXELS + " pixels");
            }
            ImageReadParam param = reader.getDefaultReadParam();
            param.setSourceRegion(new Rectangle((w - m) / 2, (h - m) / 2, m, m));
            image = reader.read(0, param);
            reader.setInput(null);
        } catch (IOException | RuntimeException e) {
            discard(format);
            throw new UndecodableImageException("could not be decoded as " + format + " (" + e + ")", e);
        }
        if (truncated) {
            throw new UndecodableImageException("is a truncated JPEG: its data ends before the image does");
        }
        if (image == null || image.getWidth() != image.getHeight()) {
            throw new UndecodableImageException("could not be decoded as " + format + ": the reader returned "
                    + (image == null ? "no image" : "a " + image.getWidth() + "x" + image.getHeight() + " region"));
        }
        resample(image, dst, dstOffset);
    }

    /** @return the class name of the reader that decodes {@code format} (for tests) */
    String readerName(String format) {
        return reader(format).getClass().getName();
    }

    private ImageReader reader(String format) {
        if (format.equals(JPEG)) {
            if (jpegReader == null) {
                jpegReader = newReader("jpeg", "com.twelvemonkeys.");
                jpegReader.addIIOReadWarningListener((source, warning) -> {
                    if (warning != null && warning.toLowerCase(Locale.ROOT).contains("premature end")) {
                        truncated = true;
                    }
                });
            }
            return jpegReader;
        }
        if (pngReader == null) {
            pngReader = newReader("png", "");
        }
        return pngReader;
    }

    /**
     * The first reader of the format, preferring one whose class name starts with
     * {@code preferred}; without it, the first, with a WARN line (once).
     */
    private static ImageReader newReader(String formatName, String preferred) {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(formatName);
        ImageReader first = null;
        while (readers.hasNext()) {
            ImageReader candidate = readers.next();
            if (candidate.getClass().getName().startsWith(preferred)) {
                if (first != null) {
                    first.dispose();
                }
                return candidate;
            }
            if (first == null) {
                first = candidate;
            } else {
                candidate.dispose();
            }
        }
        if (first == null) {
            throw new IllegalStateException("no javax.imageio reader for " + formatName + " on the class path");
        }
        if (!warnedNoPreferred) {
            warnedNoPreferred = true;
            LOG.warn("no {} reader of {}* registered with javax.imageio; decoding with {}, which may refuse or"
                    + " miscolour CMYK and YCCK JPEGs", formatName, preferred, first.getClass().getName());
        }
        return first;
    }

    /** A reader that failed may be left in any state: the next image gets a fresh one. */
    private void discard(String format) {
        if (format.equals(JPEG) && jpegReader != null) {
            jpegReader.dispose();
            jpegReader = null;
        } else if (format.equals(PNG) && pngReader != null) {
            pngReader.dispose();
            pngReader = null;
        }
    }

    /** Brings the square {@code image} to {@code S x S}, separably: rows first, then columns. */
    private void resample(BufferedImage image, byte[] dst, int dstOffset) {
        int m = image.getWidth();
        int s = size;
        Weights weights = new Weights(m, s);
        int[] start = weights.start;
        int[] count = weights.count;
        float[] weight = weights.weight;
        int taps = weights.taps;
        if (horizontal.length < 3 * m * s) {
            horizontal = new float[3 * m * s];
        }
        if (rgb.length < 3 * m) {
            rgb = new int[3 * m];
        }
        float[] hor = horizontal;
        int[] row = rgb;
        for (int y = 0; y < m; y++) {
            readRow(image, y, m);
            for (int c = 0; c < 3; c++) {
                int in = c * m;
                int out = (c * m + y) * s;
                for (int j = 0; j < s; j++) {
                    int from = in + start[j];
                    int base = j * taps;
                    float v = 0;
                    for (int k = 0; k < count[j]; k++) {
                        v += weight[base + k] * row[from + k];
                    }
                    hor[out + j] = v;
                }
            }
        }
        float[] acc = accumulator;
        int plane = s * s;
        for (int c = 0; c < 3; c++) {
            int in = c * m * s;
            for (int i = 0; i < s; i++) {
                Arrays.fill(acc, 0f);
                int base = i * taps;
                for (int k = 0; k < count[i]; k++) {
                    float w = weight[base + k];
                    int from = in + (start[i] + k) * s;
                    for (int j = 0; j < s; j++) {
                        acc[j] += w * hor[from + j];
                    }
                }
                int out = dstOffset + c * plane + i * s;
                for (int j = 0; j < s; j++) {
                    int rounded = (int) (acc[j] + 0.5f);
                    dst[out + j] = (byte) (rounded < 0 ? 0 : Math.min(255, rounded));
                }
            }
        }
    }

    /**
     * Reads row {@code y} of {@code image} into {@link #rgb}: R at {@code [0, m)}, G at
     * {@code [m, 2m)}, B at {@code [2m, 3m)}, each {@code [0, 255]}.
     */
    private void readRow(BufferedImage image, int y, int m) {
        Raster raster = image.getRaster();
        ColorModel model = image.getColorModel();
        ColorSpace space = model.getColorSpace();
        boolean grey = space.getType() == ColorSpace.TYPE_GRAY && model.getNumColorComponents() == 1;
        boolean srgb = space.isCS_sRGB() && model.getNumColorComponents() == 3;
        if (model instanceof ComponentColorModel && (grey || srgb)) {
            int bands = raster.getNumBands();
            if (raster.getDataBuffer() instanceof DataBufferByte bytes
                    && raster.getSampleModel() instanceof ComponentSampleModel sample) {
                readBytes(bytes, sample, raster, y, m, grey);
                return;
            }
            if (row.length < bands * m) {
                row = new int[bands * m];
            }
            raster.getPixels(raster.getMinX(), raster.getMinY() + y, m, 1, row);
            for (int c = 0; c < 3; c++) {
                int band = grey ? 0 : c;
                int max = (1 << model.getComponentSize(band)) - 1;
                for (int x = 0; x < m; x++) {
                    int v = row[x * bands + band];
                    rgb[c * m + x] = max == 255 ? v : (v * 255 + max / 2) / max;
                }
            }
            return;
        }
        if (model instanceof IndexColorModel palette) {
            if (row.length < raster.getNumBands() * m) {
                row = new int[raster.getNumBands() * m];
            }
            raster.getPixels(raster.getMinX(), raster.getMinY() + y, m, 1, row);
            int bands = raster.getNumBands();
            for (int x = 0; x < m; x++) {
                int argb = palette.getRGB(row[x * bands]);
                rgb[x] = (argb >> 16) & 0xff;
                rgb[m + x] = (argb >> 8) & 0xff;
                rgb[2 * m + x] = argb & 0xff;
            }
            return;
        }
        // Any other colour model (packed RGB, CMYK left as CMYK by a reader, an ICC colour space):
        // let the model convert to sRGB.
        if (row.length < m) {
            row = new int[m];
        }
        image.getRGB(0, y, m, 1, row, 0, m);
        for (int x = 0; x < m; x++) {
            int argb = row[x];
            rgb[x] = (argb >> 16) & 0xff;
            rgb[m + x] = (argb >> 8) & 0xff;
            rgb[2 * m + x] = argb & 0xff;
        }
    }

    /** The fast path of 8-bit interleaved or banded RGB, RGBA or grey, read straight from the buffer. */
    private void readBytes(DataBufferByte buffer, ComponentSampleModel sample, Raster raster, int y, int m,
            boolean grey) {
        int px = raster.getMinX() - raster.getSampleModelTranslateX();
        int py = raster.getMinY() - raster.getSampleModelTranslateY() + y;
        int pixelStride = sample.getPixelStride();
        int[] banks = sample.getBankIndices();
        int[] bankOffsets = buffer.getOffsets();
        for (int c = 0; c < 3; c++) {
            int band = grey ? 0 : c;
            byte[] data = buffer.getData(banks[band]);
            int p = bankOffsets[banks[band]] + sample.getOffset(px, py, band);
            int out = c * m;
            for (int x = 0; x < m; x++) {
                rgb[out + x] = data[p] & 0xff;
                p += pixelStride;
            }
        }
    }

    private static String hexPrefix(byte[] bytes, int length) {
        StringBuilder text = new StringBuilder("0x");
        for (int i = 0; i < Math.min(length, 8); i++) {
            text.append(String.format(Locale.ROOT, "%02X", bytes[i] & 0xff));
        }
        return length == 0 ? "(empty)" : text.toString();
    }

    /**
     * The taps of a 1-D resampling from {@code m} source pixels to {@code s} output pixels: output
     * {@code j} is {@code sum_k weight[j * taps + k] * source[start[j] + k]} over
     * {@code k < count[j]}; the weights of an output sum to 1.
     */
    private static final class Weights {

        final int taps;
        final int[] start;
        final int[] count;
        final float[] weight;

        Weights(int m, int s) {
            start = new int[s];
            count = new int[s];
            double scale = (double) m / s;
            if (m >= s) {
                taps = (int) Math.ceil(scale) + 1;
                weight = new float[s * taps];
                for (int j = 0; j < s; j++) {
                    double from = j * scale;
                    double to = Math.min(m, (j + 1) * scale);
                    int first = (int) Math.floor(from);
                    int last = Math.min(m - 1, (int) Math.ceil(to) - 1);
                    start[j] = first;
                    count[j] = last - first + 1;
                    for (int x = first; x <= last; x++) {
                        double overlap = Math.min(to, x + 1) - Math.max(from, x);
                        weight[j * taps + x - first] = (float) (overlap / scale);
                    }
                }
            } else {
                taps = 2;
                weight = new float[s * taps];
                for (int j = 0; j < s; j++) {
                    double centre = Math.max(0, Math.min(m - 1, (j + 0.5) * scale - 0.5));
                    int first = Math.min(m - 2 < 0 ? 0 : m - 2, (int) Math.floor(centre));
                    double t = centre - first;
                    start[j] = first;
                    if (m == 1) {
                        count[j] = 1;
                        weight[j * taps] = 1;
                    } else {
                        count[j] = 2;
                        weight[j * taps] = (float) (1 - t);
                        weight[j * taps + 1] = (float) t;
                    }
                }
            }
        }
    }
}
