package io.coldstream.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.coldstream.core.MiniBatch;
import io.coldstream.core.SeededRandom;
import io.coldstream.core.Shape;
import org.junit.jupiter.api.Test;

class NetworksIT {

    @Test
    void smallCnnHasAFewHundredThousandParameters() {
        try (Network net = Networks.create(NetworkKind.SMALL_CNN, new Shape(1, 28, 28), 10,
                OptimizerSettings.defaults(), 1, 51)) {
            assertThat(net.parameterCount()).isBetween(300_000L, 600_000L);
        }
    }

    @Test
    void resnet18TrainsEveryLayerOnCifarShapedInput() {
        try (Network net = Networks.create(NetworkKind.RESNET18, new Shape(3, 32, 32), 100,
                OptimizerSettings.defaults(), 1, 4)) {
            // ResNet-18 for CIFAR: about 11.2M parameters
            assertThat(net.parameterCount()).isBetween(11_000_000L, 11_400_000L);
            MiniBatch batch = new MiniBatch(4, new Shape(3, 32, 32), 100);
            SeededRandom random = new SeededRandom(3);
            byte[] pixels = new byte[3 * 32 * 32];
            for (int row = 0; row < 4; row++) {
                for (int i = 0; i < pixels.length; i++) {
                    pixels[i] = (byte) random.nextInt(256);
                }
                batch.setRow(row, pixels, 0, row * 7);
            }
            batch.setSize(4);
            float[] before = net.parameters();
            double loss = net.fit(batch);
            float[] after = net.parameters();
            assertThat(loss).isPositive().isFinite();
            // cold start, nothing frozen: the first and the last parameters both move
            assertThat(after[0]).isNotEqualTo(before[0]);
            assertThat(after[after.length - 1]).isNotEqualTo(before[before.length - 1]);
            int[] predicted = new int[4];
            net.predict(batch.features(), 4, predicted);
            assertThat(java.util.Arrays.stream(predicted).boxed().toList()).allSatisfy(p -> assertThat(p).isBetween(0, 99));
            // its residual additions are not a chain of layers: it predicts through the graph, and says why
            assertThat(((io.coldstream.model.internal.Dl4jNetwork) net).inferencePath())
                    .startsWith("outputSingle: vertex").contains("is not a layer fed by the one before it");
        }
    }
}
