package io.coldstream.eval;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** What the plot tests count in a written PNG: the eval tests' one copy. */
final class PlotPixels {

    private PlotPixels() {
    }

    /** @return pixels of a clearly coloured (not grey) shade: series lines and markers, not axes or text */
    static int coloured(BufferedImage image) {
        int count = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y);
                int r = rgb >> 16 & 0xff;
                int g = rgb >> 8 & 0xff;
                int b = rgb & 0xff;
                if (Math.max(r, Math.max(g, b)) - Math.min(r, Math.min(g, b)) > 80) {
                    count++;
                }
            }
        }
        return count;
    }

    /** @return {@link #coloured(BufferedImage)} of the PNG file */
    static int coloured(Path png) throws IOException {
        return coloured(ImageIO.read(png.toFile()));
    }
}
