package io.coldstream.learner;

import io.coldstream.augment.AugmentOptions;
import io.coldstream.augment.Augmentations;
import io.coldstream.core.ByteSize;
import io.coldstream.core.ConfigurationException;
import io.coldstream.io.FashionMnist;
import io.coldstream.io.SourceSpec;
import io.coldstream.io.StreamOrder;
import io.coldstream.replay.EvictionPolicy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import io.coldstream.model.NetworkEngine;
import io.coldstream.model.NetworkKind;
import io.coldstream.model.OptimizerSettings;
import io.coldstream.model.LearningRateSchedule;

/**
 * Everything a training run is configured with. Built with {@link Builder}, which takes every
 * value as text under the keys of {@code shared/CLI.md} ({@code replay.budget} is the flag
 * {@code --replay-budget}) and reports every bad value at once.
 *
 * @param data the IDX folder: {@code train-*} is the stream, {@code t10k-*} the holdout
 * @param order the stream order
 * @param stageClasses classes per stage in class-incremental order
 * @param limit the most stream examples to train on; {@code 0} = the whole stream
 * @param seed the root of every random choice in the run
 * @param network the architecture
 * @param replayBudget the replay buffer's byte budget
 * @param replayK replayed examples mixed into each step (CSSL/REMIND: 50); {@code 0} = no replay
 * @param replayPolicy which entry to evict when the buffer is full
 * @param augment the augmentation list, such as {@code crop,flip}; {@code none} for none
 * @param augmentNew whether the new stream example is augmented too, not only the replayed ones
 * @param cropPadding zero padding of the random crop, in pixels
 * @param mixupAlpha the Beta distribution's parameter for mixup
 * @param lr the learning rate
 * @param momentum the Nesterov momentum
 * @param schedule how the learning rate changes with steps
 * @param holdoutEvery evaluate on the holdout subset every this many examples; {@code 0} = only at the end
 * @param holdoutSize examples in the periodic holdout subset (seeded); {@code 0} = the whole test split
 * @param snapshotEvery publish a snapshot every this many examples; {@code 0} = only at the end
 * @param out the run's output folder
 * @param threads ND4J threads; {@code 0} = backend default
 * @param onednn let convolution, pooling and batch-norm layers run on oneDNN
 * @param metricsEvery write a line to {@code metrics.jsonl} every this many examples
 * @param metricsPort serve Prometheus metrics on this port; {@code 0} = no endpoint
 * @param metricsHost the address the metrics endpoint binds to
 * @param source the stream to train on ({@code idx:DIR}, {@code queue:DIR}); {@code null} = the
 *     {@code data} folder's train split
 * @param checkpointEvery take a checkpoint every this many examples; {@code 0} = only at the end
 * @param checkpointKeep how many complete checkpoints to keep
 * @param badRecords what to do with a malformed stream record: {@code skip} (count it and keep it in
 *     {@code <out>/quarantine}) or {@code fail}
 * @param kafkaProperties a Java properties file of Kafka consumer settings (security, group.id, ...)
 *     passed through to a Kafka source; {@code null} for none
 * @param engine which library computes the network: Deeplearning4j (default) or PyTorch through DJL
 */
public record TrainerConfig(Path data, StreamOrder order, int stageClasses, long limit, long seed,
        NetworkKind network, ByteSize replayBudget, int replayK, EvictionPolicy replayPolicy, String augment,
        boolean augmentNew, int cropPadding, double mixupAlpha, double lr, double momentum,
        LearningRateSchedule schedule, long holdoutEvery, int holdoutSize, long snapshotEvery, Path out,
        int threads, boolean onednn, long metricsEvery, int metricsPort, String metricsHost, String source,
        long checkpointEvery, int checkpointKeep, String badRecords, Path kafkaProperties, NetworkEngine engine) {

    /** Checks the fields that the builder cannot get wrong only by mistake. */
    public TrainerConfig {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(order, "order");
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(replayBudget, "replayBudget");
        Objects.requireNonNull(replayPolicy, "replayPolicy");
        Objects.requireNonNull(augment, "augment");
        Objects.requireNonNull(schedule, "schedule");
        Objects.requireNonNull(out, "out");
    }

    /** @return the optimiser settings */
    public OptimizerSettings optimizer() {
        return new OptimizerSettings(lr, momentum, schedule);
    }

    /** @return the augmentation options */
    public AugmentOptions augmentOptions() {
        return new AugmentOptions(cropPadding, AugmentOptions.defaults().flipProbability(), mixupAlpha);
    }

    /**
     * The effective configuration, grouped as in a YAML config file ({@code replay: {budget: 16MB}}),
     * for {@code results.json} and snapshot manifests.
     *
     * @return an ordered map of plain values (strings, numbers, booleans, maps)
     */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("data", data.toString());
        if (source != null) {
            m.put("source", source);
        }
        m.put("order", order.cliName());
        m.put("stage", Map.of("classes", stageClasses));
        m.put("limit", limit);
        m.put("seed", seed);
        m.put("network", network.cliName());
        m.put("engine", engine.cliName());
        Map<String, Object> replay = new LinkedHashMap<>();
        replay.put("budget", replayBudget.toString());
        replay.put("k", replayK);
        replay.put("policy", replayPolicy.cliName());
        m.put("replay", replay);
        Map<String, Object> aug = new LinkedHashMap<>();
        aug.put("list", augment);
        aug.put("new", augmentNew);
        m.put("augment", aug);
        m.put("crop", Map.of("padding", cropPadding));
        m.put("mixup", Map.of("alpha", mixupAlpha));
        m.put("lr", lr);
        m.put("momentum", momentum);
        m.put("schedule", schedule.toString());
        Map<String, Object> holdout = new LinkedHashMap<>();
        holdout.put("every", holdoutEvery);
        holdout.put("size", holdoutSize);
        m.put("holdout", holdout);
        m.put("snapshot", Map.of("every", snapshotEvery));
        m.put("out", out.toString());
        m.put("threads", threads);
        m.put("onednn", onednn);
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("every", metricsEvery);
        metrics.put("port", metricsPort);
        metrics.put("host", metricsHost);
        m.put("metrics", metrics);
        Map<String, Object> checkpoint = new LinkedHashMap<>();
        checkpoint.put("every", checkpointEvery);
        checkpoint.put("keep", checkpointKeep);
        m.put("checkpoint", checkpoint);
        m.put("bad", Map.of("records", badRecords));
        if (kafkaProperties != null) {
            m.put("kafka", Map.of("properties", kafkaProperties.toString()));
        }
        return m;
    }

    /** @return a builder holding the defaults */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Collects values as text, keyed as in {@code shared/CLI.md}, and builds a validated
     * configuration. Every problem is remembered and reported together by {@link #build()}.
     */
    public static final class Builder {

        private static final List<String> KEYS = List.of("data", "order", "stage.classes", "limit", "seed", "network",
                "replay.budget", "replay.k", "replay.policy", "augment", "augment.new", "crop.padding", "mixup.alpha",
                "lr", "momentum", "schedule", "holdout.every", "holdout.size", "snapshot.every", "out", "threads", "onednn", "metrics.every", "metrics.port",
                "metrics.host", "source", "checkpoint.every", "checkpoint.keep", "bad.records",
                "kafka.properties", "engine");

        /** Problems found by {@link #set}, by key: setting a key again (a flag over a file) replaces its problem. */
        private final Map<String, String> problems = new LinkedHashMap<>();
        private final Map<String, Boolean> givenAsFlag = new HashMap<>();
        private boolean flagNames;
        private Path data = FashionMnist.DEFAULT_DIR;
        private StreamOrder order = StreamOrder.IID;
        private int stageClasses = 2;
        private long limit = 0;
        private long seed = 42;
        private NetworkKind network = NetworkKind.SMALL_CNN;
        private NetworkEngine engine = NetworkEngine.DL4J;
        private ByteSize replayBudget = ByteSize.parse("16MB");
        private int replayK = 50;
        private EvictionPolicy replayPolicy = EvictionPolicy.CLASS_BALANCED;
        private String augment = "crop,flip";
        private boolean augmentNew = false;
        private int cropPadding = 4;
        private double mixupAlpha = 0.2;
        private double lr = 0.01;
        private double momentum = 0.9;
        private LearningRateSchedule schedule = LearningRateSchedule.constant();
        private long holdoutEvery = 1000;
        private int holdoutSize = 2000;
        private long snapshotEvery = 5000;
        private Path out = Path.of("runs", "run");
        private int threads = 0;
        private boolean onednn = true;
        private long metricsEvery = 100;
        private int metricsPort = 0;
        private String metricsHost = "127.0.0.1";
        private String source = null;
        private long checkpointEvery = 1000;
        private int checkpointKeep = 3;
        private String badRecords = "skip";
        private Path kafkaProperties = null;

        private Builder() {
        }

        /** @return every key {@link #set} accepts */
        public static List<String> keys() {
            return KEYS;
        }

        /**
         * Name keys that were never set in messages as command-line flags ({@code --replay-budget})
         * rather than as config keys ({@code replay.budget}). A key that was set is always named
         * the way it was given.
         *
         * @return this builder
         */
        public Builder nameKeysAsFlags() {
            this.flagNames = true;
            return this;
        }

        /**
         * @param key a config key ({@code replay.budget}) or flag ({@code --replay-budget})
         * @return the config key
         */
        public static String normalise(String key) {
            String k = key.startsWith("--") ? key.substring(2) : key;
            k = k.toLowerCase(Locale.ROOT);
            if (!k.contains(".")) {
                int dash = k.indexOf('-');
                if (dash > 0 && KEYS.contains(k.substring(0, dash) + "." + k.substring(dash + 1))) {
                    k = k.substring(0, dash) + "." + k.substring(dash + 1);
                }
            }
            return k;
        }

        private String shown(String key) {
            return givenAsFlag.getOrDefault(key, flagNames) ? "--" + key.replace('.', '-') : key;
        }

        /**
         * Sets one value from text. A bad value or unknown key is remembered and reported by
         * {@link #build()}.
         *
         * @param rawKey a config key or flag
         * @param value the value as text
         * @return this builder
         */
        public Builder set(String rawKey, String value) {
            String key = normalise(rawKey);
            givenAsFlag.put(key, rawKey.startsWith("--"));
            problems.remove(key);
            String v = value == null ? "" : value.trim();
            switch (key) {
                case "data" -> data = parse(key, v, "a folder path", Path::of);
                case "order" -> order = parse(key, v, null, StreamOrder::parse);
                case "stage.classes" -> stageClasses = parse(key, v, "a whole number", Integer::parseInt);
                case "limit" -> limit = parse(key, v, "a whole number", Long::parseLong);
                case "seed" -> seed = parse(key, v, "a whole number", Long::parseLong);
                case "network" -> network = parse(key, v, null, NetworkKind::parse);
                case "engine" -> engine = parse(key, v, null, NetworkEngine::parse);
                case "replay.budget" -> replayBudget = parse(key, v, null, ByteSize::parse);
                case "replay.k" -> replayK = parse(key, v, "a whole number", Integer::parseInt);
                case "replay.policy" -> replayPolicy = parse(key, v, null, EvictionPolicy::parse);
                case "augment" -> augment = v;
                case "augment.new" -> augmentNew = parse(key, v, "true or false", Builder::parseBoolean);
                case "crop.padding" -> cropPadding = parse(key, v, "a whole number", Integer::parseInt);
                case "mixup.alpha" -> mixupAlpha = parse(key, v, "a number", Double::parseDouble);
                case "lr" -> lr = parse(key, v, "a number", Double::parseDouble);
                case "momentum" -> momentum = parse(key, v, "a number", Double::parseDouble);
                case "schedule" -> schedule = parse(key, v, null, LearningRateSchedule::parse);
                case "holdout.every" -> holdoutEvery = parse(key, v, "a whole number", Long::parseLong);
                case "holdout.size" -> holdoutSize = parse(key, v, "a whole number", Integer::parseInt);
                case "snapshot.every" -> snapshotEvery = parse(key, v, "a whole number", Long::parseLong);
                case "out" -> out = parse(key, v, "a folder path", Path::of);
                case "threads" -> threads = parse(key, v, "a whole number", Integer::parseInt);
                case "onednn" -> onednn = parse(key, v, "true or false", Builder::parseBoolean);
                case "metrics.every" -> metricsEvery = parse(key, v, "a whole number", Long::parseLong);
                case "metrics.port" -> metricsPort = parse(key, v, "a whole number", Integer::parseInt);
                case "metrics.host" -> metricsHost = v;
                case "augment.list" -> augment = v;
                case "source" -> source = parse(key, v, null, t -> SourceSpec.parse(t).toString());
                case "checkpoint.every" -> checkpointEvery = parse(key, v, "a whole number", Long::parseLong);
                case "checkpoint.keep" -> checkpointKeep = parse(key, v, "a whole number", Integer::parseInt);
                case "bad.records" -> badRecords = parse(key, v, null, Builder::parseBadRecords);
                case "kafka.properties" -> kafkaProperties = parse(key, v, "a file path", Path::of);
                default -> problems.put(key, "unknown key '" + rawKey + "'; known keys are " + String.join(", ",
                        rawKey.startsWith("--") ? KEYS.stream().map(k -> "--" + k.replace('.', '-')).toList() : KEYS));
            }
            return this;
        }

        private static String parseBadRecords(String v) {
            if (v.equalsIgnoreCase("skip") || v.equalsIgnoreCase("fail")) {
                return v.toLowerCase(Locale.ROOT);
            }
            throw new ConfigurationException("bad records policy was '" + v + "' but allowed values are skip, fail");
        }

        private static boolean parseBoolean(String v) {
            if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
                return Boolean.parseBoolean(v);
            }
            throw new IllegalArgumentException(v);
        }

        @SuppressWarnings("unchecked")
        private <T> T parse(String key, String value, String expected, Function<String, T> parser) {
            try {
                return parser.apply(value);
            } catch (ConfigurationException e) {
                problems.put(key, shown(key) + ": " + e.getMessage());
            } catch (IllegalArgumentException e) {
                problems.put(key, shown(key) + " was '" + value + "' but it must be "
                        + (expected != null ? expected : "valid") + (e.getMessage() != null && expected == null
                                ? " (" + e.getMessage() + ")" : ""));
            }
            return (T) current(key);
        }

        private Object current(String key) {
            return switch (key) {
                case "data" -> data;
                case "order" -> order;
                case "stage.classes" -> stageClasses;
                case "limit" -> limit;
                case "seed" -> seed;
                case "network" -> network;
                case "engine" -> engine;
                case "replay.budget" -> replayBudget;
                case "replay.k" -> replayK;
                case "replay.policy" -> replayPolicy;
                case "augment.new" -> augmentNew;
                case "crop.padding" -> cropPadding;
                case "mixup.alpha" -> mixupAlpha;
                case "lr" -> lr;
                case "momentum" -> momentum;
                case "schedule" -> schedule;
                case "holdout.every" -> holdoutEvery;
                case "holdout.size" -> holdoutSize;
                case "snapshot.every" -> snapshotEvery;
                case "out" -> out;
                case "threads" -> threads;
                case "onednn" -> onednn;
                case "metrics.every" -> metricsEvery;
                case "metrics.port" -> metricsPort;
                case "source" -> source;
                case "checkpoint.every" -> checkpointEvery;
                case "checkpoint.keep" -> checkpointKeep;
                case "bad.records" -> badRecords;
                case "kafka.properties" -> kafkaProperties;
                default -> throw new IllegalStateException("no current value for " + key);
            };
        }

        /**
         * @return the configuration
         * @throws ConfigurationException listing every problem found by {@link #set} and here
         */
        public TrainerConfig build() {
            List<String> all = new ArrayList<>(problems.values());
            atLeast(all, "stage.classes", stageClasses, 1);
            atLeast(all, "limit", limit, 0);
            atLeast(all, "replay.k", replayK, 0);
            atLeast(all, "crop.padding", cropPadding, 0);
            atLeast(all, "holdout.every", holdoutEvery, 0);
            atLeast(all, "holdout.size", holdoutSize, 0);
            atLeast(all, "snapshot.every", snapshotEvery, 0);
            atLeast(all, "threads", threads, 0);
            atLeast(all, "metrics.every", metricsEvery, 1);
            atLeast(all, "checkpoint.every", checkpointEvery, 0);
            atLeast(all, "checkpoint.keep", checkpointKeep, 1);
            if (metricsPort < 0 || metricsPort > 65535) {
                all.add(shown("metrics.port") + " was " + metricsPort + " but it must be in [0, 65535] (0 = no endpoint)");
            }
            if (metricsHost.isBlank()) {
                all.add(shown("metrics.host") + " was empty but it must be an address such as 127.0.0.1");
            }
            if (replayBudget.bytes() <= 0) {
                all.add(shown("replay.budget") + " was '" + replayBudget + "' but it must be positive");
            }
            if (!(mixupAlpha > 0) || Double.isInfinite(mixupAlpha)) {
                all.add(shown("mixup.alpha") + " was " + mixupAlpha + " but it must be a positive number");
            }
            if (!(lr > 0) || Double.isInfinite(lr)) {
                all.add(shown("lr") + " was " + lr + " but it must be a positive number");
            }
            if (!(momentum >= 0 && momentum < 1)) {
                all.add(shown("momentum") + " was " + momentum + " but it must be in [0, 1)");
            }
            try {
                Augmentations.parse(augment, AugmentOptions.defaults());
            } catch (ConfigurationException e) {
                all.add(shown("augment") + ": " + e.getMessage());
            }
            if (!all.isEmpty()) {
                throw new ConfigurationException(all);
            }
            return new TrainerConfig(data, order, stageClasses, limit, seed, network, replayBudget, replayK,
                    replayPolicy, augment, augmentNew, cropPadding, mixupAlpha, lr, momentum, schedule, holdoutEvery,
                    holdoutSize, snapshotEvery, out, threads, onednn, metricsEvery, metricsPort, metricsHost, source,
                    checkpointEvery, checkpointKeep, badRecords, kafkaProperties, engine);
        }

        private void atLeast(List<String> all, String key, long value, long min) {
            if (value < min) {
                all.add(shown(key) + " was " + value + " but it must be >= " + min);
            }
        }
    }
}
