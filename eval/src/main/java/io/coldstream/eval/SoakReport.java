package io.coldstream.eval;

import io.coldstream.eval.internal.SoakWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The soak benchmark's result ({@code coldstream bench --suite soak}): memory sampled every few
 * seconds while one long run trains, and its growth from a baseline step to the last step.
 * {@link #write(Path)} writes, into one folder, {@code soak.csv} (every sample), {@code soak.json}
 * (the figures and the verdict), {@code soak.md} (a table at round steps and the growth) and
 * {@code soak.png} (the three series against steps).
 *
 * <p>The target is resident memory at the last step within {@value #TARGET_PERCENT}% of that at
 * the baseline step: step 1,000, or a fifth of the run for runs under 5,000 steps.
 *
 * @param engine the engine trained ({@code dl4j}, {@code pytorch})
 * @param steps the steps the run trained
 * @param jvmOptions the JVM's options that size its heap (such as {@code -Xms768m -Xmx768m})
 * @param fixedHeap whether the heap was fixed ({@code -Xms} equal to {@code -Xmx}); without it the
 *     heap's own growth shows as resident growth
 * @param samples in time order, at least two
 */
public record SoakReport(String engine, long steps, String jvmOptions, boolean fixedHeap, List<Sample> samples) {

    /** Resident growth allowed from the baseline step to the last, in percent. */
    public static final double TARGET_PERCENT = 10.0;

    /**
     * One sample.
     *
     * @param step steps trained when it was taken
     * @param epochMillis when it was taken
     * @param residentBytes the process's resident memory ({@code VmRSS}), or {@code -1}
     * @param heapUsedBytes JVM heap in use, or {@code -1}
     * @param openNetworks networks made and not yet closed ({@code Networks.open()}): each holds
     *     native memory that neither engine reports to Java, so a count that grows is a leak
     */
    public record Sample(long step, long epochMillis, long residentBytes, long heapUsedBytes, long openNetworks) {
    }

    /** Checks there are two samples at least; copies them. */
    public SoakReport {
        Objects.requireNonNull(engine, "engine");
        samples = List.copyOf(samples);
        if (samples.size() < 2) {
            throw new IllegalArgumentException("a soak report needs two samples at least, had " + samples.size());
        }
    }

    /** @return the step growth is measured from: 1,000, or a fifth of a run under 5,000 steps */
    public long baselineStep() {
        return steps >= 5000 ? 1000 : Math.max(1, steps / 5);
    }

    /** @return the sample nearest the baseline step */
    public Sample baseline() {
        return nearest(baselineStep());
    }

    /** @return the last sample */
    public Sample last() {
        return samples.get(samples.size() - 1);
    }

    /** @return the sample whose step is nearest {@code step} (the earlier one on a tie) */
    public Sample nearest(long step) {
        Sample best = samples.get(0);
        for (Sample s : samples) {
            if (Math.abs(s.step() - step) < Math.abs(best.step() - step)) {
                best = s;
            }
        }
        return best;
    }

    /** @return resident growth from the baseline sample to the last, in percent, or {@code NaN} */
    public double residentGrowthPercent() {
        return growth(baseline().residentBytes(), last().residentBytes());
    }

    /** @return heap growth from the baseline sample to the last, in percent, or {@code NaN} */
    public double heapGrowthPercent() {
        return growth(baseline().heapUsedBytes(), last().heapUsedBytes());
    }

    /** @return whether resident memory stayed within {@value #TARGET_PERCENT}% */
    public boolean metTarget() {
        return residentGrowthPercent() <= TARGET_PERCENT;
    }

    static double growth(long from, long to) {
        if (from <= 0 || to < 0) {
            return Double.NaN;
        }
        return (to - from) * 100.0 / from;
    }

    /**
     * @param dir the folder, created if needed
     * @return {@code soak.md} and {@code soak.png}
     */
    public ReportFiles write(Path dir) {
        return SoakWriter.write(this, dir);
    }
}
