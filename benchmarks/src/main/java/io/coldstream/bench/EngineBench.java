package io.coldstream.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.coldstream.backend.BackendReport;
import io.coldstream.core.ConfigurationException;
import io.coldstream.model.NetworkEngine;
import io.coldstream.learner.TrainingStep;
import io.coldstream.model.internal.PtEngines;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.DoubleBinaryOperator;

/**
 * The engine suite: for each {@link BenchCase}, the same network and the same step through
 * {@code coldstream} (Coldstream's trainer step on its default engine, Deeplearning4j),
 * {@code coldstream-pytorch} (the same step with {@code --engine pytorch}), {@code dl4j} (bare
 * Deeplearning4j {@code fit} on a prepared batch) and {@code pytorch} (the reference: PyTorch through
 * DJL with the leanest loop), in one process, measured in interleaved rounds so that a machine's
 * slow minute hits every engine alike. Each engine's rate is the median of its rounds; each ratio
 * is the median over rounds of the two engines' rates in that round, which cancels most of the
 * drift of a shared machine.
 *
 * <p>Writes {@code engine.json} ({@link #FILE}) and {@code engine.md}: steps/s per engine and
 * case; the ratios {@code coldstreamToPytorchRatio}, {@code coldstreamPytorchToPytorchRatio},
 * {@code dl4jToPytorchRatio} and {@code coldstreamToDl4jRatio}; {@code frameworkOverhead} (how much
 * longer Coldstream's step takes than the bare Deeplearning4j step) and
 * {@code frameworkOverheadPytorch} (the PyTorch-engine step against the reference); and where each
 * Coldstream step's time goes (prediction, assembly, fit, offer).
 */
public final class EngineBench {

    /** The result file. */
    public static final String FILE = "engine.json";
    /** The engines, in the order they run within a round. */
    public static final List<String> ENGINES = List.of("coldstream", "coldstream-pytorch", "dl4j", "pytorch");

    private EngineBench() {
    }

    /**
     * What to run and for how long.
     *
     * @param cases case names to run (see {@link #caseNames()}); empty for all
     * @param engines engines to run, a subset of {@link #ENGINES}; empty for all
     * @param warmupSeconds untimed steps per engine before the rounds
     * @param secondsPerEngine timed seconds per engine and case, split over the rounds
     * @param rounds interleaved rounds, {@code >= 1}
     * @param minStepsPerRound fewest timed steps per engine and round
     * @param replayK replayed examples per step: batches hold {@code 1 + replayK} rows
     * @param seed seed of weights and data
     */
    public record Options(List<String> cases, List<String> engines, double warmupSeconds, double secondsPerEngine,
            int rounds, int minStepsPerRound, int replayK, long seed) {

        /** Checks every field; reports every problem at once. */
        public Options {
            cases = List.copyOf(cases);
            engines = List.copyOf(engines);
            List<String> problems = new ArrayList<>();
            for (String c : cases) {
                if (!caseNames().contains(c)) {
                    problems.add("case was '" + c + "' but must be one of " + String.join(", ", caseNames()));
                }
            }
            for (String e : engines) {
                if (!ENGINES.contains(e)) {
                    problems.add("engine was '" + e + "' but must be one of " + String.join(", ", ENGINES));
                }
            }
            if (!(warmupSeconds >= 0)) {
                problems.add("warmup seconds was " + warmupSeconds + " but must be >= 0");
            }
            if (!(secondsPerEngine > 0)) {
                problems.add("seconds per engine was " + secondsPerEngine + " but must be > 0");
            }
            if (rounds < 1) {
                problems.add("rounds was " + rounds + " but must be >= 1");
            }
            if (minStepsPerRound < 1) {
                problems.add("min steps per round was " + minStepsPerRound + " but must be >= 1");
            }
            if (replayK < 0) {
                problems.add("replay k was " + replayK + " but must be >= 0");
            }
            if (!problems.isEmpty()) {
                throw new ConfigurationException(problems);
            }
        }

        /** @return the defaults: every case and engine, 5 s warm-up, 15 s per engine in 5 rounds, k = 32 */
        public static Options defaults() {
            return new Options(List.of(), List.of(), 5, 15, 5, 2, 32, 42);
        }

        List<BenchCase> selectedCases() {
            return BenchCase.engineSuite().stream().filter(c -> cases.isEmpty() || cases.contains(c.name())).toList();
        }

        List<String> selectedEngines() {
            return ENGINES.stream().filter(e -> engines.isEmpty() || engines.contains(e)).toList();
        }
    }

    /** @return the names of the suite's cases */
    public static List<String> caseNames() {
        return BenchCase.engineSuite().stream().map(BenchCase::name).toList();
    }

    /**
     * Runs the suite and writes {@code engine.json} and {@code engine.md} into {@code out}.
     *
     * @param options what to run
     * @param backend the started Deeplearning4j backend (its threads are the benchmark's threads)
     * @param out the folder to write into; created if missing
     * @param progress receives one line per finished measurement
     * @return the report, as written to {@code engine.json}
     */
    public static Map<String, Object> run(Options options, BackendReport backend, Path out, Consumer<String> progress) {
        Set<String> engines = Set.copyOf(options.selectedEngines());
        if (engines.contains("pytorch") || engines.contains("coldstream-pytorch")) {
            PtEngines.configure(backend.threads());
        }
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("suite", "engine");
        report.put("createdAt", Instant.now().toString());
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("threads", backend.threads());
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        machine.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        report.put("machine", machine);
        report.put("dl4j", backend.summary());
        if (engines.contains("pytorch") || engines.contains("coldstream-pytorch")) {
            report.put("pytorch", PtEngines.describe() + ", threads " + backend.threads());
        }
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("batch", 1 + options.replayK());
        settings.put("replayK", options.replayK());
        settings.put("warmupSeconds", options.warmupSeconds());
        settings.put("secondsPerEngine", options.secondsPerEngine());
        settings.put("rounds", options.rounds());
        settings.put("seed", options.seed());
        report.put("settings", settings);
        List<Map<String, Object>> cases = new ArrayList<>();
        report.put("cases", cases);
        for (BenchCase c : options.selectedCases()) {
            cases.add(runCase(c, options, progress));
            write(report, out); // after each case, so a long suite leaves what it has measured
        }
        return report;
    }

    private static Map<String, Object> runCase(BenchCase c, Options options, Consumer<String> progress) {
        int batch = 1 + options.replayK();
        List<String> engines = options.selectedEngines();
        Map<String, StepRunner> runners = new LinkedHashMap<>();
        try {
            for (String e : engines) {
                runners.put(e, switch (e) {
                    case "coldstream" -> new ColdstreamStepRunner(NetworkEngine.DL4J, c, options.replayK(),
                            options.seed());
                    case "coldstream-pytorch" -> new ColdstreamStepRunner(NetworkEngine.PYTORCH, c, options.replayK(),
                            options.seed());
                    case "dl4j" -> new Dl4jBareRunner(c, batch, options.seed());
                    case "pytorch" -> new PytorchRunner(c, batch, options.seed());
                    default -> throw new IllegalStateException(e);
                });
            }
            long warmNanos = (long) (options.warmupSeconds() * 1e9);
            for (StepRunner r : runners.values()) {
                timed(r, warmNanos, 1);
            }
            Map<String, long[]> phasesAtStart = new LinkedHashMap<>();
            runners.forEach((e, r) -> {
                if (r instanceof ColdstreamStepRunner cs) {
                    phasesAtStart.put(e, cs.phaseNanos());
                }
            });
            long roundNanos = (long) (options.secondsPerEngine() / options.rounds() * 1e9);
            Map<String, double[]> rates = new LinkedHashMap<>();
            Map<String, long[]> totals = new LinkedHashMap<>(); // steps, nanos
            for (String e : engines) {
                rates.put(e, new double[options.rounds()]);
                totals.put(e, new long[2]);
            }
            for (int round = 0; round < options.rounds(); round++) {
                for (Map.Entry<String, StepRunner> entry : runners.entrySet()) {
                    long[] stepsAndNanos = timed(entry.getValue(), roundNanos, options.minStepsPerRound());
                    rates.get(entry.getKey())[round] = stepsAndNanos[0] * 1e9 / stepsAndNanos[1];
                    totals.get(entry.getKey())[0] += stepsAndNanos[0];
                    totals.get(entry.getKey())[1] += stepsAndNanos[1];
                }
            }
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("case", c.name());
            result.put("network", c.network().cliName());
            result.put("input", c.shape().channels() + "x" + c.shape().height() + "x" + c.shape().width());
            result.put("classes", c.numClasses());
            result.put("batch", batch);
            Map<String, Object> perEngine = new LinkedHashMap<>();
            for (String e : engines) {
                Map<String, Object> m = new LinkedHashMap<>();
                double med = median(rates.get(e));
                m.put("stepsPerSecond", round3(med));
                m.put("stepMillis", round3(1000 / med));
                m.put("rounds", Arrays.stream(rates.get(e)).map(EngineBench::round3).boxed().toList());
                m.put("timedSteps", totals.get(e)[0]);
                m.put("parameters", runners.get(e).parameterCount());
                if (runners.get(e) instanceof ColdstreamStepRunner cs) {
                    m.put("phases", phases(cs.phaseNanos(), phasesAtStart.get(e), totals.get(e)[0]));
                }
                perEngine.put(e, m);
                progress.accept(String.format(Locale.ROOT, "%-20s %-10s %8.2f steps/s  (rounds %s)", c.name(), e, med,
                        m.get("rounds")));
            }
            result.put("engines", perEngine);
            // Ratios pair the engines round by round (the same minute of the machine) and take the median.
            ratio(result, "coldstreamToPytorchRatio", rates.get("coldstream"), rates.get("pytorch"));
            ratio(result, "coldstreamPytorchToPytorchRatio", rates.get("coldstream-pytorch"), rates.get("pytorch"));
            ratio(result, "dl4jToPytorchRatio", rates.get("dl4j"), rates.get("pytorch"));
            ratio(result, "coldstreamToDl4jRatio", rates.get("coldstream"), rates.get("dl4j"));
            // extra time per step over the bare engine step
            overhead(result, "frameworkOverhead", rates.get("coldstream"), rates.get("dl4j"));
            overhead(result, "frameworkOverheadPytorch", rates.get("coldstream-pytorch"), rates.get("pytorch"));
            return result;
        } finally {
            for (StepRunner r : runners.values()) {
                r.close();
            }
        }
    }

    /** Steps {@code r} until {@code nanos} have passed and at least {@code minSteps} were taken. */
    private static long[] timed(StepRunner r, long nanos, int minSteps) {
        double sink = 0;
        long steps = 0;
        long t0 = System.nanoTime();
        long elapsed;
        do {
            sink += r.step();
            steps++;
            elapsed = System.nanoTime() - t0;
        } while (elapsed < nanos || steps < minSteps);
        if (Double.isNaN(sink)) {
            throw new IllegalStateException("the loss became NaN");
        }
        return new long[] {steps, elapsed};
    }

    private static Map<String, Object> phases(long[] now, long[] start, long steps) {
        Map<String, Object> m = new LinkedHashMap<>();
        long total = 0;
        for (int i = 0; i < now.length; i++) {
            total += now[i] - start[i];
        }
        for (TrainingStep.Phase p : TrainingStep.Phase.values()) {
            long nanos = now[p.ordinal()] - start[p.ordinal()];
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("millisPerStep", round3(nanos / 1e6 / Math.max(1, steps)));
            one.put("share", round3((double) nanos / Math.max(1, total)));
            m.put(p.name().toLowerCase(Locale.ROOT), one);
        }
        return m;
    }

    /** Puts the median over rounds of {@code a[r] / b[r]}, when both engines ran. */
    private static void ratio(Map<String, Object> result, String key, double[] a, double[] b) {
        paired(result, key, a, b, (x, y) -> x / y);
    }

    /** Puts the median over rounds of how much longer a step of {@code framework} takes than one of {@code bare}. */
    private static void overhead(Map<String, Object> result, String key, double[] framework, double[] bare) {
        paired(result, key, framework, bare, (f, b) -> b / f - 1);
    }

    private static void paired(Map<String, Object> result, String key, double[] a, double[] b,
            DoubleBinaryOperator perRound) {
        if (a != null && b != null) {
            double[] r = new double[a.length];
            for (int i = 0; i < a.length; i++) {
                r[i] = perRound.applyAsDouble(a[i], b[i]);
            }
            result.put(key, round3(median(r)));
        }
    }

    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    private static double round3(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    private static void write(Map<String, Object> report, Path out) {
        try {
            Files.createDirectories(out);
            ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            Path tmp = out.resolve(FILE + ".tmp");
            json.writeValue(tmp.toFile(), report);
            Files.move(tmp, out.resolve(FILE), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            Files.writeString(out.resolve("engine.md"), markdown(report));
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the benchmark report into " + out + ": " + e.getMessage(), e);
        }
    }

    /** @return the report as a Markdown table, one row per case */
    @SuppressWarnings("unchecked")
    static String markdown(Map<String, Object> report) {
        StringBuilder s = new StringBuilder("# Engine benchmark\n\n");
        s.append("Machine: ").append(report.get("machine")).append("  \n");
        s.append("Deeplearning4j: ").append(report.get("dl4j")).append("  \n");
        if (report.containsKey("pytorch")) {
            s.append("Reference: ").append(report.get("pytorch")).append("  \n");
        }
        s.append("Settings: ").append(report.get("settings")).append("\n\n");
        s.append("| case | coldstream (dl4j) | coldstream (pytorch) | bare dl4j | pytorch reference | coldstream/pytorch "
                + "| coldstream-pytorch/pytorch | dl4j/pytorch | overhead over bare dl4j | overhead over pytorch "
                + "| predict / assemble / fit / offer, ms per step (dl4j; pytorch) |\n");
        s.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (Map<String, Object> c : (List<Map<String, Object>>) report.get("cases")) {
            Map<String, Object> engines = (Map<String, Object>) c.get("engines");
            s.append("| ").append(c.get("case"));
            for (String e : ENGINES) {
                Object m = engines.get(e);
                s.append(" | ").append(m == null ? "-" : ((Map<String, Object>) m).get("stepsPerSecond"));
            }
            for (String key : List.of("coldstreamToPytorchRatio", "coldstreamPytorchToPytorchRatio", "dl4jToPytorchRatio")) {
                s.append(" | ").append(c.getOrDefault(key, "-"));
            }
            for (String key : List.of("frameworkOverhead", "frameworkOverheadPytorch")) {
                Object overhead = c.get(key);
                s.append(" | ").append(overhead == null ? "-"
                        : String.format(Locale.ROOT, "%+.1f%%", ((Number) overhead).doubleValue() * 100));
            }
            List<String> breakdowns = new ArrayList<>();
            for (String e : List.of("coldstream", "coldstream-pytorch")) {
                Object cs = engines.get(e);
                Object phases = cs == null ? null : ((Map<String, Object>) cs).get("phases");
                if (phases != null) {
                    List<String> parts = new ArrayList<>();
                    for (Object p : ((Map<String, Object>) phases).values()) {
                        parts.add(String.valueOf(((Map<String, Object>) p).get("millisPerStep")));
                    }
                    breakdowns.add(String.join(" / ", parts));
                }
            }
            s.append(" | ").append(breakdowns.isEmpty() ? "-" : String.join("; ", breakdowns)).append(" |\n");
        }
        return s.toString();
    }
}
