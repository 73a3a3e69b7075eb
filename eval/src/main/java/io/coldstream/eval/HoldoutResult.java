package io.coldstream.eval;

import java.util.List;
import java.util.Objects;

/**
 * The outcome of one holdout evaluation.
 *
 * @param examples examples evaluated, {@code >= 0}
 * @param correct examples predicted correctly, {@code [0, examples]}
 * @param accuracy {@code correct / examples}, or {@code NaN} when {@code examples == 0}
 * @param perClassAccuracy accuracy over the examples of each class, indexed by class; {@code NaN}
 *     for a class with no examples; empty when not measured
 */
public record HoldoutResult(int examples, int correct, double accuracy, List<Double> perClassAccuracy) {

    private static final double TOLERANCE = 1e-9;

    /** Checks that the counts agree with each other and with the accuracies; copies the list. */
    public HoldoutResult {
        if (examples < 0) {
            throw new IllegalArgumentException("holdout examples was " + examples + " but must be >= 0");
        }
        if (correct < 0 || correct > examples) {
            throw new IllegalArgumentException("holdout correct was " + correct + " but must be in [0, "
                    + examples + "]");
        }
        if (examples == 0 ? !Double.isNaN(accuracy)
                : !(Math.abs(accuracy - (double) correct / examples) <= TOLERANCE)) {
            throw new IllegalArgumentException("holdout accuracy was " + accuracy + " but " + correct + " correct of "
                    + examples + " is " + (examples == 0 ? "NaN" : String.valueOf((double) correct / examples)));
        }
        perClassAccuracy = List.copyOf(Objects.requireNonNull(perClassAccuracy, "perClassAccuracy"));
        for (int c = 0; c < perClassAccuracy.size(); c++) {
            double value = perClassAccuracy.get(c);
            if (!Double.isNaN(value) && (value < 0 || value > 1)) {
                throw new IllegalArgumentException("accuracy of class " + c + " was " + value
                        + " but must be in [0, 1] or NaN");
            }
        }
    }

    /**
     * A result without per-class figures.
     *
     * @param examples examples evaluated
     * @param correct examples predicted correctly
     * @param accuracy {@code correct / examples}, or {@code NaN} when {@code examples == 0}
     */
    public HoldoutResult(int examples, int correct, double accuracy) {
        this(examples, correct, accuracy, List.of());
    }

    /**
     * @param examples examples evaluated
     * @param correct examples predicted correctly
     * @return the result with its accuracy computed and no per-class figures
     */
    public static HoldoutResult of(int examples, int correct) {
        return new HoldoutResult(examples, correct, examples == 0 ? Double.NaN : (double) correct / examples);
    }
}
