package io.coldstream.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.coldstream.core.MiniBatch;
import io.coldstream.core.Shape;
import io.coldstream.model.internal.Dl4jNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The Deeplearning4j engine keeps the {@link NetworkContract}, and its inference plan computes what its graph does. */
class Dl4jNetworkIT extends NetworkContract {

    @Override
    NetworkEngine engine() {
        return NetworkEngine.DL4J;
    }

    @Override
    boolean released(Network net) {
        return ((Dl4jNetwork) net).released();
    }

    @Test
    void theInferencePlanAnswersWhatTheGraphComputesAfterEveryKindOfChange() {
        check(NetworkKind.SMALL_CNN, MNIST);
        check(NetworkKind.SMALL_CNN_WIDE, new Shape(3, 32, 32));
    }

    @Test
    void batchNormFoldsWithItsEpsilonAlsoOnChannelsOfTinyVariance() {
        try (Network net = Networks.create(engine(), NetworkKind.SMALL_CNN, MNIST, 10, OptimizerSettings.defaults(), 1,
                33)) {
            net.fit(randomBatch(MNIST, 10, 33, 4));
            // running variances of 1e-5 (log10 of the standard deviation, as Deeplearning4j keeps
            // them) with gamma 0.005, so that activations stay moderate and the softmax does not
            // saturate: with eps = 1e-5 left out the scale would be 1.58 instead of 1.12; near a
            // variance of 1 the difference is 5e-6 and the other tests cannot see it
            for (String bn : new String[] {"bn1", "bn2"}) {
                org.deeplearning4j.nn.api.Layer layer = ((Dl4jNetwork) net).graph().getLayer(bn);
                layer.getParam("log10stdev").assign(-2.5);
                layer.getParam("gamma").assign(0.005);
            }
            assertSameAsGraph(net, randomBatch(MNIST, 10, 5, 3), 5, "tiny variances");
        }
    }

    private void check(NetworkKind kind, Shape shape) {
        MiniBatch batch = randomBatch(shape, 10, 45, 3);
        try (Network net = Networks.create(engine(), kind, shape, 10, OptimizerSettings.defaults(), 1, 64);
                Network average = Networks.create(engine(), kind, shape, 10, OptimizerSettings.defaults(), 2, 64)) {
            Dl4jNetwork dl4j = (Dl4jNetwork) net;
            assertThat(dl4j.inferencePath()).isEqualTo("outputSingle: not compiled yet");
            MiniBatch first = randomBatch(shape, 10, 33, 4);
            for (int i = 0; i < 3; i++) {
                net.fit(first); // batch-norm statistics and weights away from their start
            }
            // 1 row, rows inside one pass, exactly one pass, and more rows than a pass holds (split)
            for (int rows : new int[] {1, 5, 32, 45}) {
                assertSameAsGraph(net, batch, rows, kind + " " + rows + " rows");
            }
            assertThat(dl4j.inferencePath()).isEqualTo("inference plan");
            net.fit(first); // the plan's folded weights must follow the parameters
            assertSameAsGraph(net, batch, 7, kind + " after a fit");
            net.averageInto(average, 0.5);
            assertSameAsGraph(average, batch, 7, kind + " after an average into it");
            net.copyTo(average);
            assertSameAsGraph(average, batch, 7, kind + " after a copy into it");
        }
    }

    private static void assertSameAsGraph(Network net, MiniBatch batch, int rows, String what) {
        float[] p = new float[rows * 10];
        net.predictProbabilities(batch.features(), rows, p);
        Shape s = net.inputShape();
        INDArray x = Nd4j.create(DataType.FLOAT, rows, s.channels(), s.height(), s.width());
        x.data().asNioFloat().put(batch.features(), 0, rows * s.elementCount());
        INDArray expected = ((Dl4jNetwork) net).graph().outputSingle(false, x);
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < 10; c++) {
                assertThat(p[r * 10 + c]).as("%s: row %d class %d", what, r, c)
                        .isCloseTo(expected.getFloat(r, c), org.assertj.core.data.Offset.offset(1e-5f));
            }
        }
    }
}
