package io.coldstream.model;

import io.coldstream.core.ConfigurationException;

/**
 * How the learning rate changes with optimiser steps.
 *
 * @param stepEvery for a step schedule, multiply the rate by {@code gamma} every this many steps;
 *     {@code 0} means a constant rate
 * @param gamma the factor applied every {@code stepEvery} steps, in {@code (0, 1]}
 */
public record LearningRateSchedule(long stepEvery, double gamma) {

    /** Validates the parameters. */
    public LearningRateSchedule {
        if (stepEvery < 0) {
            throw new ConfigurationException("lr schedule step was " + stepEvery + " but must be >= 0");
        }
        if (!(gamma > 0 && gamma <= 1)) {
            throw new ConfigurationException("lr schedule gamma was " + gamma + " but must be in (0, 1]");
        }
    }

    /** @return a constant learning rate */
    public static LearningRateSchedule constant() {
        return new LearningRateSchedule(0, 1);
    }

    /** @return {@code true} for a constant rate */
    public boolean isConstant() {
        return stepEvery == 0 || gamma == 1;
    }

    /**
     * @param text {@code constant}, or {@code step:EVERY:GAMMA} such as {@code step:5000:0.5}
     * @return the schedule
     * @throws ConfigurationException naming the value and the accepted forms
     */
    public static LearningRateSchedule parse(String text) {
        String t = text == null ? "" : text.trim();
        if (t.equalsIgnoreCase("constant")) {
            return constant();
        }
        String[] parts = t.split(":");
        if (parts.length == 3 && parts[0].equalsIgnoreCase("step")) {
            try {
                return new LearningRateSchedule(Long.parseLong(parts[1]), Double.parseDouble(parts[2]));
            } catch (NumberFormatException e) {
                // fall through to the message below
            }
        }
        throw new ConfigurationException("lr schedule was '" + text
                + "' but allowed forms are 'constant' and 'step:EVERY:GAMMA' (such as step:5000:0.5)");
    }

    @Override
    public String toString() {
        return isConstant() ? "constant" : "step:" + stepEvery + ":" + gamma;
    }
}
