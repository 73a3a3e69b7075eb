package io.coldstream.learner;

import static io.coldstream.core.SettingCheck.atLeast;
import static io.coldstream.core.SettingCheck.that;

import io.coldstream.augment.AugmentOptions;
import io.coldstream.augment.Augmentations;
import io.coldstream.backend.BackendSettings;
import io.coldstream.core.ByteSize;
import io.coldstream.core.ConfigurationException;
import io.coldstream.core.Setting;
import io.coldstream.core.SettingCheck;
import io.coldstream.core.SettingType;
import io.coldstream.core.SettingsTable;
import io.coldstream.io.CifarLabels;
import io.coldstream.io.DatasetOptions;
import io.coldstream.io.FashionMnist;
import io.coldstream.io.SnapshotAnnouncements;
import io.coldstream.io.SourceSpec;
import io.coldstream.io.StreamOrder;
import io.coldstream.model.LearningRateSchedule;
import io.coldstream.model.NetworkEngine;
import io.coldstream.model.NetworkKind;
import io.coldstream.replay.EvictionPolicy;
import io.coldstream.replay.ReplayCodec;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Every setting of {@code coldstream train}, declared once: key, type, default, rule, doc line
 * and whether it may change on resume. The command's flags ({@code --replay-budget}), the config
 * file's keys ({@code replay: {budget: 16MB}}), validation, {@link TrainerConfig#describe()} and
 * the resume fingerprint all come from this table; declaration order is the order of
 * {@code describe()} (which {@code results.json} and snapshot manifests echo) and of {@code --help}.
 *
 * <p>Adding a setting is one entry here plus the code that reads it with
 * {@link TrainerConfig#get(Setting)}. A setting that does not change what is learnt (output,
 * reporting, scheduling of side effects) is {@code resumable()}; any other is part of the
 * fingerprint, so checkpoints taken before it existed no longer resume.
 */
public final class TrainerSettings {

    private static final SettingsTable TABLE = new SettingsTable();
    /** The most replayed examples per step: a step's batch is {@code 1 + k} examples. */
    static final int MAX_REPLAY_K = 1024;
    /** The largest crop padding, in pixels. */
    static final int MAX_CROP_PADDING = 64;
    private static final SettingCheck<Double> POSITIVE =
            that(v -> v > 0 && !Double.isInfinite(v), "a positive number");

    /**
     * The dataset, as a spec ({@link SourceSpec#parseDataset}): {@code idx:DIR} or a bare
     * {@code DIR}, {@code cifar100:DIR}, {@code imagefolder:DIR}, or several comma-separated (a
     * multi-task dataset). Its train split is the stream (unless {@link #SOURCE} is set), its test
     * split the holdout. Kept as written, so that the default's text (and the fingerprint of
     * checkpoints taken when this was a folder) stays the same.
     */
    public static final Setting<String> DATA = TABLE.define("data",
                    SettingType.of("a dataset folder or spec", TrainerSettings::dataset, s -> s),
                    FashionMnist.DEFAULT_DIR.toString())
            .label("SPEC").doc("dataset: idx:DIR or DIR (IDX), cifar100:DIR, imagefolder:DIR, or A,B,... (multi-task);"
                    + " its train split is the stream, its test split the holdout");
    /** The stream to train on ({@code idx:DIR}, {@code queue:DIR}, {@code kafka:...}); unset = {@link #DATA}'s train split. */
    public static final Setting<String> SOURCE = TABLE.define("source",
                    SettingType.of(t -> SourceSpec.parse(t).toString(), s -> s), null)
            .label("SPEC").describedDefault("--data's train split")
            .doc("stream to train on: idx:DIR, cifar100:DIR, imagefolder:DIR, A,B,..., queue:DIR or"
                    + " kafka:HOST:PORT/TOPIC; --data still gives the holdout");
    /** Which CIFAR-100 labels a {@code cifar100:} dataset reads: the 100 fine classes or the 20 coarse ones. */
    public static final Setting<CifarLabels> LABELS = TABLE.define("labels",
                    SettingType.of(CifarLabels::parse, CifarLabels::cliName), CifarLabels.FINE)
            .label("LABELS").doc("fine | coarse: CIFAR-100's 100 classes or 20 superclasses");
    /** The side, in pixels, to which an {@code imagefolder:} dataset brings its images. */
    public static final Setting<Integer> IMAGE_SIZE = TABLE.define("image.size", SettingType.INT,
                    DatasetOptions.DEFAULT_IMAGE_SIZE)
            .label("PX").check(between(DatasetOptions.MIN_IMAGE_SIZE, DatasetOptions.MAX_IMAGE_SIZE))
            .doc("side in pixels of the images of an imagefolder dataset");
    /** The stream order. */
    public static final Setting<StreamOrder> ORDER = TABLE.define("order",
                    SettingType.of(StreamOrder::parse, StreamOrder::cliName), StreamOrder.IID)
            .label("ORDER").doc("iid | class-incremental | file | multi-task");
    /** Classes per stage in class-incremental order. */
    public static final Setting<Integer> STAGE_CLASSES = TABLE.define("stage.classes", SettingType.INT, 2)
            .label("C").check(between(1, 100_000)).doc("classes per stage in class-incremental order");
    /** The most stream examples to train on; {@code 0} = the whole stream. */
    public static final Setting<Long> LIMIT = TABLE.define("limit", SettingType.LONG, 0L)
            .label("N").check(atLeast(0)).describedDefault("whole stream").resumable()
            .doc("train on at most N stream examples, 0 = the whole stream");
    /** The root of every random choice in the run. */
    public static final Setting<Long> SEED = TABLE.define("seed", SettingType.LONG, 42L)
            .label("S").doc("root of every random choice");
    /** The architecture. */
    public static final Setting<NetworkKind> NETWORK = TABLE.define("network",
                    SettingType.of(NetworkKind::parse, NetworkKind::cliName), NetworkKind.SMALL_CNN)
            .label("NET").doc("small-cnn | small-cnn-wide | resnet18");
    /** Which library computes the network. */
    public static final Setting<NetworkEngine> ENGINE = TABLE.define("engine",
                    SettingType.of(NetworkEngine::parse, NetworkEngine::cliName), NetworkEngine.DL4J)
            .label("ENGINE").doc("which library computes the network: dl4j (Deeplearning4j) or pytorch"
                    + " (libtorch through DJL, faster on CPU)");
    /** The replay buffer's byte budget. */
    public static final Setting<ByteSize> REPLAY_BUDGET = TABLE.define("replay.budget",
                    SettingType.of(ByteSize::parse, ByteSize::toString), ByteSize.parse("16MB"))
            .label("SIZE").check(that(b -> b.bytes() > 0, "positive")).doc("replay buffer budget, such as 16MB");
    /** Replayed examples mixed into each step (CSSL/REMIND: 50); {@code 0} = no replay. */
    public static final Setting<Integer> REPLAY_K = TABLE.define("replay.k", SettingType.INT, 50)
            .label("K").check(between(0, MAX_REPLAY_K)).doc("replayed examples per step");
    /** Which entry to evict when the buffer is full. */
    public static final Setting<EvictionPolicy> REPLAY_POLICY = TABLE.define("replay.policy",
                    SettingType.of(EvictionPolicy::parse, EvictionPolicy::cliName), EvictionPolicy.CLASS_BALANCED)
            .label("POLICY").doc("class-balanced | reservoir");
    /**
     * How the replay buffer stores entries (raw uint8, 4/2/6-bit quantized, 2x downsampled, both,
     * JPEG); the budget counts stored bytes, so a smaller form holds more entries. Changes what is learnt.
     */
    public static final Setting<ReplayCodec> REPLAY_CODEC = TABLE.define("replay.codec",
                    SettingType.of(ReplayCodec::parse, ReplayCodec::cliName), ReplayCodec.RAW)
            .label("CODEC").doc(java.util.Arrays.stream(ReplayCodec.values()).map(ReplayCodec::cliName)
                    .collect(java.util.stream.Collectors.joining(" | ")));
    /** The augmentation list, such as {@code crop,flip}; {@code none} for none. Sits at {@code augment.list}. */
    public static final Setting<String> AUGMENT = TABLE.define("augment", SettingType.TEXT, "crop,flip")
            .path("augment.list").label("LIST")
            .check(SettingCheck.accepts(list -> Augmentations.parse(list, AugmentOptions.defaults())))
            .doc("any of crop,flip,mixup, or none");
    /** Whether the new stream example is augmented too, not only the replayed ones. */
    public static final Setting<Boolean> AUGMENT_NEW = TABLE.define("augment.new", SettingType.BOOLEAN, false)
            .label("BOOL").doc("augment the new example too");
    /** Zero padding of the random crop, in pixels. */
    public static final Setting<Integer> CROP_PADDING = TABLE.define("crop.padding", SettingType.INT, 4)
            .label("PX").check(between(0, MAX_CROP_PADDING)).doc("zero padding of the random crop");
    /** The Beta distribution's parameter for mixup. */
    public static final Setting<Double> MIXUP_ALPHA = TABLE.define("mixup.alpha", SettingType.DOUBLE, 0.2)
            .label("A").check(that(a -> a > 0 && a <= 1000, "in (0, 1000]")).doc("mixup Beta(a, a) parameter");
    /** The learning rate. */
    public static final Setting<Double> LR = TABLE.define("lr", SettingType.DOUBLE, 0.01)
            .label("X").check(POSITIVE).doc("learning rate");
    /** The Nesterov momentum. */
    public static final Setting<Double> MOMENTUM = TABLE.define("momentum", SettingType.DOUBLE, 0.9)
            .label("M").check(that(m -> m >= 0 && m < 1, "in [0, 1)")).doc("Nesterov momentum");
    /** L2 weight decay on the convolution and dense weights; {@code 0} = none. */
    public static final Setting<Double> WEIGHT_DECAY = TABLE.define("weight.decay", SettingType.DOUBLE, 0.0)
            .label("L2").check(that(w -> w >= 0 && w < 1, "in [0, 1)"))
            .doc("L2 weight decay on convolution and dense weights, 0 = none");
    /**
     * Decay of the exponential moving average of the weights that holdout evaluations, snapshots and
     * the final evaluation use ({@link io.coldstream.model.Network#averageInto}); {@code 0} = the
     * trained weights themselves. Default 0.999: over the whole Fashion-MNIST stream it gave 0.7 points
     * (iid) and 1.45 (class-incremental) over the trained weights (README, Benchmark harness).
     * Resumable: the average never feeds back into training, so a run may resume with another decay
     * (the average then goes on with it, or starts from the resumed weights when the checkpoint holds
     * none).
     */
    public static final Setting<Double> EMA_DECAY = TABLE.define("ema.decay", SettingType.DOUBLE, 0.999)
            .label("D").check(that(d -> d >= 0 && d < 1, "in [0, 1)")).resumable()
            .doc("evaluate and publish a moving average of the weights with this decay, such as 0.999; 0 = off");
    /** How the learning rate changes with steps. */
    public static final Setting<LearningRateSchedule> SCHEDULE = TABLE.define("schedule",
                    SettingType.of(LearningRateSchedule::parse, LearningRateSchedule::toString),
                    LearningRateSchedule.constant())
            .label("SCHED").doc("constant | step:EVERY:GAMMA");
    /** Evaluate on the holdout subset every this many examples; {@code 0} = only at the end. */
    public static final Setting<Long> HOLDOUT_EVERY = TABLE.define("holdout.every", SettingType.LONG, 1000L)
            .label("N").check(atLeast(0)).resumable()
            .doc("evaluate the holdout subset every N examples, 0 = only at the end");
    /** Examples in the periodic holdout subset (seeded); {@code 0} = the whole test split. */
    public static final Setting<Integer> HOLDOUT_SIZE = TABLE.define("holdout.size", SettingType.INT, 2000)
            .label("N").check(between(0, 100_000_000)).resumable().doc("examples in the periodic holdout subset, 0 = all");
    /** Publish a snapshot every this many examples; {@code 0} = only at the end. */
    public static final Setting<Long> SNAPSHOT_EVERY = TABLE.define("snapshot.every", SettingType.LONG, 5000L)
            .label("N").check(atLeast(0)).resumable()
            .doc("publish a snapshot every N examples, 0 = only at the end");
    /** Snapshot versions to keep ({@link SnapshotRetention}); {@code 0} = keep every version. */
    public static final Setting<Integer> SNAPSHOT_KEEP = TABLE.define("snapshot.keep", SettingType.INT, 0)
            .label("N").check(atLeast(0)).describedDefault("all").resumable()
            .doc("keep the newest N snapshot versions (never the one LATEST names), 0 = all");
    /** How long a replaced snapshot version stays before retention may delete it. */
    public static final Setting<java.time.Duration> SNAPSHOT_GRACE = TABLE.define("snapshot.grace",
                    SettingType.of("a duration such as 90s, 5m or 1h", TrainerSettings::duration,
                            TrainerSettings::durationText), java.time.Duration.ofMinutes(5))
            .label("DURATION").resumable()
            .doc("keep a replaced snapshot at least this long, so a reader that just opened it can finish");
    /**
     * A compacted Kafka topic on which each published snapshot's manifest is announced, after the
     * snapshot and {@code LATEST} are durable ({@code serve --follow} reads them); unset for none.
     */
    public static final Setting<String> ANNOUNCE = TABLE.define("announce",
                    SettingType.of("kafka:HOST:PORT/TOPIC", TrainerSettings::announce, s -> s), null)
            .label("kafka:HOST:PORT/TOPIC").resumable()
            .doc("announce each published snapshot's manifest on this compacted Kafka topic");
    /** The run's output folder; {@code coldstream train} defaults it to {@code runs/<date-time>}. */
    public static final Setting<Path> OUT = TABLE.define("out", SettingType.path("a folder path"), Path.of("runs", "run"))
            .label("DIR").describedDefault("runs/<date-time>").resumable()
            .doc("output folder: new, empty, or holding checkpoints of the same run to resume");
    /** ND4J threads; {@code 0} = backend default. */
    public static final Setting<Integer> THREADS = TABLE.define("threads", SettingType.INT, 0)
            .label("N").check(between(0, 1024)).describedDefault("backend default").resumable()
            .doc("ND4J threads; must match OMP_NUM_THREADS, which bin/coldstream sets from it");
    /** Let convolution, pooling and batch-norm layers run on oneDNN. */
    public static final Setting<Boolean> ONEDNN = TABLE.define("onednn", SettingType.BOOLEAN, true)
            .label("BOOL").resumable().doc("run convolution, pooling and batch norm on oneDNN");
    /** The CUDA device to train on, in a {@code -Pcuda} build on a host with a usable GPU; ignored on the CPU. */
    public static final Setting<Integer> DEVICE = TABLE.define("device", SettingType.INT, 0)
            .label("N").check(between(0, 1024)).resumable()
            .doc("CUDA device to train on (a -Pcuda build); ignored on the CPU");
    /** Stop, rather than train on the CPU, when no usable GPU is found. */
    public static final Setting<Boolean> REQUIRE_GPU = TABLE.define("require.gpu", SettingType.BOOLEAN, false)
            .label("BOOL").resumable().doc("stop when no usable GPU is found, instead of training on the CPU");
    /**
     * The floating-point type of parameters and activations. Only {@code float32} is accepted (half
     * precision is refused, see {@link BackendSettings#dataType(String)}), so it cannot change what is
     * learnt and is resumable; once another type is accepted it must leave the resumable settings.
     */
    public static final Setting<String> DTYPE = TABLE.define("dtype",
                    SettingType.of(BackendSettings::dataType, s -> s), BackendSettings.FLOAT32)
            .label("TYPE").resumable().doc("float32; half precision (float16, bfloat16) is refused");
    /** Write a line to {@code metrics.jsonl} every this many examples. */
    public static final Setting<Long> METRICS_EVERY = TABLE.define("metrics.every", SettingType.LONG, 100L)
            .label("N").check(atLeast(1)).resumable().doc("a line in metrics.jsonl every N examples");
    /** Serve Prometheus metrics on this port; {@code 0} = no endpoint. */
    public static final Setting<Integer> METRICS_PORT = TABLE.define("metrics.port", SettingType.INT, 0)
            .label("P").check(that(p -> p >= 0 && p <= 65535, "in [0, 65535] (0 = no endpoint)"))
            .describedDefault("off").resumable()
            .doc("serve Prometheus metrics at http://HOST:P/metrics during the run");
    /** The address the metrics endpoint binds to. */
    public static final Setting<String> METRICS_HOST = TABLE.define("metrics.host", SettingType.TEXT, "127.0.0.1")
            .label("HOST").check(that(h -> !h.isBlank(), "an address such as 127.0.0.1")).resumable()
            .doc("address of the metrics endpoint");
    /** Take a checkpoint every this many examples; {@code 0} = only at the end. */
    public static final Setting<Long> CHECKPOINT_EVERY = TABLE.define("checkpoint.every", SettingType.LONG, 1000L)
            .label("N").check(atLeast(0)).resumable()
            .doc("take a checkpoint every N examples, 0 = only at the end");
    /** How many complete checkpoints to keep. */
    public static final Setting<Integer> CHECKPOINT_KEEP = TABLE.define("checkpoint.keep", SettingType.INT, 3)
            .label("K").check(between(1, 1000)).resumable().doc("complete checkpoints to keep");
    /** A malformed stream record: {@code skip} (count it, keep it in {@code <out>/quarantine}) or {@code fail}. */
    public static final Setting<String> BAD_RECORDS = TABLE.define("bad.records",
                    SettingType.of(TrainerSettings::badRecords, s -> s), "skip")
            .label("POLICY").resumable().doc("skip (count, quarantine) | fail");
    /** A Java properties file of Kafka consumer settings passed through to a Kafka source; unset for none. */
    public static final Setting<Path> KAFKA_PROPERTIES = TABLE.define("kafka.properties",
                    SettingType.path("a file path"), null)
            .label("FILE").resumable()
            .doc("Kafka consumer settings (security, group.id, ...) as a Java properties file");
    /**
     * What a resume does when a Kafka partition no longer holds the records after the checkpoint's
     * offset because retention deleted them: {@code strict} refuses (exit status 2), {@code accept-loss}
     * resumes at the first record left and records the lost offsets in {@code results.json}.
     */
    public static final Setting<String> KAFKA_RESUME = TABLE.define("kafka.resume",
                    SettingType.of(TrainerSettings::kafkaResume, s -> s), "strict")
            .label("POLICY").resumable()
            .doc("strict | accept-loss: on resume, refuse or skip past Kafka records that retention deleted");
    /**
     * How many steps in a row may have a non-finite loss (each skipped: its update never reaches the
     * weights) before the run stops as diverged.
     */
    public static final Setting<Integer> NONFINITE_LIMIT = TABLE.define("nonfinite.limit", SettingType.INT, 10)
            .label("N").check(between(1, 1_000_000)).resumable()
            .doc("stop after N steps in a row with a non-finite loss (each is skipped, never applied)");

    private TrainerSettings() {
    }

    /** A bound on a whole-number setting, such as "in [0, 1024]". */
    private static <N extends Number> SettingCheck<N> between(long min, long max) {
        return that(v -> v.longValue() >= min && v.longValue() <= max, "in [" + min + ", " + max + "]");
    }

    /** @return the table holding every setting above, in declaration order */
    public static SettingsTable table() {
        return TABLE;
    }

    private static java.time.Duration duration(String text) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)\\s*(ms|s|m|h)")
                .matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new ConfigurationException("duration was '" + text + "' but it must be a whole number with a unit,"
                    + " such as 500ms, 90s, 5m or 1h");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> java.time.Duration.ofMillis(n);
            case "s" -> java.time.Duration.ofSeconds(n);
            case "m" -> java.time.Duration.ofMinutes(n);
            default -> java.time.Duration.ofHours(n);
        };
    }

    private static String durationText(java.time.Duration d) {
        long ms = d.toMillis();
        if (ms % 3_600_000 == 0 && ms > 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0 && ms > 0) {
            return ms / 60_000 + "m";
        }
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }

    /** A dataset spec, checked and kept as written (trimmed). */
    private static String dataset(String text) {
        for (SourceSpec part : SourceSpec.parseDataset(text).parts()) {
            Path.of(part.location()); // an InvalidPathException (an IllegalArgumentException) is reported as the key's rule
        }
        return text.trim();
    }

    private static String kafkaResume(String v) {
        if (v.equalsIgnoreCase("strict") || v.equalsIgnoreCase("accept-loss")) {
            return v.toLowerCase(Locale.ROOT);
        }
        throw new ConfigurationException("Kafka resume policy was '" + v + "' but allowed values are strict,"
                + " accept-loss");
    }

    private static String announce(String v) {
        return SnapshotAnnouncements.parse(v).toString();
    }

    private static String badRecords(String v) {
        if (v.equalsIgnoreCase("skip") || v.equalsIgnoreCase("fail")) {
            return v.toLowerCase(Locale.ROOT);
        }
        throw new ConfigurationException("bad records policy was '" + v + "' but allowed values are skip, fail");
    }
}
