package io.coldstream.cli;

import io.coldstream.core.ConfigurationException;
import io.coldstream.core.Setting;
import io.coldstream.core.SettingType;
import io.coldstream.eval.ReportFiles;
import io.coldstream.eval.RunReport;
import io.coldstream.eval.RunResults;
import io.coldstream.learner.Trainer;
import io.coldstream.learner.TrainerConfig;
import io.coldstream.learner.TrainerSettings;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.IModelTransformer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code coldstream train}: cold-start streaming training on a dataset stream. Besides
 * {@code --config FILE} (a YAML file of the same keys, which flags override), its flags come from
 * {@link TrainerSettings}: one {@code --replay-budget SIZE} per setting, documented from its table entry.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        modelTransformer = TrainCommand.SettingFlags.class,
        description = "Train a network from random weights on a stream, one example at a time, with replay "
                + "and augmentation; write results.json and versioned snapshots into --out.")
final class TrainCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE",
            description = "YAML file whose keys mirror the flags (replay: {budget: 16MB}); flags override it")
    Path configFile;

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        TrainerConfig.Builder builder = TrainerConfig.builder().nameKeysAsFlags();
        List<String> fileProblems = List.of();
        if (configFile != null) {
            try {
                ConfigFile.read(configFile).forEach(builder::set);
            } catch (ConfigurationException e) {
                fileProblems = e.problems(); // reported together with the flags' problems below
            }
        }
        given().forEach(builder::set);
        if (!builder.isSet("out")) {
            builder.set("--out", Path.of("runs", LocalDateTime.now()
                    .format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT))).toString());
        }
        TrainerConfig config;
        try {
            config = builder.build();
        } catch (ConfigurationException e) {
            if (fileProblems.isEmpty()) {
                throw e;
            }
            List<String> all = new ArrayList<>(fileProblems);
            all.addAll(e.problems());
            throw new ConfigurationException(all);
        }
        if (!fileProblems.isEmpty()) {
            throw new ConfigurationException(fileProblems);
        }
        try (MetricsServer server = config.metricsPort() > 0
                ? MetricsServer.start(config.metricsHost(), config.metricsPort()) : null) {
            MeterRegistry registry = server != null ? server.registry() : new SimpleMeterRegistry();
            try (Trainer trainer = Trainer.prepare(config, Clock.systemUTC(), registry)) {
                if (server != null) {
                    stderr.println("metrics:  http://" + server.host() + ":" + server.port() + "/metrics");
                }
                ConsoleProgress progress = new ConsoleProgress(stderr, System.console() != null);
                // SIGTERM (and Ctrl-C): finish the current step, take a final checkpoint, then exit.
                CountDownLatch finished = new CountDownLatch(1);
                Thread hook = new Thread(() -> {
                    trainer.requestStop();
                    try {
                        finished.await(2, TimeUnit.MINUTES);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }, "coldstream-stop");
                Runtime.getRuntime().addShutdownHook(hook);
                try {
                    RunResults result = trainer.run(progress);
                    if (!result.complete()) {
                        stderr.printf(Locale.ROOT, "stopped at %d examples with a final checkpoint; run again with"
                                + " --out %s to resume%n", result.examplesSeen(), config.out());
                        stderr.flush();
                        return 0;
                    }
                    ReportFiles report = RunReport.write(config.out());
                    stdout.printf(Locale.ROOT, "trained on %d examples at %.1f steps/s; prequential accuracy %.4f, "
                            + "final holdout accuracy %.4f; results in %s, report in %s%n", result.examplesSeen(),
                            result.stepsPerSecond(), result.prequentialAccuracy(), result.finalAccuracy(),
                            config.out().resolve("results.json"), report.summary());
                    stdout.flush();
                } finally {
                    // lets a running stop hook end, and with it the JVM, once everything is written
                    finished.countDown();
                }
            }
        }
        return 0;
    }

    /** @return the settings given as flags, by flag, in command-line order */
    private Map<String, String> given() {
        Map<String, String> m = new LinkedHashMap<>();
        for (OptionSpec option : spec.commandLine().getParseResult().matchedOptions()) {
            if (TrainerSettings.table().find(option.longestName()).isPresent()) {
                m.put(option.longestName(), option.getValue());
            }
        }
        return m;
    }

    /**
     * Adds one option per setting of {@link TrainerSettings}, in the table's order, after
     * {@code --config}: {@code --replay-budget SIZE}, with the setting's doc line and default as help.
     */
    static final class SettingFlags implements IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec spec) {
            for (Setting<?> setting : TrainerSettings.table().settings()) {
                OptionSpec.Builder option = OptionSpec.builder(setting.flag())
                        .paramLabel(setting.label())
                        .type(String.class)
                        .description(setting.doc() + " (default: " + setting.defaultText() + ")");
                if (setting.type() == SettingType.BOOLEAN) {
                    // a bare boolean flag (--require-gpu) means true
                    option.arity("0..1").fallbackValue("true");
                }
                spec.addOption(option.build());
            }
            return spec;
        }
    }
}
