package io.coldstream.model;

import io.coldstream.core.ConfigurationException;
import java.util.Objects;

/**
 * Stochastic gradient descent with Nesterov momentum (the optimiser CSSL and REMIND train with),
 * with optional L2 weight decay on the convolution and dense weights (not on biases or batch-norm
 * parameters).
 *
 * @param learningRate the initial learning rate, {@code > 0}
 * @param momentum the momentum coefficient, {@code [0, 1)}
 * @param schedule how the learning rate changes with steps
 * @param weightDecay the L2 coefficient {@code lambda}, {@code [0, 1)}: {@code lambda * w} is added to
 *     each weight's gradient before the momentum update (PyTorch's {@code SGD(weight_decay=...)});
 *     {@code 0} for none
 */
public record OptimizerSettings(double learningRate, double momentum, LearningRateSchedule schedule,
        double weightDecay) {

    /** Validates the parameters. */
    public OptimizerSettings {
        Objects.requireNonNull(schedule, "schedule");
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new ConfigurationException("lr was " + learningRate + " but must be a positive number");
        }
        if (!(momentum >= 0 && momentum < 1)) {
            throw new ConfigurationException("momentum was " + momentum + " but must be in [0, 1)");
        }
        if (!(weightDecay >= 0 && weightDecay < 1)) {
            throw new ConfigurationException("weight decay was " + weightDecay + " but must be in [0, 1)");
        }
    }

    /**
     * Settings without weight decay.
     *
     * @param learningRate the initial learning rate, {@code > 0}
     * @param momentum the momentum coefficient, {@code [0, 1)}
     * @param schedule how the learning rate changes with steps
     */
    public OptimizerSettings(double learningRate, double momentum, LearningRateSchedule schedule) {
        this(learningRate, momentum, schedule, 0);
    }

    /** @return learning rate 0.01, momentum 0.9, constant, no weight decay */
    public static OptimizerSettings defaults() {
        return new OptimizerSettings(0.01, 0.9, LearningRateSchedule.constant());
    }
}
