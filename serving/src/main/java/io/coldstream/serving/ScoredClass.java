package io.coldstream.serving;

/**
 * One class and its probability, as listed in a prediction's top-k.
 *
 * @param label the class index, {@code 0 <= label < numClasses}
 * @param probability its softmax probability, in {@code [0, 1]}
 */
public record ScoredClass(int label, float probability) {
}
