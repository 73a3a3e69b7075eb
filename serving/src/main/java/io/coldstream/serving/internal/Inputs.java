package io.coldstream.serving.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.coldstream.core.MiniBatch;
import io.coldstream.core.Shape;
import io.coldstream.serving.BadInputException;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Turns request bodies into model input: NCHW floats in {@code [0, 1]} (pixel / 255), as the trainer
 * feeds the network. Every decoder is strict and throws {@link BadInputException} saying what was
 * wrong; nothing received is ever Java-deserialised.
 *
 * <p>The Coldstream record (format version 1, {@code streaming-io/README.md}) is decoded here
 * rather than through {@code streaming-io}'s codec, which serving must not depend on: serving needs
 * only the features of one record, not its label, id or the stream's bad-record machinery.
 */
public final class Inputs {

    /** Decoded rows. */
    public record Rows(float[] features, int count) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAGIC = 0x43534558; // "CSEX"
    private static final float PIXEL = MiniBatch.PIXEL_SCALE; // as the trainer scales pixels

    private Inputs() {
    }

    /**
     * @param body a PNG or JPEG file
     * @param shape the model's input shape: 1 channel takes a grey image, 3 a colour one
     * @return one row
     */
    public static float[] image(byte[] body, Shape shape) {
        float[] out = new float[shape.elementCount()];
        decodeImage(body, 0, body.length, shape, out);
        return out;
    }

    private static void decodeImage(byte[] body, int offset, int length, Shape shape, float[] out) {
        BufferedImage image;
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(body, offset, length))) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                throw new BadInputException("the image is neither PNG nor JPEG (no image reader recognises its "
                        + Math.min(length, 4) + " first bytes)");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                int w = reader.getWidth(0);
                int h = reader.getHeight(0);
                if (w != shape.width() || h != shape.height()) {
                    throw new BadInputException("the image is " + w + "x" + h + " pixels but the model takes "
                            + shape.width() + "x" + shape.height());
                }
                image = reader.read(0);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof BadInputException b) {
                throw b;
            }
            throw new BadInputException("the image could not be decoded: " + e.getMessage(), e);
        }
        int colours = image.getColorModel().getNumColorComponents();
        int plane = shape.height() * shape.width();
        if (shape.channels() == 1) {
            if (colours != 1) {
                throw new BadInputException("the image has " + colours + " colour components but the model takes"
                        + " grey images (1 channel)");
            }
            Raster raster = image.getRaster();
            int bits = image.getColorModel().getComponentSize(0);
            float max = (1 << bits) - 1;
            for (int y = 0; y < shape.height(); y++) {
                for (int x = 0; x < shape.width(); x++) {
                    out[y * shape.width() + x] = Math.round(raster.getSample(x, y, 0) * 255f / max) * PIXEL;
                }
            }
        } else if (shape.channels() == 3) {
            if (colours != 3) {
                throw new BadInputException("the image has " + colours + " colour component(s) but the model takes"
                        + " colour images (3 channels)");
            }
            for (int y = 0; y < shape.height(); y++) {
                for (int x = 0; x < shape.width(); x++) {
                    int rgb = image.getRGB(x, y);
                    int i = y * shape.width() + x;
                    out[i] = ((rgb >> 16) & 0xff) * PIXEL;
                    out[plane + i] = ((rgb >> 8) & 0xff) * PIXEL;
                    out[2 * plane + i] = (rgb & 0xff) * PIXEL;
                }
            }
        } else {
            throw new BadInputException("the model takes " + shape.channels() + " channels; images give 1 or 3");
        }
    }

    /**
     * @param body one Coldstream stream record (tensor of uint8 or float32, or an image)
     * @param shape the model's input shape
     * @return one row
     */
    public static float[] record(byte[] body, Shape shape) {
        ByteBuffer b = ByteBuffer.wrap(body);
        need(b, 12, "the header");
        if (b.getInt() != MAGIC) {
            throw new BadInputException("the record does not start with the magic CSEX (bad-magic)");
        }
        int version = b.get() & 0xff;
        int kind = b.get() & 0xff;
        int flags = b.get() & 0xff;
        int element = b.get() & 0xff;
        b.getInt(); // the label: irrelevant to a prediction
        if (version != 1) {
            throw new BadInputException("the record has version " + version + " but version 1 is read");
        }
        if ((flags & ~1) != 0) {
            throw new BadInputException("the record has flags " + flags + " but only bit 0 (example id) may be set");
        }
        if ((flags & 1) != 0) {
            need(b, 8, "the example id");
            b.getLong();
        }
        float[] out = new float[shape.elementCount()];
        if (kind == 0) {
            need(b, 12, "the tensor shape");
            int c = b.getInt();
            int h = b.getInt();
            int w = b.getInt();
            if (c != shape.channels() || h != shape.height() || w != shape.width()) {
                throw new BadInputException("the record's tensor is " + c + "x" + h + "x" + w + " but the model takes "
                        + shape.channels() + "x" + shape.height() + "x" + shape.width());
            }
            if (element == 0) {
                need(b, out.length, "the uint8 payload");
                for (int i = 0; i < out.length; i++) {
                    out[i] = (b.get() & 0xff) * PIXEL;
                }
            } else if (element == 1) {
                need(b, 4L * out.length, "the float32 payload");
                for (int i = 0; i < out.length; i++) {
                    float v = b.getFloat();
                    if (!(v >= 0f && v <= 1f)) {
                        throw new BadInputException("the record's value " + i + " was " + v
                                + " but float32 values must be finite and in [0, 1]");
                    }
                    out[i] = Math.round(v * 255f) * PIXEL;
                }
            } else {
                throw new BadInputException("the record's element type was " + element + " but must be 0 (uint8)"
                        + " or 1 (float32)");
            }
        } else if (kind == 1) {
            if (element != 0) {
                throw new BadInputException("an image record's element type was " + element + " but must be 0");
            }
            need(b, 4, "the image length");
            int length = b.getInt();
            if (length < 1) {
                throw new BadInputException("the record's image length was " + length + " but must be >= 1");
            }
            need(b, length, "the image bytes");
            decodeImage(body, b.position(), length, shape, out);
            b.position(b.position() + length);
        } else {
            throw new BadInputException("the record's kind was " + kind + " but must be 0 (tensor) or 1 (image)");
        }
        if (b.hasRemaining()) {
            throw new BadInputException("the record has " + b.remaining() + " bytes after its end");
        }
        return out;
    }

    private static void need(ByteBuffer b, long bytes, String what) {
        if (b.remaining() < bytes) {
            throw new BadInputException("the record is truncated: " + what + " needs " + bytes + " bytes but "
                    + b.remaining() + " remain");
        }
    }

    /**
     * @param body {@code {"pixels": [...]}} (one example) or {@code {"instances": [[...], ...]}} (a
     *     batch); each example is its {@code c*h*w} pixel values, channels first, each in {@code [0, 255]}
     * @param shape the model's input shape
     * @param maxRows the most rows accepted
     * @return the rows
     */
    public static Rows json(byte[] body, Shape shape, int maxRows) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new BadInputException("the body is not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new BadInputException("the body could not be read as JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new BadInputException("the JSON body must be an object with \"pixels\" or \"instances\"");
        }
        int row = shape.elementCount();
        if (root.has("pixels")) {
            float[] out = new float[row];
            readRow(root.get("pixels"), out, 0, row, "pixels");
            return new Rows(out, 1);
        }
        JsonNode instances = root.get("instances");
        if (instances == null) {
            throw new BadInputException("the JSON body must have \"pixels\" (one example) or \"instances\" (a list)");
        }
        if (!instances.isArray() || instances.isEmpty()) {
            throw new BadInputException("\"instances\" must be a non-empty list of examples");
        }
        if (instances.size() > maxRows) {
            throw new BadInputException("\"instances\" has " + instances.size() + " examples but at most " + maxRows
                    + " are accepted per request");
        }
        float[] out = new float[instances.size() * row];
        for (int i = 0; i < instances.size(); i++) {
            readRow(instances.get(i), out, i * row, row, "instances[" + i + "]");
        }
        return new Rows(out, instances.size());
    }

    private static void readRow(JsonNode values, float[] out, int offset, int row, String where) {
        if (values == null || !values.isArray()) {
            throw new BadInputException("\"" + where + "\" must be a list of " + row + " pixel values");
        }
        if (values.size() != row) {
            throw new BadInputException("\"" + where + "\" has " + values.size() + " values but the model takes " + row
                    + " (channels x height x width)");
        }
        for (int i = 0; i < row; i++) {
            JsonNode v = values.get(i);
            double d = v.isNumber() ? v.asDouble() : Double.NaN;
            if (!(d >= 0 && d <= 255)) {
                throw new BadInputException("\"" + where + "\"[" + i + "] was " + v + " but pixel values must be"
                        + " numbers in [0, 255]");
            }
            out[offset + i] = (float) d * PIXEL;
        }
    }
}
