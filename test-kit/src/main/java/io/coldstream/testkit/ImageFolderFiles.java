package io.coldstream.testkit;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Writes ImageNet-style image folders for tests: {@code <dir>/train/<class>/*.png} and
 * {@code <dir>/val/<class>/*.png}, each class a solid colour of its own, so that a model can tell
 * the classes apart and a decoder's output can be checked. Stateless; any thread.
 */
public final class ImageFolderFiles {

    private ImageFolderFiles() {
    }

    /**
     * Writes a dataset of {@code classes} classes named {@code c0}, {@code c1}, ..., with
     * {@code trainPerClass} PNGs of each class in {@code train/} and {@code valPerClass} in {@code val/}.
     *
     * @param dir the dataset's folder; created if needed
     * @param classes classes, 2 to 50
     * @param trainPerClass train images a class
     * @param valPerClass validation images a class
     * @param width width of every image in pixels
     * @param height height of every image in pixels
     * @return {@code dir}
     */
    public static Path write(Path dir, int classes, int trainPerClass, int valPerClass, int width, int height) {
        if (classes < 2 || classes > 50) {
            throw new IllegalArgumentException("classes was " + classes + " but must be in [2, 50]");
        }
        for (int c = 0; c < classes; c++) {
            int rgb = colour(c);
            for (int i = 0; i < trainPerClass; i++) {
                png(dir.resolve("train").resolve("c" + c).resolve(String.format("%04d.png", i)), width, height, rgb, i);
            }
            for (int i = 0; i < valPerClass; i++) {
                png(dir.resolve("val").resolve("c" + c).resolve(String.format("%04d.png", i)), width, height, rgb, i);
            }
        }
        return dir;
    }

    /** @return class {@code c}'s colour as 0xRRGGBB: hues apart, never black or white */
    public static int colour(int c) {
        float hue = c / 50f * 7 % 1;
        return java.awt.Color.HSBtoRGB(hue, 0.8f, 0.9f) & 0xFFFFFF;
    }

    /** A solid image, with the top-left pixel varied by {@code i} so that no two files are equal. */
    private static void png(Path file, int width, int height, int rgb, int i) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, rgb);
            }
        }
        image.setRGB(0, 0, (rgb + i) & 0xFFFFFF);
        try {
            Files.createDirectories(file.getParent());
            if (!ImageIO.write(image, "png", file.toFile())) {
                throw new IllegalStateException("no PNG writer in this JDK");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + file, e);
        }
    }
}
