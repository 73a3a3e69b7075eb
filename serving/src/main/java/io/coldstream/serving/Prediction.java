package io.coldstream.serving;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The answer to one {@link ModelHandle#predict} call: for each input row, the probability of every
 * class (softmax output), the most probable class and the top k, and the snapshot version that
 * computed all of it (every row of one prediction comes from the same model). Immutable.
 */
public final class Prediction {

    private final String version;
    private final int rows;
    private final int numClasses;
    private final int topK;
    private final float[] probabilities;

    /**
     * @param version the snapshot version that answered
     * @param rows input rows
     * @param numClasses classes per row
     * @param topK classes listed by {@link #topK(int)}
     * @param probabilities {@code rows * numClasses} probabilities, row by row; owned by this object from now on
     */
    Prediction(String version, int rows, int numClasses, int topK, float[] probabilities) {
        this.version = version;
        this.rows = rows;
        this.numClasses = numClasses;
        this.topK = Math.min(topK, numClasses);
        this.probabilities = probabilities;
    }

    /** @return the snapshot version that computed this prediction, such as {@code v000007} */
    public String version() {
        return version;
    }

    /** @return the number of input rows answered */
    public int rows() {
        return rows;
    }

    /** @return the number of classes */
    public int numClasses() {
        return numClasses;
    }

    /**
     * @param row an input row
     * @return a copy of its class probabilities, summing to 1
     */
    public float[] probabilities(int row) {
        check(row);
        return Arrays.copyOfRange(probabilities, row * numClasses, (row + 1) * numClasses);
    }

    /**
     * @param row an input row
     * @param label a class
     * @return the row's probability of that class
     */
    public float probability(int row, int label) {
        check(row);
        if (label < 0 || label >= numClasses) {
            throw new IndexOutOfBoundsException("class was " + label + " but must be in [0, " + numClasses + ")");
        }
        return probabilities[row * numClasses + label];
    }

    /**
     * @param row an input row
     * @return its most probable class (the lowest index on a tie)
     */
    public int predictedClass(int row) {
        check(row);
        int at = row * numClasses;
        int best = 0;
        for (int c = 1; c < numClasses; c++) {
            if (probabilities[at + c] > probabilities[at + best]) {
                best = c;
            }
        }
        return best;
    }

    /**
     * @param row an input row
     * @return its k most probable classes, most probable first (ties by lower index)
     */
    public List<ScoredClass> topK(int row) {
        check(row);
        int at = row * numClasses;
        Integer[] order = new Integer[numClasses];
        for (int c = 0; c < numClasses; c++) {
            order[c] = c;
        }
        Arrays.sort(order, (a, b) -> {
            int byP = Float.compare(probabilities[at + b], probabilities[at + a]);
            return byP != 0 ? byP : Integer.compare(a, b);
        });
        List<ScoredClass> top = new ArrayList<>(topK);
        for (int i = 0; i < topK; i++) {
            top.add(new ScoredClass(order[i], probabilities[at + order[i]]));
        }
        return top;
    }

    private void check(int row) {
        if (row < 0 || row >= rows) {
            throw new IndexOutOfBoundsException("row was " + row + " but must be in [0, " + rows + ")");
        }
    }

    @Override
    public String toString() {
        return "Prediction[version=" + version + ", rows=" + rows + ", first=" + (rows > 0 ? topK(0) : List.of()) + "]";
    }
}
