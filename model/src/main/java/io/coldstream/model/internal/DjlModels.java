package io.coldstream.model.internal;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import io.coldstream.model.NetworkKind;
import java.util.List;

/**
 * The networks of {@link Dl4jModels}, layer for layer, as DJL blocks for the PyTorch engine: same
 * kernels, widths, padding, pooling, batch normalisation and bias placement. The blocks end in
 * logits; the softmax is part of the loss and of {@code argmax} in prediction.
 */
public final class DjlModels {

    private DjlModels() {
    }

    /**
     * @param kind the architecture
     * @param numClasses output classes
     * @return an uninitialised block
     */
    public static Block build(NetworkKind kind, int numClasses) {
        return switch (kind) {
            case SMALL_CNN -> smallCnn(numClasses, 32, 64, 256);
            case SMALL_CNN_WIDE -> smallCnn(numClasses, 64, 128, 512);
            case RESNET18 -> resnet18(numClasses);
        };
    }

    /** convC1-BN-ReLU-maxpool, convC2-BN-ReLU-maxpool, dense ReLU, dense to logits (no padding). */
    private static Block smallCnn(int numClasses, int c1, int c2, int dense) {
        return new SequentialBlock()
                .add(conv(c1, 3, 1, 0, true))
                .add(BatchNorm.builder().build())
                .add(Activation.reluBlock())
                .add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
                .add(conv(c2, 3, 1, 0, true))
                .add(BatchNorm.builder().build())
                .add(Activation.reluBlock())
                .add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(dense).build())
                .add(Activation.reluBlock())
                .add(Linear.builder().setUnits(numClasses).build());
    }

    /** The CIFAR form of ResNet-18: a 3x3 stem, four stages of two basic blocks, global average pooling. */
    private static Block resnet18(int numClasses) {
        SequentialBlock net = new SequentialBlock()
                .add(conv(64, 3, 1, 1, false))
                .add(BatchNorm.builder().build())
                .add(Activation.reluBlock());
        int[] widths = {64, 128, 256, 512};
        int in = 64;
        for (int stage = 0; stage < widths.length; stage++) {
            for (int block = 0; block < 2; block++) {
                int stride = stage > 0 && block == 0 ? 2 : 1;
                net.add(basicBlock(in, widths[stage], stride));
                in = widths[stage];
            }
        }
        return net.add(Pool.globalAvgPool2dBlock())
                .add(Linear.builder().setUnits(numClasses).build());
    }

    private static Block basicBlock(int in, int out, int stride) {
        Block main = new SequentialBlock()
                .add(conv(out, 3, stride, 1, false))
                .add(BatchNorm.builder().build())
                .add(Activation.reluBlock())
                .add(conv(out, 3, 1, 1, false))
                .add(BatchNorm.builder().build());
        Block shortcut = stride != 1 || in != out
                ? new SequentialBlock().add(conv(out, 1, stride, 0, false)).add(BatchNorm.builder().build())
                : Blocks.identityBlock();
        return new SequentialBlock()
                .add(new ParallelBlock(
                        outputs -> new NDList(outputs.get(0).singletonOrThrow().add(outputs.get(1).singletonOrThrow())),
                        List.of(main, shortcut)))
                .add(Activation.reluBlock());
    }

    private static Block conv(int filters, int kernel, int stride, int padding, boolean bias) {
        return Conv2d.builder()
                .setKernelShape(new Shape(kernel, kernel))
                .optStride(new Shape(stride, stride))
                .optPadding(new Shape(padding, padding))
                .setFilters(filters)
                .optBias(bias)
                .build();
    }
}
