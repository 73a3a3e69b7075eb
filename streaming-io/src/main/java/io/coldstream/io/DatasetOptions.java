package io.coldstream.io;

import io.coldstream.core.ConfigurationException;
import java.util.Objects;

/**
 * How a dataset spec is read ({@link Datasets#open(String, DatasetOptions)}): options that the
 * folder itself cannot say. Kinds ignore the options that do not apply to them.
 *
 * @param labels which CIFAR-100 labels a {@code cifar100:} dataset reads; {@link CifarLabels#FINE}
 *     by default
 * @param imageSize the side, in pixels, to which an {@code imagefolder:} dataset brings its images;
 *     32 by default, {@code [8, 1024]}
 */
public record DatasetOptions(CifarLabels labels, int imageSize) {

    /** The default image side, in pixels: that of CIFAR. */
    public static final int DEFAULT_IMAGE_SIZE = 32;

    /** The smallest image side allowed, in pixels. */
    public static final int MIN_IMAGE_SIZE = 8;

    /** The largest image side allowed, in pixels. */
    public static final int MAX_IMAGE_SIZE = 1024;

    private static final DatasetOptions DEFAULTS = new DatasetOptions(CifarLabels.FINE, DEFAULT_IMAGE_SIZE);

    /**
     * @throws ConfigurationException if the image size is outside {@code [8, 1024]}
     */
    public DatasetOptions {
        Objects.requireNonNull(labels, "labels");
        if (imageSize < MIN_IMAGE_SIZE || imageSize > MAX_IMAGE_SIZE) {
            throw new ConfigurationException("image.size was " + imageSize + " but must be between "
                    + MIN_IMAGE_SIZE + " and " + MAX_IMAGE_SIZE + " pixels");
        }
    }

    /** @return fine CIFAR labels and {@value #DEFAULT_IMAGE_SIZE}-pixel images */
    public static DatasetOptions defaults() {
        return DEFAULTS;
    }

    /**
     * @param newLabels the CIFAR-100 labels to read
     * @return these options with other labels
     */
    public DatasetOptions withLabels(CifarLabels newLabels) {
        return new DatasetOptions(newLabels, imageSize);
    }

    /**
     * @param newImageSize the image side, in pixels
     * @return these options with another image size
     */
    public DatasetOptions withImageSize(int newImageSize) {
        return new DatasetOptions(labels, newImageSize);
    }
}
