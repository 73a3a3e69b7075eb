package io.coldstream.eval.internal;

import io.coldstream.eval.ConfusionMatrix;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Draws a confusion matrix as a heat map with Java2D: true class down, predicted class across, class 0
 * at the top left; each cell shaded from white to dark blue by its share of the true class's examples
 * (so that rare and common classes read alike), with its count written in when the cell is large enough;
 * class labels on both axes (every k-th when there are too many to fit), and a colour bar.
 */
final class ConfusionPlot {

    static final int SIZE = 900;

    private static final Color DARK = new Color(8, 48, 107);
    private static final Color GRID = new Color(225, 225, 225);
    private static final Font LABEL_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    private static final Font AXIS_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 14);
    private static final int MAX_LABEL_WIDTH = 140;
    private static final int BAR_WIDTH = 18;

    private ConfusionPlot() {
    }

    /**
     * @param matrix the counts
     * @param labels one label per class
     * @param title the title at the top
     * @return the PNG bytes of a {@value #SIZE} x {@value #SIZE} image
     */
    static byte[] png(ConfusionMatrix matrix, List<String> labels, String title) throws IOException {
        Charts.headless();
        BufferedImage image = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            draw(g, matrix, labels, title);
        } finally {
            g.dispose();
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        if (!ImageIO.write(image, "png", png)) {
            throw new IOException("this Java runtime has no PNG writer");
        }
        return png.toByteArray();
    }

    /** @return the cell colour of a share in [0, 1]: white to dark blue */
    static Color shade(double share) {
        double f = Math.max(0, Math.min(1, share));
        return new Color((int) Math.round(255 + (DARK.getRed() - 255) * f),
                (int) Math.round(255 + (DARK.getGreen() - 255) * f), (int) Math.round(255 + (DARK.getBlue() - 255) * f));
    }

    private static void draw(Graphics2D g, ConfusionMatrix matrix, List<String> labels, String title) {
        int n = matrix.numClasses();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, SIZE, SIZE);

        g.setFont(LABEL_FONT);
        FontMetrics fm = g.getFontMetrics();
        int labelWidth = 0;
        for (String label : labels) {
            labelWidth = Math.max(labelWidth, fm.stringWidth(label));
        }
        labelWidth = Math.min(labelWidth, MAX_LABEL_WIDTH);
        int axisTitle = 24;
        int left = 10 + axisTitle + labelWidth + 8;
        int top = 50;
        int right = 10 + BAR_WIDTH + 50;
        int bottomAvailable = SIZE - top;
        int side = Math.min(SIZE - left - right, bottomAvailable - (labelWidth + 8 + axisTitle + 10));
        double step = (double) side / n;

        g.setColor(Color.BLACK);
        g.setFont(Charts.TITLE_FONT);
        FontMetrics tm = g.getFontMetrics();
        String shown = fit(title, tm, SIZE - 20);
        g.drawString(shown, (SIZE - tm.stringWidth(shown)) / 2, 30);

        // The cells.
        Font countFont = new Font(Font.SANS_SERIF, Font.PLAIN, (int) Math.max(9, Math.min(14, step / 3)));
        g.setFont(countFont);
        FontMetrics cm = g.getFontMetrics();
        for (int a = 0; a < n; a++) {
            int total = matrix.actualTotal(a);
            int y0 = top + (int) Math.round(a * step);
            int y1 = top + (int) Math.round((a + 1) * step);
            for (int p = 0; p < n; p++) {
                int count = matrix.count(a, p);
                double share = total == 0 ? 0 : (double) count / total;
                int x0 = left + (int) Math.round(p * step);
                int x1 = left + (int) Math.round((p + 1) * step);
                g.setColor(shade(share));
                g.fillRect(x0, y0, Math.max(1, x1 - x0), Math.max(1, y1 - y0));
                String text = Integer.toString(count);
                if (step >= 22 && cm.stringWidth(text) <= step - 4) {
                    g.setColor(share > 0.5 ? Color.WHITE : Color.BLACK);
                    g.drawString(text, x0 + (x1 - x0 - cm.stringWidth(text)) / 2,
                            y0 + (y1 - y0 + cm.getAscent() - cm.getDescent()) / 2);
                }
            }
        }
        if (step >= 6) {
            g.setColor(GRID);
            for (int i = 0; i <= n; i++) {
                int at = (int) Math.round(i * step);
                g.drawLine(left + at, top, left + at, top + side);
                g.drawLine(left, top + at, left + side, top + at);
            }
        }
        g.setColor(Color.GRAY);
        g.drawRect(left, top, side, side);

        // Class labels: every k-th so that they do not overlap.
        g.setFont(LABEL_FONT);
        g.setColor(Color.BLACK);
        int every = (int) Math.ceil((fm.getHeight() + 2) / step);
        for (int c = 0; c < n; c += every) {
            String label = fit(labels.get(c), fm, labelWidth);
            int middle = (int) Math.round((c + 0.5) * step);
            g.drawString(label, left - 6 - fm.stringWidth(label), top + middle + (fm.getAscent() - fm.getDescent()) / 2);
            AffineTransform saved = g.getTransform();
            g.translate(left + middle - (fm.getAscent() - fm.getDescent()) / 2, top + side + 6);
            g.rotate(Math.PI / 2);
            g.drawString(label, 0, 0);
            g.setTransform(saved);
        }

        // Axis titles.
        g.setFont(AXIS_FONT);
        FontMetrics am = g.getFontMetrics();
        String across = "predicted class";
        g.drawString(across, left + (side - am.stringWidth(across)) / 2, top + side + 6 + labelWidth + 8 + am.getAscent());
        String down = "true class";
        AffineTransform saved = g.getTransform();
        g.translate(10 + am.getAscent(), top + (side + am.stringWidth(down)) / 2);
        g.rotate(-Math.PI / 2);
        g.drawString(down, 0, 0);
        g.setTransform(saved);

        // The colour bar: share of the true class's examples, 1 at the top.
        int barX = left + side + 16;
        for (int y = 0; y < side; y++) {
            g.setColor(shade(1 - (double) y / Math.max(1, side - 1)));
            g.drawLine(barX, top + y, barX + BAR_WIDTH, top + y);
        }
        g.setColor(Color.GRAY);
        g.drawRect(barX, top, BAR_WIDTH, side);
        g.setFont(LABEL_FONT);
        g.setColor(Color.BLACK);
        for (double tick : new double[] {0, 0.5, 1}) {
            int y = top + (int) Math.round((1 - tick) * side);
            g.drawLine(barX + BAR_WIDTH, y, barX + BAR_WIDTH + 4, y);
            g.drawString(String.format(Locale.ROOT, "%.1f", tick), barX + BAR_WIDTH + 6,
                    y + (fm.getAscent() - fm.getDescent()) / 2);
        }
    }

    /** @return the text, cut with an ellipsis to fit {@code width} pixels */
    private static String fit(String text, FontMetrics fm, int width) {
        if (fm.stringWidth(text) <= width) {
            return text;
        }
        String cut = text;
        while (!cut.isEmpty() && fm.stringWidth(cut + "…") > width) {
            cut = cut.substring(0, cut.length() - 1);
        }
        return cut + "…";
    }
}
