package io.coldstream.eval;

import io.coldstream.core.Example;
import io.coldstream.core.MiniBatch;
import io.coldstream.core.Shape;
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

    private final Shape shape;
    private final int numClasses;
    private final int size;
    private final int rowLength;
    private final int batchRows;
    private final byte[] pixels;
    private final int[] labels;
    private final int[] examplesPerClass;
    private final int[] correctPerClass;
    private final float[] features;
    private final int[] predicted;

    /**
     * @param examples the holdout set, at least one example, all of one shape; copied
     * @param numClasses number of classes, {@code >= 2}; every label must be below it
     * @param batchSize the most rows per {@link Classifier#predict} call, {@code >= 1}
     */
    public HoldoutEvaluator(List<Example> examples, int numClasses, int batchSize) {
        Objects.requireNonNull(examples, "examples");
        if (examples.isEmpty()) {
            throw new IllegalArgumentException("holdout set is empty; it needs at least one example");
        }
        if (numClasses < 2) {
            throw new IllegalArgumentException("numClasses was " + numClasses + " but must be >= 2");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("holdout batch size was " + batchSize + " but must be >= 1");
        }
        this.shape = examples.get(0).shape();
        this.numClasses = numClasses;
        this.size = examples.size();
        this.rowLength = shape.elementCount();
        this.batchRows = Math.min(batchSize, size);
        if ((long) size * rowLength > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a holdout set of " + size + " examples of " + shape
                    + " is more than 2^31-1 bytes");
        }
        this.pixels = new byte[size * rowLength];
        this.labels = new int[size];
        this.examplesPerClass = new int[numClasses];
        for (int i = 0; i < size; i++) {
            Example example = Objects.requireNonNull(examples.get(i), "holdout example");
            if (!example.shape().equals(shape)) {
                throw new IllegalArgumentException("holdout example " + i + " (id " + example.id() + ") has shape "
                        + example.shape() + " but the first has " + shape + "; all must have one shape");
            }
            if (example.label() >= numClasses) {
                throw new IllegalArgumentException("holdout example " + i + " (id " + example.id() + ") has label "
                        + example.label() + " but labels must be in [0, " + numClasses + ")");
            }
            System.arraycopy(example.pixels(), 0, pixels, i * rowLength, rowLength);
            labels[i] = example.label();
            examplesPerClass[example.label()]++;
        }
        this.correctPerClass = new int[numClasses];
        this.features = new float[batchRows * rowLength];
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
        int correct = 0;
        for (int start = 0; start < size; start += batchRows) {
            int count = Math.min(batchRows, size - start);
            fill(start, count);
            Arrays.fill(predicted, -1);
            classifier.predict(features, count, predicted);
            for (int row = 0; row < count; row++) {
                int p = predicted[row];
                if (p < 0 || p >= numClasses) {
                    throw new IllegalStateException("classifier predicted class " + p + " for holdout example "
                            + (start + row) + " but classes are [0, " + numClasses + ")"
                            + (p == -1 ? "; did it write every one of the " + count + " rows?" : ""));
                }
                if (p == labels[start + row]) {
                    correct++;
                    correctPerClass[p]++;
                }
            }
        }
        List<Double> perClass = new ArrayList<>(numClasses);
        for (int c = 0; c < numClasses; c++) {
            perClass.add(examplesPerClass[c] == 0 ? Double.NaN : (double) correctPerClass[c] / examplesPerClass[c]);
        }
        return new HoldoutResult(size, correct, (double) correct / size, perClass);
    }

    private void fill(int start, int count) {
        int base = start * rowLength;
        int length = count * rowLength;
        for (int i = 0; i < length; i++) {
            features[i] = (pixels[base + i] & 0xff) * MiniBatch.PIXEL_SCALE;
        }
        // Zero the rows not in use so that a classifier that reads them sees the same input every time.
        Arrays.fill(features, length, features.length, 0f);
    }

    /** @return the number of holdout examples */
    public int size() {
        return size;
    }

    /** @return the shape of every holdout example */
    public Shape shape() {
        return shape;
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
        Objects.checkIndex(c, numClasses);
        return examplesPerClass[c];
    }
}
