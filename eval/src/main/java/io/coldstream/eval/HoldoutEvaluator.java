package io.coldstream.eval;

import io.coldstream.core.Example;
import io.coldstream.core.MiniBatch;
import io.coldstream.core.Shape;
import io.coldstream.eval.internal.PixelRows;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Accuracy on a fixed holdout set, evaluated periodically while the stream is trained on
 * (the "holdout" estimate of Gama, Sebastiao and Rodrigues, "On evaluating stream learning
 * algorithms", Machine Learning 2013, next to the prequential one).
 *
 * <p>The examples' pixels are copied once at construction; {@link #evaluate} feeds them to the
 * classifier in batches of at most {@code batchSize} rows through one feature array allocated
 * once, pixels scaled by {@link MiniBatch#PIXEL_SCALE} exactly as training scales them. Only the
 * returned result is allocated per evaluation. Not thread-safe: the buffers are shared between
 * calls.
 */
public final class HoldoutEvaluator {

    private final PixelRows rows;
    private final int numClasses;
    private final int batchRows;
    private final int[] correctPerClass;
    private final float[] features;
    private final int[] predicted;

    /**
     * @param examples the holdout set, at least one example, all of one shape; copied
     * @param numClasses number of classes, {@code >= 2}; every label must be below it
     * @param batchSize the most rows per {@link Classifier#predict} call, {@code >= 1}
     */
    public HoldoutEvaluator(List<Example> examples, int numClasses, int batchSize) {
        this.rows = new PixelRows(examples, numClasses, "holdout");
        if (batchSize < 1) {
            throw new IllegalArgumentException("holdout batch size was " + batchSize + " but must be >= 1");
        }
        this.numClasses = numClasses;
        this.batchRows = Math.min(batchSize, rows.size());
        this.correctPerClass = new int[numClasses];
        this.features = new float[batchRows * rows.shape().elementCount()];
        this.predicted = new int[batchRows];
    }

    /**
     * Predicts every holdout example and counts the correct ones.
     *
     * @param classifier the model; called {@code ceil(size / batchSize)} times
     * @return the accuracy overall and per class
     * @throws IllegalStateException if the classifier leaves a row without a prediction or
     *     predicts a class outside {@code [0, numClasses)}
     */
    public HoldoutResult evaluate(Classifier classifier) {
        Objects.requireNonNull(classifier, "classifier");
        Arrays.fill(correctPerClass, 0);
        int size = rows.size();
        int correct = 0;
        for (int start = 0; start < size; start += batchRows) {
            int count = Math.min(batchRows, size - start);
            rows.fill(start, count, features);
            Arrays.fill(predicted, -1);
            classifier.predict(features, count, predicted);
            for (int row = 0; row < count; row++) {
                int p = predicted[row];
                if (p < 0 || p >= numClasses) {
                    throw new IllegalStateException("classifier predicted class " + p + " for holdout example "
                            + (start + row) + " but classes are [0, " + numClasses + ")"
                            + (p == -1 ? "; did it write every one of the " + count + " rows?" : ""));
                }
                if (p == rows.label(start + row)) {
                    correct++;
                    correctPerClass[p]++;
                }
            }
        }
        List<Double> perClass = new ArrayList<>(numClasses);
        for (int c = 0; c < numClasses; c++) {
            int examples = rows.examplesOfClass(c);
            perClass.add(examples == 0 ? Double.NaN : (double) correctPerClass[c] / examples);
        }
        return new HoldoutResult(size, correct, (double) correct / size, perClass);
    }

    /** @return the number of holdout examples */
    public int size() {
        return rows.size();
    }

    /** @return the shape of every holdout example */
    public Shape shape() {
        return rows.shape();
    }

    /** @return the number of classes */
    public int numClasses() {
        return numClasses;
    }

    /** @return the most rows per classifier call: {@code min(batchSize, size())} */
    public int batchSize() {
        return batchRows;
    }

    /**
     * @param c a class, {@code [0, numClasses)}
     * @return how many holdout examples have class {@code c}
     */
    public int examplesOfClass(int c) {
        return rows.examplesOfClass(c);
    }
}
