package io.coldstream.bench;

import io.coldstream.core.SeededRandom;
import io.coldstream.model.OptimizerSettings;
import io.coldstream.model.internal.Dl4jModels;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Bare Deeplearning4j: {@code ComputationGraph.fit} on one prepared batch, the same graph
 * configuration Coldstream builds, with no replay, augmentation, prediction or copying.
 */
final class Dl4jBareRunner implements StepRunner {

    private final ComputationGraph graph;
    private final INDArray[] features;
    private final INDArray[] labels;

    Dl4jBareRunner(BenchCase c, int batch, long seed) {
        this.graph = new ComputationGraph(
                Dl4jModels.configuration(c.network(), c.shape(), c.numClasses(), OptimizerSettings.defaults(), seed));
        graph.init();
        SeededRandom random = new SeededRandom(seed).derive("data");
        float[] x = c.randomFeatures(batch, random);
        int[] y = c.randomLabels(batch, random);
        float[] oneHot = new float[batch * c.numClasses()];
        for (int i = 0; i < batch; i++) {
            oneHot[i * c.numClasses() + y[i]] = 1f;
        }
        this.features = new INDArray[] {Nd4j.create(x, new long[] {batch, c.shape().channels(), c.shape().height(),
                c.shape().width()}, DataType.FLOAT)};
        this.labels = new INDArray[] {Nd4j.create(oneHot, new long[] {batch, c.numClasses()}, DataType.FLOAT)};
    }

    @Override
    public double step() {
        graph.fit(features, labels);
        return graph.score();
    }

    @Override
    public long parameterCount() {
        return graph.numParams();
    }

    @Override
    public void close() {
        features[0].close();
        labels[0].close();
    }
}
