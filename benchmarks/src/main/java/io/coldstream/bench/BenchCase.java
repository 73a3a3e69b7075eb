package io.coldstream.bench;

import io.coldstream.core.Shape;
import io.coldstream.core.SeededRandom;
import io.coldstream.model.NetworkKind;
import java.util.List;

/**
 * One network on one input shape, trained with batches of one new example plus {@code replayK}
 * replayed ones.
 *
 * @param network the architecture
 * @param shape input shape, channels first
 * @param numClasses output classes
 */
record BenchCase(NetworkKind network, Shape shape, int numClasses) {

    /** The engine suite's cases: the small CNN on Fashion-MNIST and CIFAR shapes, ResNet-18 on CIFAR-100's. */
    static List<BenchCase> engineSuite() {
        return List.of(
                new BenchCase(NetworkKind.SMALL_CNN, new Shape(1, 28, 28), 10),
                new BenchCase(NetworkKind.SMALL_CNN, new Shape(3, 32, 32), 100),
                new BenchCase(NetworkKind.RESNET18, new Shape(3, 32, 32), 100));
    }

    /** @return e.g. {@code small-cnn-1x28x28} */
    String name() {
        return network.cliName() + "-" + shape.channels() + "x" + shape.height() + "x" + shape.width();
    }

    /**
     * @param rows batch rows
     * @param random source of the pixels
     * @return {@code rows} random images in {@code [0,1]}, NCHW
     */
    float[] randomFeatures(int rows, SeededRandom random) {
        float[] x = new float[rows * shape.elementCount()];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextInt(256) / 255f;
        }
        return x;
    }

    /**
     * @param rows batch rows
     * @param random source of the labels
     * @return {@code rows} labels in {@code [0, numClasses)}
     */
    int[] randomLabels(int rows, SeededRandom random) {
        int[] y = new int[rows];
        for (int i = 0; i < rows; i++) {
            y[i] = random.nextInt(numClasses);
        }
        return y;
    }
}
