package io.coldstream.model;

import io.coldstream.core.ConfigurationException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The network architectures Coldstream builds. */
public enum NetworkKind {

    /**
     * A small CNN for 28x28 grey images (works for any input of at least 12x12): two 3x3
     * convolution + batch-norm + ReLU + 2x2 max-pool blocks (32 and 64 channels), a dense layer
     * of 256 with ReLU, and a softmax output. About 430K parameters on 1x28x28.
     */
    SMALL_CNN("small-cnn"),

    /**
     * {@link #SMALL_CNN} at twice the width: 64 and 128 channels, a dense layer of 512. About 1.7M
     * parameters on 1x28x28 and about 3.5x the small CNN's work per example.
     */
    SMALL_CNN_WIDE("small-cnn-wide"),

    /**
     * A ResNet-18 for 32x32 colour images (He et al., "Deep Residual Learning for Image
     * Recognition", 2016), in the CIFAR form: a 3x3 stem without pooling, four stages of two basic
     * blocks (64, 128, 256, 512 channels), global average pooling and a softmax output. About 11.2M
     * parameters for 100 classes.
     */
    RESNET18("resnet18");

    private final String cliName;

    NetworkKind(String cliName) {
        this.cliName = cliName;
    }

    /** @return the name used on the command line and in files */
    public String cliName() {
        return cliName;
    }

    /**
     * @param text a {@link #cliName()}, case-insensitive
     * @return the kind
     * @throws ConfigurationException naming the value and the allowed names
     */
    public static NetworkKind parse(String text) {
        for (NetworkKind kind : values()) {
            if (kind.cliName.equalsIgnoreCase(text == null ? "" : text.trim())) {
                return kind;
            }
        }
        throw new ConfigurationException("network was '" + text + "' but allowed values are "
                + Arrays.stream(values()).map(NetworkKind::cliName).collect(Collectors.joining(", ")));
    }

    @Override
    public String toString() {
        return cliName.toLowerCase(Locale.ROOT);
    }
}
