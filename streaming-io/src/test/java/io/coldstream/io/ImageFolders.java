package io.coldstream.io;

import com.twelvemonkeys.imageio.color.ColorSpaces;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Random;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;
import org.w3c.dom.Node;

/** Writes the image files of image-folder tests: solid colours, stripes, every colour model. */
final class ImageFolders {

    private static final String JPEG_METADATA = "javax_imageio_jpeg_image_1.0";

    private ImageFolders() {
    }

    /** @return a {@code w x h} RGB image of one colour */
    static BufferedImage solid(int w, int h, int r, int g, int b) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                image.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        return image;
    }

    /** @return a {@code w x h} RGB image of seeded noise: a JPEG of it is mostly scan data */
    static BufferedImage noise(int w, int h, long seed) {
        Random random = new Random(seed);
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                image.setRGB(x, y, random.nextInt(1 << 24));
            }
        }
        return image;
    }

    /** @return a {@code w x h} greyscale image of one grey value, stored as it is */
    static BufferedImage grey(int w, int h, int value) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        WritableRaster raster = image.getRaster();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                raster.setSample(x, y, 0, value);
            }
        }
        return image;
    }

    /** @return a {@code w x h} palette image: pixels alternate between the two palette colours by column */
    static BufferedImage palette(int w, int h, int rgb0, int rgb1) {
        byte[] r = {(byte) (rgb0 >> 16), (byte) (rgb1 >> 16)};
        byte[] g = {(byte) (rgb0 >> 8), (byte) (rgb1 >> 8)};
        byte[] b = {(byte) rgb0, (byte) rgb1};
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_INDEXED, new IndexColorModel(8, 2, r,
                g, b));
        WritableRaster raster = image.getRaster();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                raster.setSample(x, y, 0, x % 2);
            }
        }
        return image;
    }

    /** @return a {@code w x h} ARGB image of one colour with the given alpha */
    static BufferedImage alpha(int w, int h, int a, int r, int g, int b) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                image.setRGB(x, y, (a << 24) | (r << 16) | (g << 8) | b);
            }
        }
        return image;
    }

    /** @return a {@code w x h} image of 16-bit samples: {@code samples} per pixel (1 grey or 3 RGB) */
    static BufferedImage sixteenBit(int w, int h, int... samples) {
        ColorSpace space = ColorSpace.getInstance(samples.length == 1 ? ColorSpace.CS_GRAY : ColorSpace.CS_sRGB);
        ComponentColorModel model = new ComponentColorModel(space, false, false, Transparency.OPAQUE,
                DataBuffer.TYPE_USHORT);
        WritableRaster raster = model.createCompatibleWritableRaster(w, h);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                raster.setPixel(x, y, samples);
            }
        }
        return new BufferedImage(model, raster, false, null);
    }

    /**
     * @return a {@code w x h} RGB image whose columns {@code x < split} are {@code left} and the
     *     rest {@code right} (packed RGB)
     */
    static BufferedImage columns(int w, int h, int split, int left, int right) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                image.setRGB(x, y, x < split ? left : right);
            }
        }
        return image;
    }

    /** @return a {@code w x h} RGB image whose rows {@code y < split} are {@code top} and the rest {@code bottom} */
    static BufferedImage rows(int w, int h, int split, int top, int bottom) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                image.setRGB(x, y, y < split ? top : bottom);
            }
        }
        return image;
    }

    /** Writes {@code image} as a PNG. */
    static Path png(Path file, BufferedImage image) {
        return write(file, image, "png");
    }

    /** Writes {@code image} as a JPEG of quality 0.95. */
    static Path jpeg(Path file, BufferedImage image) {
        try {
            Files.createDirectories(file.getParent());
            ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(0.95f);
            try (ImageOutputStream out = ImageIO.createImageOutputStream(file.toFile())) {
                writer.setOutput(out);
                writer.write(null, new IIOImage(image, null, null), param);
            } finally {
                writer.dispose();
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes a CMYK JPEG as Photoshop does: four components, no colour transform, and an Adobe
     * APP14 marker of transform 0 saying so; samples stored inverted (255 - ink), the Adobe
     * convention. Written by the JDK's own JPEG writer from a CMYK raster, with the marker set in
     * its metadata.
     *
     * @param ink the C, M, Y, K ink of every pixel, each {@code [0, 255]}
     */
    static Path cmykJpeg(Path file, int w, int h, int... ink) {
        WritableRaster raster = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, w, h, 4, null);
        int[] stored = {255 - ink[0], 255 - ink[1], 255 - ink[2], 255 - ink[3]};
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                raster.setPixel(x, y, stored);
            }
        }
        ImageWriter writer = null;
        for (Iterator<ImageWriter> it = ImageIO.getImageWritersByFormatName("jpeg"); it.hasNext();) {
            ImageWriter candidate = it.next();
            if (candidate.getClass().getName().startsWith("com.sun.")) {
                writer = candidate;
            }
        }
        if (writer == null) {
            throw new IllegalStateException("the JDK's JPEG writer is not registered");
        }
        ColorSpace cmyk = ColorSpaces.getColorSpace(ColorSpaces.CS_GENERIC_CMYK);
        ImageTypeSpecifier type = new ImageTypeSpecifier(new ComponentColorModel(cmyk, false, false,
                Transparency.OPAQUE, DataBuffer.TYPE_BYTE), raster.getSampleModel());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            IIOMetadata metadata = writer.getDefaultImageMetadata(type, param);
            Node tree = metadata.getAsTree(JPEG_METADATA);
            Node markers = tree.getFirstChild().getNextSibling();
            for (Node marker = markers.getFirstChild(); marker != null; marker = marker.getNextSibling()) {
                if (marker.getNodeName().equals("app14Adobe")) {
                    ((IIOMetadataNode) marker).setAttribute("transform", "0"); // CMYK, not YCCK
                }
                if (marker.getNodeName().equals("sof")) {
                    for (Node c = marker.getFirstChild(); c != null; c = c.getNextSibling()) {
                        ((IIOMetadataNode) c).setAttribute("HsamplingFactor", "1");
                        ((IIOMetadataNode) c).setAttribute("VsamplingFactor", "1");
                    }
                }
            }
            metadata.setFromTree(JPEG_METADATA, tree);
            writer.write(null, new IIOImage(raster, null, metadata), param);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return bytes(file, bytes.toByteArray());
    }

    /** Writes raw bytes. */
    static Path bytes(Path file, byte[] content) {
        try {
            Files.createDirectories(file.getParent());
            return Files.write(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes the first {@code fraction} of a JPEG of {@code image}: a truncated file. */
    static Path truncatedJpeg(Path file, BufferedImage image, double fraction) {
        try {
            jpeg(file, image);
            byte[] whole = Files.readAllBytes(file);
            return bytes(file, Arrays.copyOf(whole, (int) (whole.length * fraction)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path write(Path file, BufferedImage image, String format) {
        try {
            Files.createDirectories(file.getParent());
            if (!ImageIO.write(image, format, file.toFile())) {
                throw new IllegalStateException("no " + format + " writer for " + image);
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the {@code 3 x s x s} planes of one colour */
    static byte[] solidPlanes(int s, int r, int g, int b) {
        byte[] pixels = new byte[3 * s * s];
        int plane = s * s;
        for (int i = 0; i < plane; i++) {
            pixels[i] = (byte) r;
            pixels[plane + i] = (byte) g;
            pixels[2 * plane + i] = (byte) b;
        }
        return pixels;
    }
}
