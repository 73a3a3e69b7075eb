package io.coldstream.core;

import java.nio.charset.StandardCharsets;

/**
 * A small, seeded, splittable pseudo-random generator whose whole state is one {@code long},
 * so that it can be saved in a checkpoint and restored bit for bit.
 *
 * <p>The generator is SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number
 * generators", OOPSLA 2014), the algorithm behind {@link java.util.SplittableRandom}; unlike
 * that class, its state can be read and set. Every random choice in a run comes from one root
 * generator and the children it {@linkplain #derive(String) derives} for each purpose (replay,
 * augmentation, stream order), so the same seed and the same stream give the same model.
 *
 * <p>Not thread-safe: give each thread its own derived generator.
 */
public final class SeededRandom {

    private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;
    private static final double DOUBLE_UNIT = 0x1.0p-53;
    private static final float FLOAT_UNIT = 0x1.0p-24f;

    private long state;

    /** @param seed any value; equal seeds give equal sequences */
    public SeededRandom(long seed) {
        this.state = seed;
    }

    /**
     * A generator for one purpose, derived from this one's current state and the purpose's name,
     * without advancing this generator. Deriving the same purpose twice from the same state gives
     * the same sequence; different purposes give independent-looking sequences.
     *
     * @param purpose a stable name such as {@code "replay"} or {@code "augment"}
     * @return a new generator
     */
    public SeededRandom derive(String purpose) {
        long h = state;
        for (byte b : purpose.getBytes(StandardCharsets.UTF_8)) {
            h = mix64(h ^ (b & 0xff)) + GOLDEN_GAMMA;
        }
        return new SeededRandom(mix64(h));
    }

    /** @return the whole state; {@link #setState(long)} with it replays the same sequence */
    public long state() {
        return state;
    }

    /** @param state a value returned by {@link #state()} */
    public void setState(long state) {
        this.state = state;
    }

    /** @return the next uniformly distributed {@code long} */
    public long nextLong() {
        state += GOLDEN_GAMMA;
        return mix64(state);
    }

    /**
     * @param bound exclusive upper bound, {@code > 0}
     * @return a uniformly distributed int in {@code [0, bound)}, without modulo bias
     */
    public int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound was " + bound + " but must be > 0");
        }
        // Lemire's multiply-shift with rejection on the low part.
        long m = (nextLong() >>> 32) * bound;
        long low = m & 0xffffffffL;
        if (low < bound) {
            long threshold = (0x100000000L - bound) % bound;
            while (low < threshold) {
                m = (nextLong() >>> 32) * bound;
                low = m & 0xffffffffL;
            }
        }
        return (int) (m >>> 32);
    }

    /**
     * @param origin inclusive lower bound
     * @param bound exclusive upper bound, {@code > origin}
     * @return a uniformly distributed int in {@code [origin, bound)}
     */
    public int nextInt(int origin, int bound) {
        if (bound <= origin) {
            throw new IllegalArgumentException("bound " + bound + " must be > origin " + origin);
        }
        return origin + nextInt(bound - origin);
    }

    /** @return a uniformly distributed double in {@code [0, 1)} */
    public double nextDouble() {
        return (nextLong() >>> 11) * DOUBLE_UNIT;
    }

    /** @return a uniformly distributed float in {@code [0, 1)} */
    public float nextFloat() {
        return (nextLong() >>> 40) * FLOAT_UNIT;
    }

    /** @return {@code true} or {@code false} with equal probability */
    public boolean nextBoolean() {
        return nextLong() < 0;
    }

    /** @return a standard normal variate (Marsaglia's polar method; the second variate is dropped) */
    public double nextGaussian() {
        double u;
        double v;
        double s;
        do {
            u = 2 * nextDouble() - 1;
            v = 2 * nextDouble() - 1;
            s = u * u + v * v;
        } while (s >= 1 || s == 0);
        return u * Math.sqrt(-2 * Math.log(s) / s);
    }

    /**
     * A Gamma(shape, 1) variate (Marsaglia and Tsang, "A simple method for generating gamma
     * variables", ACM TOMS 2000; shapes below 1 through the boost {@code G(a+1) * U^(1/a)}).
     *
     * @param shape the shape parameter, {@code > 0}
     * @return the variate
     */
    public double nextGamma(double shape) {
        if (!(shape > 0)) {
            throw new IllegalArgumentException("gamma shape was " + shape + " but must be > 0");
        }
        if (shape < 1) {
            double u = nextDouble();
            while (u == 0) {
                u = nextDouble();
            }
            return nextGamma(shape + 1) * Math.pow(u, 1 / shape);
        }
        double d = shape - 1.0 / 3;
        double c = 1 / Math.sqrt(9 * d);
        while (true) {
            double x;
            double v;
            do {
                x = nextGaussian();
                v = 1 + c * x;
            } while (v <= 0);
            v = v * v * v;
            double u = nextDouble();
            if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) {
                return d * v;
            }
        }
    }

    /**
     * @param alpha first shape parameter, {@code > 0}
     * @param beta second shape parameter, {@code > 0}
     * @return a Beta(alpha, beta) variate in {@code [0, 1]}
     */
    public double nextBeta(double alpha, double beta) {
        double x = nextGamma(alpha);
        double y = nextGamma(beta);
        return x / (x + y);
    }

    /**
     * Shuffles the array in place (Fisher-Yates).
     *
     * @param values the array to permute
     */
    public void shuffle(int[] values) {
        shuffle(values, 0, values.length);
    }

    /**
     * Shuffles {@code values[from, to)} in place (Fisher-Yates).
     *
     * @param values the array
     * @param from first index, inclusive
     * @param to last index, exclusive
     */
    public void shuffle(int[] values, int from, int to) {
        for (int i = to - 1; i > from; i--) {
            int j = from + nextInt(i - from + 1);
            int t = values[i];
            values[i] = values[j];
            values[j] = t;
        }
    }

    private static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
