package io.coldstream.eval;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.ToDoubleFunction;

/**
 * The continual-learning figures of a benchmark, computed from the stage evaluations of
 * {@link StageEvaluator}. Stateless and thread-safe. A figure that cannot be computed (too few stages
 * or groups, no test examples, an offline accuracy of 0) is {@code NaN}, never an exception: a
 * benchmark's report shows it as a dash.
 */
public final class BenchMetrics {

    private BenchMetrics() {
    }

    /**
     * Omega-all: the mean over stages of the streaming model's top-1 accuracy divided by the offline
     * model's top-1 accuracy on the same classes at the same stage, {@code (1/T) sum_t a_t / a_offline,t}
     * (Kemker et al., "Measuring Catastrophic Forgetting in Neural Networks", AAAI 2018; in the form of
     * Hayes et al., "REMIND Your Neural Network to Prevent Catastrophic Forgetting", ECCV 2020, which
     * averages over every stage). 1 matches the offline model, below 1 is worse and above 1 better.
     *
     * @param streaming the streaming model's evaluations, in stage order
     * @param offline the offline model's, matched with {@code streaming} by index
     * @return Omega-all; {@code NaN} when there are no stages, or at any stage an accuracy is {@code NaN}
     *     or the offline one is 0
     * @throws IllegalArgumentException if the lists have different lengths, or a pair of stages was
     *     measured on different seen classes
     */
    public static double omegaAll(List<StageAccuracy> streaming, List<StageAccuracy> offline) {
        return omega(streaming, offline, StageAccuracy::top1);
    }

    /**
     * {@link #omegaAll} on top-5 accuracy: the mean over stages of streaming top-5 / offline top-5.
     *
     * @param streaming the streaming model's evaluations, in stage order
     * @param offline the offline model's, matched with {@code streaming} by index
     * @return the top-5 Omega-all, {@code NaN} as for {@link #omegaAll}
     * @throws IllegalArgumentException as {@link #omegaAll}
     */
    public static double omegaAllTop5(List<StageAccuracy> streaming, List<StageAccuracy> offline) {
        return omega(streaming, offline, StageAccuracy::top5);
    }

    private static double omega(List<StageAccuracy> streaming, List<StageAccuracy> offline,
            ToDoubleFunction<StageAccuracy> accuracy) {
        Objects.requireNonNull(streaming, "streaming");
        Objects.requireNonNull(offline, "offline");
        if (streaming.size() != offline.size()) {
            throw new IllegalArgumentException("Omega-all matches stages by index but the streaming model has "
                    + streaming.size() + " stages and the offline model " + offline.size());
        }
        if (streaming.isEmpty()) {
            return Double.NaN;
        }
        double sum = 0;
        for (int t = 0; t < streaming.size(); t++) {
            StageAccuracy s = streaming.get(t);
            StageAccuracy o = offline.get(t);
            if (!s.classSeen().equals(o.classSeen())) {
                throw new IllegalArgumentException("Omega-all compares the same classes but at stage index " + t
                        + " the streaming model had seen " + s.seenClasses() + " classes and the offline model "
                        + o.seenClasses() + (s.seenClasses() == o.seenClasses() ? ", not the same ones" : ""));
            }
            double ideal = accuracy.applyAsDouble(o);
            if (Double.isNaN(ideal) || ideal == 0) {
                return Double.NaN;
            }
            sum += accuracy.applyAsDouble(s) / ideal;
        }
        return sum / streaming.size();
    }

    /**
     * Average forgetting (Chaudhry et al., "Riemannian Walk for Incremental Learning", ECCV 2018): for
     * each group {@code g} seen before the final stage {@code T}, the most accuracy it ever had,
     * {@code max_{l<T} a[l][g]} over the stages {@code l} where it had been seen, minus its accuracy after
     * the final stage {@code a[T][g]}; averaged over those groups. Positive is forgetting; negative is
     * backward transfer (the group got better after it was learned).
     *
     * @param stages the evaluations in stage order, all of the same groups
     * @return the mean forgetting, a difference of fractions in {@code [-1, 1]}; {@code NaN} with fewer than
     *     two groups or two stages, or when no group seen before the final stage has test examples
     * @throws IllegalArgumentException if the stages have different numbers of groups
     */
    public static double averageForgetting(List<StageAccuracy> stages) {
        Objects.requireNonNull(stages, "stages");
        if (stages.size() < 2 || stages.get(0).groups() < 2) {
            return Double.NaN;
        }
        int groups = stages.get(0).groups();
        for (StageAccuracy s : stages) {
            if (s.groups() != groups) {
                throw new IllegalArgumentException("stage " + s.stage() + " has " + s.groups() + " groups but stage "
                        + stages.get(0).stage() + " has " + groups + "; forgetting needs the same groups throughout");
            }
        }
        int last = stages.size() - 1;
        double sum = 0;
        int counted = 0;
        for (int g = 0; g < groups; g++) {
            double best = Double.NaN;
            for (int l = 0; l < last; l++) {
                double a = stages.get(l).perGroupTop1().get(g);
                if (stages.get(l).groupSeen().get(g) && !Double.isNaN(a) && !(a <= best)) {
                    best = a;
                }
            }
            double end = stages.get(last).perGroupTop1().get(g);
            if (!Double.isNaN(best) && !Double.isNaN(end)) {
                sum += best - end;
                counted++;
            }
        }
        return counted == 0 ? Double.NaN : sum / counted;
    }

    /**
     * Forgetting per class, as {@link #averageForgetting} defines it per group: the most top-1 accuracy
     * class {@code c} had at a stage before the final one where it had been seen, minus its accuracy
     * after the final stage.
     *
     * @param stages the evaluations in stage order, all of the same classes
     * @return a fresh array, one entry per class; {@code NaN} for a class not seen before the final stage
     *     (never seen, or first seen at the final stage) or without test examples; all {@code NaN} with
     *     fewer than two stages; empty when there are no stages
     * @throws IllegalArgumentException if the stages have different numbers of classes
     */
    public static double[] forgettingPerClass(List<StageAccuracy> stages) {
        Objects.requireNonNull(stages, "stages");
        if (stages.isEmpty()) {
            return new double[0];
        }
        int classes = stages.get(0).numClasses();
        for (StageAccuracy s : stages) {
            if (s.numClasses() != classes) {
                throw new IllegalArgumentException("stage " + s.stage() + " has " + s.numClasses() + " classes but"
                        + " stage " + stages.get(0).stage() + " has " + classes
                        + "; forgetting needs the same classes throughout");
            }
        }
        double[] forgetting = new double[classes];
        Arrays.fill(forgetting, Double.NaN);
        int last = stages.size() - 1;
        for (int c = 0; c < classes; c++) {
            double best = Double.NaN;
            for (int l = 0; l < last; l++) {
                double a = stages.get(l).perClassTop1().get(c);
                if (stages.get(l).classSeen().get(c) && !Double.isNaN(a) && !(a <= best)) {
                    best = a;
                }
            }
            forgetting[c] = best - stages.get(last).perClassTop1().get(c);
        }
        return forgetting;
    }
}
