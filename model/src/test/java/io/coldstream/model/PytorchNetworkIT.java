package io.coldstream.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/** The PyTorch-through-DJL engine keeps the {@link NetworkContract}, with the same layers as DL4J's. */
class PytorchNetworkIT extends NetworkContract {

    @Override
    NetworkEngine engine() {
        return NetworkEngine.PYTORCH;
    }

    @Test
    void theSmallCnnHasTheDeeplearning4jLayers() {
        try (Network net = smallCnn(1); Network dl4j = Networks.create(NetworkEngine.DL4J, NetworkKind.SMALL_CNN,
                MNIST, 10, OptimizerSettings.defaults(), 1, 33)) {
            // the same layers; Deeplearning4j also counts the batch-norm running mean and variance
            assertThat(dl4j.parameterCount() - net.parameterCount()).isEqualTo(2L * (32 + 64));
        }
    }

    @Test
    void itsModelFileHoldsTheDescriptorAndTheMomentum() throws Exception {
        Path file = dir.resolve("model.zip");
        try (Network net = smallCnn(3)) {
            net.fit(randomBatch(MNIST, 10, 4, 1));
            net.save(file, true);
        }
        try (ZipFile zip = new ZipFile(file.toFile())) {
            assertThat(zip.getEntry("coldstream-pytorch.json")).isNotNull();
            assertThat(zip.getEntry("optimizer.bin")).isNotNull();
        }
    }

    @Override
    boolean released(Network net) {
        return ((io.coldstream.model.internal.PtNetwork) net).released();
    }
}
