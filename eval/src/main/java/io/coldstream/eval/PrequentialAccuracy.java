package io.coldstream.eval;

import io.coldstream.core.DataException;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Locale;

/**
 * Prequential (test-then-train) accuracy: each example is first predicted, the prediction is
 * recorded here, and only then is the model trained on it (Dawid, "Statistical theory: the
 * prequential approach", JRSS A 1984; Gama, Sebastiao and Rodrigues, "On evaluating stream
 * learning algorithms", Machine Learning 2013). Kept overall and over a sliding window of the
 * last {@link #window()} predictions, which follows a drifting or class-incremental stream
 * where the overall figure lags.
 *
 * <p>{@link #record} does not allocate: the window is a ring of bits allocated once. Not
 * thread-safe: one instance belongs to the trainer thread.
 */
public final class PrequentialAccuracy {

    private static final int FORMAT = 1;

    private final int window;
    private final long[] ring;
    private int next;
    private int windowFilled;
    private int windowHits;
    private long seen;
    private long hits;

    /** @param window how many of the latest predictions the windowed accuracy covers, {@code >= 1} */
    public PrequentialAccuracy(int window) {
        if (window < 1) {
            throw new IllegalArgumentException("prequential window was " + window + " but must be >= 1");
        }
        this.window = window;
        this.ring = new long[(window + 63) >>> 6];
    }

    /**
     * Records one prediction, made before the model saw the example's label.
     *
     * @param predicted the predicted class
     * @param actual the true class, {@code >= 0}
     */
    public void record(int predicted, int actual) {
        if (actual < 0) {
            throw new IllegalArgumentException("actual class was " + actual + " but must be >= 0");
        }
        boolean hit = predicted == actual;
        int word = next >>> 6;
        long bit = 1L << (next & 63);
        if (windowFilled == window) {
            if ((ring[word] & bit) != 0) {
                windowHits--;
            }
        } else {
            windowFilled++;
        }
        if (hit) {
            ring[word] |= bit;
            windowHits++;
            hits++;
        } else {
            ring[word] &= ~bit;
        }
        seen++;
        next = next + 1 == window ? 0 : next + 1;
    }

    /** @return predictions recorded since construction (or the restored state) */
    public long seen() {
        return seen;
    }

    /** @return correct predictions among {@link #seen()} */
    public long hits() {
        return hits;
    }

    /** @return {@code hits / seen}, in {@code [0, 1]}; {@code NaN} before the first record */
    public double accuracy() {
        return seen == 0 ? Double.NaN : (double) hits / seen;
    }

    /**
     * @return the accuracy over the last {@code min(seen, window)} predictions, in {@code [0, 1]};
     *     {@code NaN} before the first record
     */
    public double windowAccuracy() {
        return windowFilled == 0 ? Double.NaN : (double) windowHits / windowFilled;
    }

    /** @return how many predictions the windowed accuracy currently covers, {@code min(seen, window)} */
    public int windowCount() {
        return windowFilled;
    }

    /** @return the window length, in predictions */
    public int window() {
        return window;
    }

    /**
     * Writes the whole state (counters and window) for a checkpoint.
     *
     * @param out where to write; not closed
     * @throws IOException if {@code out} fails
     */
    public void writeTo(DataOutput out) throws IOException {
        out.writeInt(FORMAT);
        out.writeInt(window);
        out.writeLong(seen);
        out.writeLong(hits);
        out.writeInt(next);
        out.writeInt(windowFilled);
        for (long word : ring) {
            out.writeLong(word);
        }
    }

    /**
     * Reads a state written by {@link #writeTo}, so that a resumed run goes on counting where the
     * checkpoint left off.
     *
     * @param in where to read from
     * @return the restored accuracy
     * @throws IOException if {@code in} fails
     * @throws DataException if the state is not one {@link #writeTo} writes
     */
    public static PrequentialAccuracy readFrom(DataInput in) throws IOException {
        int format = in.readInt();
        if (format != FORMAT) {
            throw new DataException("prequential accuracy state has format " + format
                    + " but this version reads format " + FORMAT);
        }
        int window = in.readInt();
        long seen = in.readLong();
        long hits = in.readLong();
        int next = in.readInt();
        int filled = in.readInt();
        if (window < 1 || seen < 0 || hits < 0 || hits > seen || next < 0 || next >= window || filled < 0
                || filled > window || filled > seen || (filled < window && (next != filled || seen != filled))) {
            throw new DataException("prequential accuracy state is corrupt: window=" + window
                    + ", seen=" + seen + ", hits=" + hits + ", next=" + next + ", windowCount=" + filled);
        }
        PrequentialAccuracy accuracy = new PrequentialAccuracy(window);
        for (int i = 0; i < accuracy.ring.length; i++) {
            accuracy.ring[i] = in.readLong();
        }
        accuracy.seen = seen;
        accuracy.hits = hits;
        accuracy.next = next;
        accuracy.windowFilled = filled;
        int windowHits = 0;
        // Only the slots in use count: before the window first fills, those are [0, filled).
        for (int slot = 0; slot < filled; slot++) {
            if ((accuracy.ring[slot >>> 6] & (1L << (slot & 63))) != 0) {
                windowHits++;
            }
        }
        if (windowHits > hits) {
            throw new DataException("prequential accuracy state is corrupt: " + windowHits
                    + " hits in the window but " + hits + " overall");
        }
        accuracy.windowHits = windowHits;
        return accuracy;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "PrequentialAccuracy[seen=%d, accuracy=%.4f, window %d: %.4f]",
                seen, accuracy(), window, windowAccuracy());
    }
}
