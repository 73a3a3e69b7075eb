package io.coldstream.bench;

import io.coldstream.core.Example;
import io.coldstream.io.DatasetOptions;
import io.coldstream.io.IdxSource;
import io.coldstream.io.ImageFolderDataset;
import io.coldstream.io.ImageFolderSplit;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * The image-folder decode harness: how many images per second {@link ImageFolderSplit} turns
 * into examples (read the file, decode the JPEG, area-average to {@code S x S}, centre crop) at
 * each example side, on one decoding thread (and more where asked). Images are streamed through
 * {@link IdxSource}, so that the background decoder is what is measured; the table gives the
 * per-thread speed the split records ({@link ImageFolderSplit#imagesPerSecond()}) and the wall
 * throughput the reader saw. Without a folder it writes {@code N} synthetic 500x375 JPEGs
 * (ImageNet's most common size; smooth shapes plus noise, quality 0.9) into a temporary folder,
 * deleted at the end. Each measurement follows a warm-up pass over the same files. A harness
 * rather than JMH (JMH is not on the build); run with
 * {@code java -cp 'cli/target/lib/*' io.coldstream.bench.ImageFolderDecodeBench [DIR|-] [N] [SIZES] [THREADS]}.
 */
public final class ImageFolderDecodeBench {

    private static final int WIDTH = 500;
    private static final int HEIGHT = 375;
    private static final int CLASSES = 10;

    private ImageFolderDecodeBench() {
    }

    /**
     * @param args an image folder, or {@code -} (the default) for synthetic JPEGs; the number of
     *     synthetic images (default 400); comma-separated example sides (default {@code 32,224});
     *     comma-separated decoding thread counts (default {@code 1})
     * @throws IOException if the synthetic images cannot be written
     */
    public static void main(String[] args) throws IOException {
        String folder = args.length > 0 ? args[0] : "-";
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 400;
        String[] sizes = (args.length > 2 ? args[2] : "32,224").split(",");
        String[] threadCounts = (args.length > 3 ? args[3] : "1").split(",");
        boolean synthetic = folder.equals("-");
        Path dir = synthetic ? Files.createTempDirectory("coldstream-decode-bench") : Path.of(folder);
        PrintStream out = System.out;
        try {
            long bytes = synthetic ? writeSynthetic(dir, n) : 0;
            if (synthetic) {
                out.printf(Locale.ROOT, "%d synthetic %dx%d JPEGs, %.1f KB each on average, in %s%n", n, WIDTH,
                        HEIGHT, bytes / 1024.0 / n, dir);
            }
            out.println("| side S | decode threads | images | images/s per thread | wall images/s | ms per image |");
            out.println("|---:|---:|---:|---:|---:|---:|");
            for (String size : sizes) {
                DatasetOptions options = DatasetOptions.defaults().withImageSize(Integer.parseInt(size.strip()));
                for (String threads : threadCounts) {
                    int t = Integer.parseInt(threads.strip());
                    stream(ImageFolderDataset.readSplit(dir, ImageFolderDataset.TRAIN_SPLIT, options, t)); // warm-up
                    ImageFolderSplit split = ImageFolderDataset.readSplit(dir, ImageFolderDataset.TRAIN_SPLIT,
                            options, t);
                    long start = System.nanoTime();
                    int images = stream(split);
                    double wall = images * 1e9 / (System.nanoTime() - start);
                    double perThread = split.imagesPerSecond();
                    out.printf(Locale.ROOT, "| %d | %d | %d | %.0f | %.0f | %.2f |%n", options.imageSize(), t, images,
                            perThread, wall, 1000.0 / perThread);
                }
            }
        } finally {
            if (synthetic) {
                delete(dir);
            }
        }
    }

    /** Streams the whole split in file order; returns the examples read. */
    private static int stream(ImageFolderSplit split) {
        int[] order = new int[split.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        int images = 0;
        long checksum = 0;
        try (IdxSource source = new IdxSource(split, order, 0, "train")) {
            for (Example e = source.next(); e != null; e = source.next()) {
                checksum += e.pixels()[e.pixels().length / 2];
                images++;
            }
        }
        if (checksum == Long.MIN_VALUE) {
            System.out.println(checksum); // keeps the pixels alive
        }
        return images;
    }

    /** Writes {@code n} JPEGs over {@value #CLASSES} classes and one val image; returns their bytes. */
    private static long writeSynthetic(Path dir, int n) throws IOException {
        Random random = new Random(42);
        long bytes = 0;
        for (int i = 0; i < n; i++) {
            Path file = dir.resolve("train").resolve("c" + i % CLASSES).resolve(String.format("%06d.jpg", i));
            bytes += writeJpeg(file, photoLike(random));
        }
        writeJpeg(dir.resolve("val").resolve("c0").resolve("000000.jpg"), photoLike(random));
        return bytes;
    }

    /** Smooth gradients and a few soft-edged blobs, with sensor-like noise: compresses like a photo. */
    private static BufferedImage photoLike(Random random) {
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_3BYTE_BGR);
        double[] base = new double[9];
        for (int i = 0; i < base.length; i++) {
            base[i] = random.nextDouble();
        }
        int blobs = 6;
        double[][] blob = new double[blobs][6];
        for (double[] b : blob) {
            b[0] = random.nextDouble() * WIDTH;
            b[1] = random.nextDouble() * HEIGHT;
            b[2] = 20 + random.nextDouble() * 80;
            b[3] = random.nextDouble() * 255;
            b[4] = random.nextDouble() * 255;
            b[5] = random.nextDouble() * 255;
        }
        for (int y = 0; y < HEIGHT; y++) {
            for (int x = 0; x < WIDTH; x++) {
                double u = x / (double) WIDTH;
                double v = y / (double) HEIGHT;
                double[] c = new double[3];
                for (int k = 0; k < 3; k++) {
                    c[k] = 255 * (base[3 * k] * u + base[3 * k + 1] * v + base[3 * k + 2] * (1 - u) * (1 - v)) / 2;
                }
                for (double[] b : blob) {
                    double d = Math.hypot(x - b[0], y - b[1]) / b[2];
                    double w = 1 / (1 + Math.pow(d, 8));
                    for (int k = 0; k < 3; k++) {
                        c[k] = c[k] * (1 - w) + b[3 + k] * w;
                    }
                }
                int rgb = 0;
                for (int k = 0; k < 3; k++) {
                    int value = (int) Math.max(0, Math.min(255, c[k] + random.nextGaussian() * 6));
                    rgb = rgb << 8 | value;
                }
                image.setRGB(x, y, rgb);
            }
        }
        return image;
    }

    private static long writeJpeg(Path file, BufferedImage image) throws IOException {
        Files.createDirectories(file.getParent());
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(0.9f);
        try (ImageOutputStream out = ImageIO.createImageOutputStream(file.toFile())) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
        return Files.size(file);
    }

    private static void delete(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
