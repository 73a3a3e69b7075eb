package io.coldstream.bench;

import io.coldstream.core.DivergedException;
import io.coldstream.core.Example;
import io.coldstream.eval.Scorer;
import io.coldstream.eval.StageAccuracy;
import io.coldstream.eval.StageEvaluator;
import io.coldstream.learner.Progress;
import io.coldstream.learner.TrainerListener;
import io.coldstream.model.Network;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Watches a stream method's trainer: evaluates the network at each stage's end (before the first
 * example of the next stage is trained on, and once more after the last) on the classes seen so
 * far, checks that the trainer streams exactly the {@link StreamPlan}'s order (so the offline
 * baseline trains on the same examples), and prints a progress line every few seconds. On the
 * training thread.
 */
final class StageProbe implements TrainerListener {

    private static final long PROGRESS_EVERY_MS = 10_000;

    private final StreamPlan plan;
    private final StageEvaluator evaluator;
    private final String label;
    private final Consumer<String> progress;
    private final List<StageAccuracy> stages = new ArrayList<>();
    private long lastProgress;

    StageProbe(StreamPlan plan, StageEvaluator evaluator, String label, Consumer<String> progress) {
        this.plan = plan;
        this.evaluator = evaluator;
        this.label = label;
        this.progress = progress;
    }

    @Override
    public void beforeStep(long examplesSeen, Example next, Network network) {
        long index = next.position().offset(); // the stream index: skipped bad records leave gaps
        if (index < 0 || index >= plan.order.length || next.id() != plan.order[(int) index]) {
            throw new IllegalStateException("the trainer streamed example " + next.id() + " at stream index " + index
                    + " but the benchmark's plan has " + (index >= 0 && index < plan.order.length
                            ? "example " + plan.order[(int) index] : "no example there")
                    + "; the baseline would not see the same stream");
        }
        while (stages.size() < plan.stages() - 1 && index >= plan.stageEnds[stages.size()]) {
            evaluate(network, examplesSeen);
        }
    }

    @Override
    public void onProgress(Progress p) {
        long now = System.currentTimeMillis();
        if (now - lastProgress >= PROGRESS_EVERY_MS) {
            lastProgress = now;
            progress.accept(String.format(Locale.ROOT, "%s: %d/%d examples, %.1f examples/s, stage %d/%d,"
                    + " prequential %.3f%s", label, p.examplesSeen(), plan.order.length, p.examplesPerSecond(),
                    Math.min(stages.size() + 1, plan.stages()), plan.stages(), p.prequentialAccuracy(),
                    Double.isNaN(p.decodeImagesPerSecond()) ? ""
                            : String.format(Locale.ROOT, ", decode %.0f images/s a thread", p.decodeImagesPerSecond())));
        }
    }

    /**
     * Evaluates the stages the run has finished but not yet evaluated (the last one, normally).
     *
     * @param network the trained network, still open
     * @param examplesSeen examples the run trained on
     * @return one evaluation per stage
     * @throws IllegalStateException if the run stopped before the stream's last stage
     */
    List<StageAccuracy> finish(Network network, long examplesSeen) {
        if (stages.size() < plan.stages() - 1) {
            throw new IllegalStateException(label + " stopped after " + examplesSeen + " examples, in stage "
                    + (stages.size() + 1) + " of " + plan.stages() + "; a benchmark needs the whole stream");
        }
        evaluate(network, examplesSeen);
        return List.copyOf(stages);
    }

    private void evaluate(Network network, long examplesSeen) {
        int stage = stages.size();
        StageAccuracy a = evaluator.evaluate(stage, examplesSeen, plan.seenAfter[stage], scorer(network, label, stage));
        stages.add(a);
        // a long run's figures as they come, not only in the report at its end
        progress.accept(String.format(Locale.ROOT, "%s: stage %d/%d at %d examples: top-1 %.4f, top-5 %.4f on the %d"
                + " test examples of the %d classes seen", label, stage + 1, plan.stages(), examplesSeen, a.top1(),
                a.top5(), a.examples(), a.seenClasses()));
    }

    /**
     * The network's class probabilities as a {@link Scorer}, refusing NaN outputs with a message a user
     * can act on: a network whose weights diverged (too high a learning rate) has nothing to evaluate.
     */
    static Scorer scorer(Network network, String label, int stage) {
        return (features, count, scoresOut) -> {
            network.predictProbabilities(features, count, scoresOut);
            int n = count * network.numClasses();
            for (int i = 0; i < n; i++) {
                if (Float.isNaN(scoresOut[i])) {
                    throw new DivergedException(label + " diverged: at stage " + (stage + 1) + " the network's outputs"
                            + " are NaN; lower --lr (or --set lr=...) and run the suite again");
                }
            }
        };
    }
}
