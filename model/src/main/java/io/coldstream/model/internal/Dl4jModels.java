package io.coldstream.model.internal;

import io.coldstream.core.Shape;
import io.coldstream.model.NetworkKind;
import io.coldstream.model.OptimizerSettings;
import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.linalg.schedule.ScheduleType;
import org.nd4j.linalg.schedule.StepSchedule;

/** Deeplearning4j graph configurations for each {@link NetworkKind}. */
public final class Dl4jModels {

    private Dl4jModels() {
    }

    /**
     * @param kind the architecture
     * @param shape input shape, channels first
     * @param numClasses output classes
     * @param optimizer learning rate, momentum and schedule
     * @param seed weight initialisation seed
     * @return the configuration
     */
    public static ComputationGraphConfiguration configuration(NetworkKind kind, Shape shape, int numClasses,
            OptimizerSettings optimizer, long seed) {
        return switch (kind) {
            case SMALL_CNN -> smallCnn(shape, numClasses, optimizer, seed, 32, 64, 256);
            case SMALL_CNN_WIDE -> smallCnn(shape, numClasses, optimizer, seed, 64, 128, 512);
            case RESNET18 -> resnet18(shape, numClasses, optimizer, seed);
        };
    }

    /** The workspace and cache modes {@link #base} gives every network, as the backend report shows them. */
    public static final String WORKSPACE_MODE = "ENABLED (training and inference), cache mode DEVICE";

    private static NeuralNetConfiguration.Builder base(OptimizerSettings optimizer, long seed, ConvolutionMode mode) {
        Nesterovs updater = optimizer.schedule().isConstant()
                ? new Nesterovs(optimizer.learningRate(), optimizer.momentum())
                : new Nesterovs(stepSchedule(optimizer), optimizer.momentum());
        NeuralNetConfiguration.Builder b = new NeuralNetConfiguration.Builder();
        if (optimizer.weightDecay() > 0) {
            // L2 added to the gradient before the updater, as PyTorch's SGD(weight_decay) does; DL4J's
            // weightDecay(...) would apply it after the updater instead. Weights only: layers give biases
            // and batch-norm parameters no regularisation unless asked (l2Bias).
            b.l2(optimizer.weightDecay());
        }
        return b
                .seed(seed)
                .updater(updater)
                .weightInit(WeightInit.RELU)
                .convolutionMode(mode)
                // Workspaces: with them off the small CNN's step took twice as long (11 vs 22 steps/s).
                .trainingWorkspaceMode(WorkspaceMode.ENABLED)
                .inferenceWorkspaceMode(WorkspaceMode.ENABLED)
                // Keeps forward-pass intermediates for backprop instead of recomputing them: 11-17% more
                // steps/s on the small CNN (three alternating pairs of runs), bit-identical parameters,
                // also with inference calls between steps.
                .cacheMode(CacheMode.DEVICE);
    }

    private static ISchedule stepSchedule(OptimizerSettings optimizer) {
        return new StepSchedule(ScheduleType.ITERATION, optimizer.learningRate(), optimizer.schedule().gamma(),
                optimizer.schedule().stepEvery());
    }

    private static ComputationGraphConfiguration smallCnn(Shape shape, int numClasses, OptimizerSettings optimizer,
            long seed, int c1, int c2, int dense) {
        if (shape.height() < 12 || shape.width() < 12) {
            throw new IllegalArgumentException("small-cnn needs inputs of at least 12x12 but got " + shape);
        }
        return base(optimizer, seed, ConvolutionMode.Truncate).graphBuilder()
                .addInputs("input")
                .setInputTypes(InputType.convolutional(shape.height(), shape.width(), shape.channels()))
                .addLayer("conv1", new ConvolutionLayer.Builder(3, 3).nOut(c1).activation(Activation.IDENTITY).build(),
                        "input")
                .addLayer("bn1", new BatchNormalization.Builder().build(), "conv1")
                .addLayer("relu1", new ActivationLayer.Builder().activation(Activation.RELU).build(), "bn1")
                .addLayer("pool1", new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build(),
                        "relu1")
                .addLayer("conv2", new ConvolutionLayer.Builder(3, 3).nOut(c2).activation(Activation.IDENTITY).build(),
                        "pool1")
                .addLayer("bn2", new BatchNormalization.Builder().build(), "conv2")
                .addLayer("relu2", new ActivationLayer.Builder().activation(Activation.RELU).build(), "bn2")
                .addLayer("pool2", new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build(),
                        "relu2")
                .addLayer("dense", new DenseLayer.Builder().nOut(dense).activation(Activation.RELU).build(), "pool2")
                .addLayer("output", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(numClasses)
                        .activation(Activation.SOFTMAX).weightInit(WeightInit.XAVIER).build(), "dense")
                .setOutputs("output")
                .build();
    }

    private static ComputationGraphConfiguration resnet18(Shape shape, int numClasses, OptimizerSettings optimizer,
            long seed) {
        ComputationGraphConfiguration.GraphBuilder g = base(optimizer, seed, ConvolutionMode.Same).graphBuilder()
                .addInputs("input")
                .setInputTypes(InputType.convolutional(shape.height(), shape.width(), shape.channels()));
        String last = convBn(g, "stem", "input", 64, 3, 1, true);
        int[] widths = {64, 128, 256, 512};
        int in = 64;
        for (int stage = 0; stage < widths.length; stage++) {
            for (int block = 0; block < 2; block++) {
                int stride = stage > 0 && block == 0 ? 2 : 1;
                last = basicBlock(g, "s" + (stage + 1) + "b" + (block + 1), last, in, widths[stage], stride);
                in = widths[stage];
            }
        }
        g.addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), last)
                .addLayer("output", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(numClasses)
                        .activation(Activation.SOFTMAX).weightInit(WeightInit.XAVIER).build(), "pool")
                .setOutputs("output");
        return g.build();
    }

    /** A basic residual block: conv-BN-ReLU, conv-BN, plus the (projected) shortcut, then ReLU. */
    private static String basicBlock(ComputationGraphConfiguration.GraphBuilder g, String name, String input,
            int in, int out, int stride) {
        String a = convBn(g, name + "_a", input, out, 3, stride, true);
        String b = convBn(g, name + "_b", a, out, 3, 1, false);
        String shortcut = input;
        if (stride != 1 || in != out) {
            shortcut = convBn(g, name + "_proj", input, out, 1, stride, false);
        }
        g.addVertex(name + "_add", new ElementWiseVertex(ElementWiseVertex.Op.Add), b, shortcut);
        g.addLayer(name + "_relu", new ActivationLayer.Builder().activation(Activation.RELU).build(), name + "_add");
        return name + "_relu";
    }

    private static String convBn(ComputationGraphConfiguration.GraphBuilder g, String name, String input, int out,
            int kernel, int stride, boolean relu) {
        g.addLayer(name + "_conv", new ConvolutionLayer.Builder(kernel, kernel).stride(stride, stride).nOut(out)
                .hasBias(false).activation(Activation.IDENTITY).build(), input);
        g.addLayer(name + "_bn", new BatchNormalization.Builder().build(), name + "_conv");
        if (!relu) {
            return name + "_bn";
        }
        g.addLayer(name + "_relu", new ActivationLayer.Builder().activation(Activation.RELU).build(), name + "_bn");
        return name + "_relu";
    }
}
