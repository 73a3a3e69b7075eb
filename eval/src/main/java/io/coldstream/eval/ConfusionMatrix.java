package io.coldstream.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Counts of test examples by true class and predicted (top-1) class: {@code count(actual, predicted)}.
 * Row {@code actual} sums to that class's test examples, the diagonal holds the correct ones.
 * Immutable and thread-safe; equal when the counts are.
 */
public final class ConfusionMatrix {

    private final int numClasses;
    private final int[] counts;

    private ConfusionMatrix(int numClasses, int[] counts) {
        this.numClasses = numClasses;
        this.counts = counts;
    }

    /**
     * @param numClasses number of classes, {@code >= 1}
     * @param counts {@code numClasses x numClasses} counts, row-major by true class: the count of class
     *     {@code a} predicted as {@code p} at {@code a * numClasses + p}; copied
     * @return the matrix
     * @throws IllegalArgumentException if the array has the wrong length or a negative count
     */
    public static ConfusionMatrix of(int numClasses, int[] counts) {
        Objects.requireNonNull(counts, "counts");
        if (numClasses < 1 || (long) numClasses * numClasses != counts.length) {
            throw new IllegalArgumentException("a confusion matrix of " + numClasses + " classes needs "
                    + (long) numClasses * numClasses + " counts but " + counts.length + " were given");
        }
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] < 0) {
                throw new IllegalArgumentException("confusion count of class " + i / numClasses + " predicted as "
                        + i % numClasses + " was " + counts[i] + " but must be >= 0");
            }
        }
        return new ConfusionMatrix(numClasses, counts.clone());
    }

    /**
     * @param rows one row per true class, each with one count per predicted class
     * @return the matrix
     * @throws IllegalArgumentException if the rows are not square or a count is negative
     */
    public static ConfusionMatrix ofRows(List<List<Integer>> rows) {
        Objects.requireNonNull(rows, "rows");
        int n = rows.size();
        int[] counts = new int[n * n];
        for (int a = 0; a < n; a++) {
            List<Integer> row = Objects.requireNonNull(rows.get(a), "confusion row");
            if (row.size() != n) {
                throw new IllegalArgumentException("confusion row " + a + " has " + row.size() + " counts but a matrix"
                        + " of " + n + " rows needs " + n + " in each");
            }
            for (int p = 0; p < n; p++) {
                counts[a * n + p] = row.get(p);
            }
        }
        return of(n, counts);
    }

    /** @return the number of classes: rows and columns */
    public int numClasses() {
        return numClasses;
    }

    /**
     * @param actual the true class
     * @param predicted the predicted class
     * @return how many test examples of class {@code actual} were predicted as {@code predicted}
     */
    public int count(int actual, int predicted) {
        Objects.checkIndex(actual, numClasses);
        Objects.checkIndex(predicted, numClasses);
        return counts[actual * numClasses + predicted];
    }

    /**
     * @param actual a true class
     * @return its test examples: the sum of its row
     */
    public int actualTotal(int actual) {
        Objects.checkIndex(actual, numClasses);
        int sum = 0;
        for (int p = 0; p < numClasses; p++) {
            sum += counts[actual * numClasses + p];
        }
        return sum;
    }

    /** @return every counted example */
    public long total() {
        long sum = 0;
        for (int count : counts) {
            sum += count;
        }
        return sum;
    }

    /** @return the correct ones: the sum of the diagonal */
    public long correct() {
        long sum = 0;
        for (int c = 0; c < numClasses; c++) {
            sum += counts[c * numClasses + c];
        }
        return sum;
    }

    /** @return the counts as one list per true class, each of one count per predicted class */
    public List<List<Integer>> rows() {
        List<List<Integer>> rows = new ArrayList<>(numClasses);
        for (int a = 0; a < numClasses; a++) {
            List<Integer> row = new ArrayList<>(numClasses);
            for (int p = 0; p < numClasses; p++) {
                row.add(counts[a * numClasses + p]);
            }
            rows.add(List.copyOf(row));
        }
        return List.copyOf(rows);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConfusionMatrix other && other.numClasses == numClasses
                && Arrays.equals(other.counts, counts);
    }

    @Override
    public int hashCode() {
        return 31 * numClasses + Arrays.hashCode(counts);
    }

    @Override
    public String toString() {
        return "ConfusionMatrix[" + numClasses + " classes, " + total() + " examples, " + correct() + " correct]";
    }
}
