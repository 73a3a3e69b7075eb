package io.coldstream.cli;

import io.coldstream.backend.Backend;
import io.coldstream.backend.BackendReport;
import io.coldstream.backend.BackendSettings;
import io.coldstream.bench.EngineBench;
import io.coldstream.core.ConfigurationException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code coldstream bench --suite engine}: Coldstream's step against bare Deeplearning4j and PyTorch. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Run a benchmark suite and write its results into --out. Suites: engine (Coldstream's trainer"
                + " step, bare Deeplearning4j fit and PyTorch through DJL on the same networks; writes engine.json"
                + " and engine.md).")
final class BenchCommand implements Callable<Integer> {

    private static final List<String> SUITES = List.of("engine");

    @Spec
    CommandSpec spec;

    @Option(names = "--suite", required = true, paramLabel = "NAME", description = "the suite: engine")
    String suite;

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
        if (!SUITES.contains(suite)) {
            throw new ConfigurationException("suite was '" + suite + "' but must be one of " + String.join(", ", SUITES));
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
}
