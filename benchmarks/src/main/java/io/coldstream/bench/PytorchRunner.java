package io.coldstream.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import io.coldstream.core.SeededRandom;
import io.coldstream.model.OptimizerSettings;
import io.coldstream.model.internal.DjlModels;
import io.coldstream.model.internal.PtEngines;
import java.nio.FloatBuffer;

/**
 * The reference: the same network and batch in PyTorch (libtorch through DJL), trained with the
 * leanest loop DJL allows: copy the batch in, forward, softmax cross-entropy, backward, and
 * PyTorch's own momentum-SGD update per parameter. Intermediate arrays live in a per-step
 * {@link NDManager} that is closed after the step.
 *
 * <p>DJL's PyTorch engine has no Nesterov update, so this uses plain (heavy-ball) momentum with
 * the same learning rate and momentum; the two cost the same to within one fused kernel.
 */
final class PytorchRunner implements StepRunner {

    private final Engine engine;
    private final NDManager manager;
    private final Block block;
    private final ParameterStore parameters;
    private final Optimizer optimizer;
    private final Loss loss = Loss.softmaxCrossEntropyLoss();
    private final FloatBuffer features;
    private final Shape featureShape;
    private final NDArray labels;

    PytorchRunner(BenchCase c, int batch, long seed) {
        this.engine = PtEngines.get();
        engine.setRandomSeed((int) seed);
        this.manager = engine.newBaseManager();
        this.block = DjlModels.build(c.network(), c.numClasses());
        this.featureShape = new Shape(batch, c.shape().channels(), c.shape().height(), c.shape().width());
        block.initialize(manager, DataType.FLOAT32, featureShape);
        this.parameters = new ParameterStore(manager, false);
        OptimizerSettings settings = OptimizerSettings.defaults();
        this.optimizer = Optimizer.sgd()
                .setLearningRateTracker(Tracker.fixed((float) settings.learningRate()))
                .optMomentum((float) settings.momentum())
                .build();
        SeededRandom random = new SeededRandom(seed).derive("data");
        this.features = FloatBuffer.wrap(c.randomFeatures(batch, random));
        int[] y = c.randomLabels(batch, random);
        this.labels = manager.create(y).toType(DataType.INT64, false);
    }

    @Override
    public double step() {
        double value;
        try (NDManager scope = manager.newSubManager()) {
            features.rewind();
            NDArray x = scope.create(features, featureShape);
            try (GradientCollector collector = engine.newGradientCollector()) {
                NDList out = block.forward(parameters, new NDList(x), true);
                NDArray l = loss.evaluate(new NDList(labels), out);
                collector.backward(l);
                value = l.getFloat();
            }
            for (Pair<String, Parameter> p : block.getParameters()) {
                Parameter parameter = p.getValue();
                if (parameter.requiresGradient()) {
                    NDArray weight = parameter.getArray();
                    try (NDArray grad = weight.getGradient()) {
                        optimizer.update(parameter.getId(), weight, grad);
                    }
                }
            }
        }
        return value;
    }

    @Override
    public long parameterCount() {
        long n = 0;
        for (Pair<String, Parameter> p : block.getParameters()) {
            if (p.getValue().requiresGradient()) {
                n += p.getValue().getArray().size();
            }
        }
        return n;
    }

    @Override
    public void close() {
        manager.close();
    }
}
