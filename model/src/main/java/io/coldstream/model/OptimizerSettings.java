package io.coldstream.model;

import io.coldstream.core.ConfigurationException;
import java.util.Objects;

/**
 * Stochastic gradient descent with Nesterov momentum (the optimiser CSSL and REMIND train with).
 *
 * @param learningRate the initial learning rate, {@code > 0}
 * @param momentum the momentum coefficient, {@code [0, 1)}
 * @param schedule how the learning rate changes with steps
 */
public record OptimizerSettings(double learningRate, double momentum, LearningRateSchedule schedule) {

    /** Validates the parameters. */
    public OptimizerSettings {
        Objects.requireNonNull(schedule, "schedule");
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new ConfigurationException("lr was " + learningRate + " but must be a positive number");
        }
        if (!(momentum >= 0 && momentum < 1)) {
            throw new ConfigurationException("momentum was " + momentum + " but must be in [0, 1)");
        }
    }

    /** @return learning rate 0.01, momentum 0.9, constant */
    public static OptimizerSettings defaults() {
        return new OptimizerSettings(0.01, 0.9, LearningRateSchedule.constant());
    }
}
