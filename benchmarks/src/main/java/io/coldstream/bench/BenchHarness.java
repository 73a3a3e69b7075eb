package io.coldstream.bench;

import io.coldstream.core.ColdstreamException;
import io.coldstream.core.ConfigurationException;
import io.coldstream.core.DivergedException;
import io.coldstream.core.Example;
import io.coldstream.core.SeededRandom;
import io.coldstream.core.StreamPosition;
import io.coldstream.eval.BenchReport;
import io.coldstream.eval.HoldoutSubsets;
import io.coldstream.eval.MethodResult;
import io.coldstream.eval.StageAccuracy;
import io.coldstream.eval.StageEvaluator;
import io.coldstream.io.Dataset;
import io.coldstream.io.DatasetSplit;
import io.coldstream.learner.Trainer;
import io.coldstream.learner.TrainerConfig;
import io.coldstream.model.Networks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The benchmark harness: runs every method of each {@link BenchExperiment} on the same stream and
 * network and writes the suite's report ({@code bench.json}, {@code bench.csv}, {@code bench.md},
 * plots; see {@link BenchReport}). Stream methods ({@code cssl}, {@code finetune}, variants) are
 * Coldstream's {@link Trainer} exactly as {@code coldstream train} runs it, each in its own run
 * folder {@code <out>/runs/<experiment>/<method>} (checkpoints, snapshots, metrics and all); the
 * harness only watches it ({@link StageProbe}) and evaluates at stage ends. The offline baseline
 * trains the same network on the same stream prefix with mini-batch epochs
 * ({@link OfflineBaseline}). One thread; seeded throughout.
 */
public final class BenchHarness {

    /** Settings an experiment decides itself; a method or the user may not set them. */
    private static final Set<String> OWN_KEYS = Set.of("data", "source", "order", "stage.classes", "limit", "seed",
            "out");

    /** Settings that decide what the stream holds: one value for all methods, or they would not share it. */
    private static final Set<String> SHARED_KEYS = Set.of("labels", "image.size");

    private BenchHarness() {
    }

    /**
     * Runs the experiments and writes the report into {@code out}.
     *
     * @param suite the suite's name, in the report
     * @param experiments what to run, in order
     * @param referencePoints published results to print beside these (one line each)
     * @param out the suite's folder: the report (written again after each method, so a suite that fails
     *     part-way keeps what it measured), and the methods' run folders under {@code runs/}
     * @param progress receives progress lines (several a minute on long work)
     * @return the report, written
     * @throws ConfigurationException (or another {@code ColdstreamException}) for a bad setting or dataset
     */
    public static BenchReport run(String suite, List<BenchExperiment> experiments, List<String> referencePoints,
            Path out, Consumer<String> progress) {
        List<MethodResult> results = new ArrayList<>();
        for (BenchExperiment experiment : experiments) {
            runExperiment(experiment, out.resolve("runs").resolve(experiment.name()), progress, result -> {
                results.add(result);
                // written after every method, so that a late failure (hours into a suite) keeps what was measured
                new BenchReport(suite, results, referencePoints).write(out);
            });
        }
        return new BenchReport(suite, results, referencePoints);
    }

    /**
     * Runs one experiment's methods.
     *
     * @param experiment the experiment
     * @param runs the folder of its methods' run folders
     * @param progress receives progress lines
     * @return one result per method, in the experiment's order
     */
    public static List<MethodResult> runExperiment(BenchExperiment experiment, Path runs, Consumer<String> progress) {
        List<MethodResult> results = new ArrayList<>();
        runExperiment(experiment, runs, progress, results::add);
        return results;
    }

    private static void runExperiment(BenchExperiment experiment, Path runs, Consumer<String> progress,
            Consumer<MethodResult> done) {
        for (String key : experiment.settings().keySet()) {
            if (OWN_KEYS.contains(TrainerConfig.Builder.normalise(key))) {
                throw new ConfigurationException("setting '" + key + "' is chosen by the benchmark itself; use bench's"
                        + " own --data, --scenario, --stage-classes, --limit, --seed and --out");
            }
        }
        for (BenchMethod method : experiment.methods()) {
            for (String key : method.settings().keySet()) {
                String k = TrainerConfig.Builder.normalise(key);
                if (OWN_KEYS.contains(k) || SHARED_KEYS.contains(k)) {
                    throw new ConfigurationException("method " + method.name() + " sets '" + key + "' but every method"
                            + " of an experiment streams the same data; set it for all with --set (or bench's own flags)");
                }
            }
        }

        TrainerConfig base = config(experiment, Map.of(), runs.resolve("plan"));
        Dataset data = BenchDatasets.open(base);
        DatasetSplit train = data.train();
        DatasetSplit test = data.test();
        int numClasses = data.numClasses();
        StreamPlan plan = StreamPlan.of(train, numClasses, experiment.scenario(), experiment.stageClasses(),
                experiment.evalStages(), BenchDatasets.taskClassOffsets(data), experiment.seed(), experiment.limit());
        int[] subset = HoldoutSubsets.choose(test.size(), experiment.testSize(),
                new SeededRandom(experiment.seed()).derive("bench-test"));
        List<Example> testExamples = new ArrayList<>(subset.length);
        for (int i : subset) {
            testExamples.add(test.example(i, new StreamPosition(test.name(), i)));
        }
        StageEvaluator evaluator = new StageEvaluator(testExamples, numClasses, plan.groupOfClass, 256);
        progress.accept(experiment.name() + ": " + data.name() + ", " + plan.order.length + " stream examples in "
                + plan.stages() + " stage" + (plan.stages() == 1 ? "" : "s") + " (ends " + ends(plan) + "), "
                + testExamples.size() + " test examples, methods " + experiment.methods().stream()
                        .map(BenchMethod::name).toList());
        for (BenchMethod method : experiment.methods()) {
            String label = experiment.name() + "/" + method.name();
            Path runDir = runs.resolve(method.name());
            TrainerConfig config = config(experiment, method.settings(), runDir);
            long start = System.nanoTime();
            List<StageAccuracy> stages;
            long trained;
            if (method.offline()) {
                Networks.startEngine(config.engine(), config.backendSettings());
                OfflineBaseline offline = new OfflineBaseline(plan, train, evaluator, config, numClasses,
                        experiment.offlineEpochs(), experiment.offlineBatch(), label, progress);
                stages = offline.run();
                trained = offline.examplesTrained();
            } else {
                clearRunFolder(runDir);
                StageProbe probe = new StageProbe(plan, evaluator, label, progress);
                try (Trainer trainer = Trainer.prepare(config, Clock.systemUTC())) {
                    trainer.run(probe);
                    trained = trainer.examplesSeen();
                    stages = probe.finish(trainer.published(), trained);
                } catch (DivergedException e) {
                    if (e.getMessage().startsWith(label + " diverged")) {
                        throw e; // the probe found it and named the method already
                    }
                    throw new DivergedException(label + " diverged while training: " + e.getMessage()
                            + "; for the suite, lower the method's lr (--set lr=...) and run it again", e);
                }
            }
            long wallMillis = (System.nanoTime() - start) / 1_000_000;
            Map<String, String> settings = new LinkedHashMap<>(experiment.settings());
            settings.putAll(method.settings());
            if (method.offline()) {
                settings.put("offline.epochs", Integer.toString(experiment.offlineEpochs()));
                settings.put("offline.batch", Integer.toString(experiment.offlineBatch()));
            }
            MethodResult result = new MethodResult(method.name(), experiment.name(), stages, wallMillis, trained,
                    settings);
            progress.accept(String.format(Locale.ROOT, "%s: done in %.1f s, final top-1 %.4f, top-5 %.4f",
                    label, wallMillis / 1000.0, result.finalTop1(), result.finalTop5()));
            done.accept(result);
        }
    }

    /** The trainer configuration of one method: the experiment's settings, the method's, then the experiment's own keys. */
    static TrainerConfig config(BenchExperiment experiment, Map<String, String> methodSettings, Path runDir) {
        TrainerConfig.Builder b = TrainerConfig.builder().nameKeysAsFlags();
        experiment.settings().forEach(b::set);
        if (!b.isSet("holdout.every")) {
            b.set("holdout.every", "0"); // the harness evaluates at stage ends itself
        }
        methodSettings.forEach(b::set);
        b.set("data", experiment.data())
                .set("order", experiment.scenario().order().cliName())
                .set("stage.classes", Integer.toString(experiment.stageClasses()))
                .set("limit", Long.toString(experiment.limit()))
                .set("seed", Long.toString(experiment.seed()))
                .set("out", runDir.toString());
        return b.build();
    }

    /** A stream method starts from scratch: a run folder left by an earlier benchmark is replaced. */
    private static void clearRunFolder(Path runDir) {
        if (!Files.exists(runDir)) {
            return;
        }
        if (!Files.exists(runDir.resolve("checkpoints")) && !Files.exists(runDir.resolve("metrics.jsonl"))
                && !onlyLockOrEmpty(runDir)) {
            throw new ConfigurationException(runDir + " exists but is not a Coldstream run folder; the benchmark"
                    + " will not delete it: choose another --out");
        }
        try (Stream<Path> walk = Files.walk(runDir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new ColdstreamException("could not replace the earlier run folder " + runDir + ": " + e.getMessage(), e);
        }
    }

    /** What a benchmark killed while its trainer was starting leaves: nothing, or the folder's lock file. */
    private static boolean onlyLockOrEmpty(Path runDir) {
        try (Stream<Path> list = Files.list(runDir)) {
            return list.allMatch(p -> p.getFileName().toString().equals(".lock"));
        } catch (IOException e) {
            return false;
        }
    }

    private static String ends(StreamPlan plan) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < plan.stageEnds.length && i < 12; i++) {
            s.append(i == 0 ? "" : ", ").append(plan.stageEnds[i]);
        }
        return plan.stageEnds.length > 12 ? s + ", ..." : s.toString();
    }
}
