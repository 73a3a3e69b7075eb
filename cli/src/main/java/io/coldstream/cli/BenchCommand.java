package io.coldstream.cli;

import io.coldstream.backend.Backend;
import io.coldstream.backend.BackendReport;
import io.coldstream.backend.BackendSettings;
import io.coldstream.bench.BenchExperiment;
import io.coldstream.bench.BenchHarness;
import io.coldstream.bench.BenchMethod;
import io.coldstream.bench.BenchSuite;
import io.coldstream.bench.EngineBench;
import io.coldstream.bench.Scenario;
import io.coldstream.bench.SoakBench;
import io.coldstream.core.ColdstreamException;
import io.coldstream.core.ConfigurationException;
import io.coldstream.eval.BenchReport;
import io.coldstream.eval.SoakReport;
import io.coldstream.eval.internal.SoakWriter;
import io.coldstream.io.FashionMnist;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code coldstream bench --suite NAME}: the learning benchmarks ({@code quick}, {@code fashion},
 * {@code cifar100}, {@code imagenet}: {@link BenchHarness}) and the engine speed suite
 * ({@code engine}: Coldstream's step against bare Deeplearning4j and PyTorch).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Run a benchmark suite and write its results into --out. Learning suites (cssl vs finetune vs"
                + " offline on the same stream and network; write bench.json, bench.csv, bench.md and plots): quick (a"
                + " short class-incremental Fashion-MNIST stream, minutes), fashion (the full Fashion-MNIST iid and"
                + " class-incremental runs, an hour or more), cifar100 (--data cifar100:DIR), imagenet (--data"
                + " imagefolder:DIR). Speed suite: engine (Coldstream's trainer step, bare Deeplearning4j fit and"
                + " PyTorch through DJL on the same networks; writes engine.json and engine.md).")
final class BenchCommand implements Callable<Integer> {

    private static final String ENGINE_SUITE = "engine";
    private static final String SOAK_SUITE = "soak";

    @Spec
    CommandSpec spec;

    @Option(names = "--suite", paramLabel = "NAME",
            description = "the suite: quick, fashion, cifar100, imagenet, engine or soak")
    String suite;

    @Option(names = "--merge", split = ",", paramLabel = "DIR",
            description = "instead of running: merge the results (bench.json) of several runs of one learning suite,"
                    + " given as their --out folders or bench.json files, into one report in --out, Omega-all"
                    + " recomputed against the merged offline method; the runs must share their seed and data")
    List<Path> merge = new ArrayList<>();

    @Option(names = "--data", paramLabel = "SPEC",
            description = "learning suites: the dataset (idx:DIR, cifar100:DIR, imagefolder:DIR, A,B for multi-task);"
                    + " default Fashion-MNIST for quick and fashion")
    String data;

    @Option(names = "--scenario", split = ",", paramLabel = "NAME",
            description = "learning suites: iid, class-incremental, multi-task (default: the suite's)")
    List<String> scenarios = new ArrayList<>();

    @Option(names = "--methods", split = ",", paramLabel = "NAME",
            description = "learning suites: cssl, finetune, offline (default: all three)")
    List<String> methods = new ArrayList<>();

    @Option(names = "--variant", paramLabel = "NAME:KEY=VALUE,...",
            description = "learning suites: an extra cssl variant, such as k20:replay.k=20 or noaug:augment=none;"
                    + " repeatable")
    List<String> variants = new ArrayList<>();

    @Option(names = "--limit", paramLabel = "N",
            description = "learning suites: stream examples per run, 0 = the whole train split (quick: 2000)")
    Long limit;

    @Option(names = "--stage-classes", paramLabel = "C",
            description = "learning suites: classes per class-incremental stage (Fashion-MNIST 2, CIFAR-100 10,"
                    + " ImageNet 100)")
    Integer stageClasses;

    @Option(names = "--eval-stages", paramLabel = "N", description = "learning suites: evaluation points of an iid"
            + " stream (default: 5)")
    Integer evalStages;

    @Option(names = "--test-size", paramLabel = "N",
            description = "learning suites: test examples per evaluation, 0 = the whole test split (quick: 2000)")
    Integer testSize;

    @Option(names = "--offline-epochs", paramLabel = "N",
            description = "learning suites: the offline baseline's epochs per stage (quick: 10, others: 5)")
    Integer offlineEpochs;

    @Option(names = "--offline-batch", paramLabel = "N",
            description = "learning suites: the offline baseline's mini-batch size (quick: 32, others: 64)")
    Integer offlineBatch;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "learning suites: a coldstream train setting for every run, such as engine=dl4j or"
                    + " replay.budget=4MB; repeatable")
    Map<String, String> settings = new LinkedHashMap<>();

    @Option(names = "--out", paramLabel = "DIR", description = "where to write the results (default: bench)")
    Path out = Path.of("bench");

    @Option(names = "--threads", paramLabel = "N",
            description = "threads for every engine; bin/coldstream passes it to OMP_NUM_THREADS (default: backend default)")
    int threads;

    @Option(names = "--onednn", paramLabel = "BOOL", arity = "1",
            description = "Deeplearning4j's convolution, pooling and batch-norm layers on oneDNN (default: true); false for the"
                    + " before-and-after comparison")
    boolean onednn = true;

    @Option(names = "--cases", split = ",", paramLabel = "CASE",
            description = "cases to run (default: all): small-cnn-1x28x28, small-cnn-3x32x32, resnet18-3x32x32")
    List<String> cases = new ArrayList<>();

    @Option(names = "--engines", split = ",", paramLabel = "ENGINE",
            description = "engines to run (default: all): coldstream, coldstream-pytorch, dl4j, pytorch")
    List<String> engines = new ArrayList<>();

    @Option(names = "--seconds", paramLabel = "S", description = "timed seconds per engine and case (default: 15)")
    double seconds = EngineBench.Options.defaults().secondsPerEngine();

    @Option(names = "--warmup", paramLabel = "S", description = "untimed seconds per engine and case first (default: 5)")
    double warmup = EngineBench.Options.defaults().warmupSeconds();

    @Option(names = "--rounds", paramLabel = "N", description = "interleaved rounds the timed seconds are split into (default: 5)")
    int rounds = EngineBench.Options.defaults().rounds();

    @Option(names = "--replay-k", paramLabel = "K", description = "replayed examples per step; batches hold 1 + K (default: 32)")
    int replayK = EngineBench.Options.defaults().replayK();

    @Option(names = "--seed", paramLabel = "S", description = "seed of weights and data (default: 42)")
    long seed = EngineBench.Options.defaults().seed();

    @Override
    public Integer call() {
        if (!merge.isEmpty()) {
            return merge();
        }
        if (suite == null) {
            throw new ConfigurationException("bench needs --suite NAME (quick, fashion, cifar100, imagenet, engine or"
                    + " soak), or --merge DIR,DIR,... to merge the results of earlier runs");
        }
        if (SOAK_SUITE.equals(suite)) {
            return soak();
        }
        if (!ENGINE_SUITE.equals(suite)) {
            return learningSuite(BenchSuite.parse(suite));
        }
        EngineBench.Options options = new EngineBench.Options(cases, engines, warmup, seconds, rounds,
                EngineBench.Options.defaults().minStepsPerRound(), replayK, seed);
        BackendReport backend = Backend.start(new BackendSettings(threads, onednn));
        PrintWriter stderr = spec.commandLine().getErr();
        stderr.println("backend:  " + backend.summary());
        stderr.println("engine suite: " + (options.cases().isEmpty() ? EngineBench.caseNames() : options.cases())
                + ", " + seconds + " s per engine and case in " + rounds + " rounds, after " + warmup + " s warm-up");
        stderr.flush();
        EngineBench.run(options, backend, out, line -> {
            stderr.println(line);
            stderr.flush();
        });
        PrintWriter stdout = spec.commandLine().getOut();
        stdout.println("wrote " + out.resolve(EngineBench.FILE));
        stdout.println("wrote " + out.resolve("engine.md"));
        stdout.flush();
        return 0;
    }

    /** The soak: {@code --limit} steps (default 50,000) of one long run, memory sampled; {@code --set} picks the engine. */
    private Integer soak() {
        long steps = limit == null ? 50_000 : limit;
        Map<String, String> all = new LinkedHashMap<>(settings);
        if (threads > 0) {
            all.putIfAbsent("threads", Integer.toString(threads));
        }
        SoakBench.Options options = new SoakBench.Options(steps, data == null ? FashionMnist.DEFAULT_DIR.toString()
                : data, all, Duration.ofSeconds(steps < 5000 ? 1 : 5), seed);
        PrintWriter stderr = spec.commandLine().getErr();
        SoakReport report;
        try {
            report = SoakBench.run(options, out, line -> {
                stderr.println(line);
                stderr.flush();
            });
        } catch (IOException e) {
            throw new ColdstreamException("the soak could not write into " + out + ": " + e.getMessage(), e);
        }
        PrintWriter stdout = spec.commandLine().getOut();
        try {
            stdout.print(Files.readString(out.resolve(SoakWriter.MARKDOWN)));
        } catch (IOException e) {
            throw new ColdstreamException("could not read back " + out.resolve(SoakWriter.MARKDOWN) + ": " + e.getMessage(), e);
        }
        stdout.println("wrote " + out.resolve(SoakWriter.JSON) + ", " + SoakWriter.CSV + ", " + SoakWriter.MARKDOWN
                + " and " + SoakWriter.PNG + (report.metTarget() ? "" : "; the target was not met"));
        stdout.flush();
        return 0;
    }

    /** {@code --merge}: one report from the {@code bench.json} of earlier runs; only {@code --out} goes with it. */
    private Integer merge() {
        List<String> others = spec.commandLine().getParseResult().matchedOptions().stream()
                .map(o -> o.longestName()).filter(n -> !n.equals("--merge") && !n.equals("--out")).toList();
        if (!others.isEmpty()) {
            throw new ConfigurationException("--merge runs nothing, so it takes only --out, but " + others
                    + " " + (others.size() == 1 ? "was" : "were") + " given too");
        }
        // a folder is a run's --out; a path ending in .json that is not a folder is the file itself
        List<Path> files = merge.stream().map(p -> Files.isDirectory(p) || !p.toString().endsWith(".json")
                ? p.resolve(BenchReport.JSON_FILE) : p).toList();
        Path target = out.resolve(BenchReport.JSON_FILE).toAbsolutePath().normalize();
        for (Path f : files) {
            if (f.toAbsolutePath().normalize().equals(target)) {
                throw new ConfigurationException("--out " + out + " is one of the folders merged, and merging would"
                        + " overwrite its " + BenchReport.JSON_FILE + "; choose a new --out");
            }
        }
        BenchReport report = BenchReport.merge(files);
        report.write(out);
        return printReport(report.suite() + ": merged " + report.results().size() + " results from " + files.size()
                + " files");
    }

    private Integer learningSuite(BenchSuite chosen) {
        Map<String, String> all = new LinkedHashMap<>(settings);
        if (threads > 0) {
            all.putIfAbsent("threads", Integer.toString(threads));
        }
        BenchSuite.Overrides overrides = new BenchSuite.Overrides(data,
                scenarios.stream().map(Scenario::parse).toList(), methods.stream().map(BenchMethod::parse).toList(),
                variants.stream().map(BenchMethod::variant).toList(), limit, stageClasses, evalStages, testSize,
                offlineEpochs, offlineBatch, seed, all);
        List<BenchExperiment> experiments = chosen.experiments(overrides);
        PrintWriter stderr = spec.commandLine().getErr();
        stderr.println("suite " + chosen.cliName() + ": " + experiments.size() + " experiment"
                + (experiments.size() == 1 ? "" : "s") + " into " + out);
        stderr.flush();
        BenchHarness.run(chosen.cliName(), experiments, chosen.referencePoints(), out, line -> {
            stderr.println(line);
            stderr.flush();
        });
        return printReport(null);
    }

    private Integer printReport(String firstLine) {
        PrintWriter stdout = spec.commandLine().getOut();
        if (firstLine != null) {
            stdout.println(firstLine);
        }
        try {
            stdout.print(Files.readString(out.resolve(BenchReport.MARKDOWN_FILE)));
        } catch (IOException e) {
            throw new ColdstreamException("could not read back " + out.resolve(BenchReport.MARKDOWN_FILE) + ": "
                    + e.getMessage(), e);
        }
        stdout.println("wrote " + out.resolve(BenchReport.JSON_FILE) + ", bench.csv, bench.md and plots");
        stdout.flush();
        return 0;
    }
}
