package io.coldstream.learner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.coldstream.core.ConfigurationException;
import io.coldstream.io.CifarLabels;
import io.coldstream.io.DatasetOptions;
import io.coldstream.io.StreamOrder;
import io.coldstream.model.LearningRateSchedule;
import io.coldstream.model.NetworkKind;
import io.coldstream.replay.EvictionPolicy;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrainerConfigTest {

    @Test
    void defaultsFollowCssl() {
        TrainerConfig c = TrainerConfig.builder().build();
        assertThat(c.replayK()).isEqualTo(50);
        assertThat(c.replayBudget().bytes()).isEqualTo(16L << 20);
        assertThat(c.replayPolicy()).isEqualTo(EvictionPolicy.CLASS_BALANCED);
        assertThat(c.order()).isEqualTo(StreamOrder.IID);
        assertThat(c.network()).isEqualTo(NetworkKind.SMALL_CNN);
        assertThat(c.data().toString()).isEqualTo("/usr/share/datasets/fashion-mnist");
    }

    @Test
    void flagsAndKeysSetTheSameValues() {
        TrainerConfig byFlag = TrainerConfig.builder().set("--replay-budget", "8MB").set("--stage-classes", "3")
                .set("--order", "class-incremental").build();
        TrainerConfig byKey = TrainerConfig.builder().set("replay.budget", "8MB").set("stage.classes", "3")
                .set("order", "class-incremental").build();
        assertThat(byFlag).isEqualTo(byKey);
        assertThat(byFlag.replayBudget().bytes()).isEqualTo(8L << 20);
        assertThat(byFlag.stageClasses()).isEqualTo(3);
    }

    @Test
    void reportsEveryBadValueAtOnceNamingTheFlag() {
        assertThatThrownBy(() -> TrainerConfig.builder().nameKeysAsFlags()
                .set("--replay-budget", "-3 MB")
                .set("--replay-policy", "lru")
                .set("--replay-k", "lots")
                .set("--lr", "0")
                .set("--augment", "crop,blur")
                .set("--network", "vgg")
                .build())
                .isInstanceOfSatisfying(ConfigurationException.class, e -> {
                    assertThat(e.problems()).hasSize(6);
                    assertThat(e.getMessage())
                            .contains("--replay-budget")
                            .contains("'-3 MB'")
                            .contains("--replay-policy")
                            .contains("class-balanced, reservoir")
                            .contains("--replay-k was 'lots' but it must be a whole number")
                            .contains("--lr was 0.0 but it must be a positive number")
                            .contains("blur")
                            .contains("small-cnn, small-cnn-wide, resnet18");
                });
    }

    @Test
    void namesConfigKeysWhenNotFromFlags() {
        assertThatThrownBy(() -> TrainerConfig.builder().set("replay.k", "-1").build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("replay.k was -1 but it must be in [0, 1024]");
    }

    @Test
    void rejectsUnknownKeysListingTheKnownOnes() {
        assertThatThrownBy(() -> TrainerConfig.builder().set("replay.size", "3").build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("unknown key 'replay.size'")
                .hasMessageContaining("replay.budget");
    }

    @Test
    void describeGroupsKeysAsTheConfigFileDoes() {
        var d = TrainerConfig.builder().set("replay.k", "7").build().describe();
        assertThat(d).containsKeys("data", "order", "replay", "augment", "lr", "out");
        assertThat(d.get("replay")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsEntry("k", 7).containsEntry("budget", "16MB").containsEntry("policy", "class-balanced");
    }

    @Test
    void dataTakesEveryDatasetSpecAsWrittenAndTheDatasetOptions() {
        TrainerConfig c = TrainerConfig.builder().nameKeysAsFlags().set("--data", " idx:/a,cifar100:/b ")
                .set("--labels", "Coarse").set("--image-size", "64").build();
        assertThat(c.data()).isEqualTo("idx:/a,cifar100:/b");
        assertThat(c.get(TrainerSettings.LABELS)).isEqualTo(CifarLabels.COARSE);
        assertThat(c.datasetOptions()).isEqualTo(new DatasetOptions(CifarLabels.COARSE, 64));
        assertThat(c.describe()).containsEntry("labels", "coarse").containsEntry("image", Map.of("size", 64));
        assertThat(TrainerConfig.builder().build().datasetOptions()).isEqualTo(DatasetOptions.defaults());
        assertThat(TrainerConfig.builder().set("data", "cifar100:/c").build().data()).isEqualTo("cifar100:/c");
        assertThat(TrainerConfig.builder().set("order", "multi-task").build().order()).isEqualTo(StreamOrder.MULTI_TASK);
        assertThatThrownBy(() -> TrainerConfig.builder().nameKeysAsFlags().set("--data", "queue:/q")
                .set("--labels", "medium").set("--image-size", "4").build())
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.problems()).containsExactly(
                        "--data: data was 'queue:/q' but 'queue:' names no dataset kind; a dataset is idx:DIR (or a"
                                + " bare DIR), cifar100:DIR, imagefolder:DIR, or several of these comma-separated"
                                + " (A,B,...) for a multi-task dataset",
                        "--labels: labels was 'medium' but must be one of fine, coarse",
                        "--image-size was 4 but it must be in [8, 1024]"));
    }

    @Test
    void parsesLearningRateSchedules() {
        assertThat(LearningRateSchedule.parse("step:5000:0.5")).isEqualTo(new LearningRateSchedule(5000, 0.5));
        assertThat(LearningRateSchedule.parse("constant").isConstant()).isTrue();
        assertThatThrownBy(() -> LearningRateSchedule.parse("cosine"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("'constant' and 'step:EVERY:GAMMA'");
    }
    /**
     * {@code describe()} as it was before the settings table, plus the settings added since (labels,
     * image.size, replay.codec, weight.decay, ema.decay, snapshot.keep/grace, device, require.gpu, dtype) in table order:
     * results.json and manifests echo it.
     */
    private static final String DEFAULTS_DESCRIBED = "{\"data\":\"/usr/share/datasets/fashion-mnist\","
            + "\"labels\":\"fine\",\"image\":{\"size\":32},\"order\":\"iid\","
            + "\"stage\":{\"classes\":2},\"limit\":0,\"seed\":42,\"network\":\"small-cnn\",\"engine\":\"dl4j\","
            + "\"replay\":{\"budget\":\"16MB\",\"k\":50,\"policy\":\"class-balanced\",\"codec\":\"raw\"},"
            + "\"augment\":{\"list\":\"crop,flip\",\"new\":false},\"crop\":{\"padding\":4},\"mixup\":{\"alpha\":0.2},"
            + "\"lr\":0.01,\"momentum\":0.9,\"weight\":{\"decay\":0.0},\"ema\":{\"decay\":0.999},\"schedule\":\"constant\",\"holdout\":{\"every\":1000,\"size\":2000},"
            + "\"snapshot\":{\"every\":5000,\"keep\":0,\"grace\":\"5m\"},\"out\":\"runs/run\",\"threads\":0,\"onednn\":true,"
            + "\"device\":0,\"require\":{\"gpu\":false},\"dtype\":\"float32\","
            + "\"metrics\":{\"every\":100,\"port\":0,\"host\":\"127.0.0.1\"},\"checkpoint\":{\"every\":1000,\"keep\":3},"
            + "\"bad\":{\"records\":\"skip\"},\"kafka\":{\"resume\":\"strict\"},\"nonfinite\":{\"limit\":10}}";

    private static final String CHANGED_DESCRIBED = "{\"data\":\"/data/fm\",\"source\":\"queue:/data/q\","
            + "\"labels\":\"fine\",\"image\":{\"size\":32},\"order\":\"class-incremental\",\"stage\":{\"classes\":3},\"limit\":5000,\"seed\":7,"
            + "\"network\":\"resnet18\",\"engine\":\"pytorch\",\"replay\":{\"budget\":\"8MB\",\"k\":20,"
            + "\"policy\":\"reservoir\",\"codec\":\"raw\"},\"augment\":{\"list\":\"crop,mixup\",\"new\":true},\"crop\":{\"padding\":2},"
            + "\"mixup\":{\"alpha\":0.4},\"lr\":0.05,\"momentum\":0.5,\"weight\":{\"decay\":0.0},\"ema\":{\"decay\":0.999},\"schedule\":\"step:5000:0.5\","
            + "\"holdout\":{\"every\":500,\"size\":0},\"snapshot\":{\"every\":0,\"keep\":0,\"grace\":\"5m\"},\"announce\":\"kafka:localhost:9092/snaps\",\"out\":\"runs/x\",\"threads\":2,"
            + "\"onednn\":false,\"device\":0,\"require\":{\"gpu\":false},\"dtype\":\"float32\",\"metrics\":{\"every\":10,\"port\":9400,\"host\":\"0.0.0.0\"},"
            + "\"checkpoint\":{\"every\":100,\"keep\":1},\"bad\":{\"records\":\"fail\"},"
            + "\"kafka\":{\"properties\":\"/etc/k.properties\",\"resume\":\"accept-loss\"},\"nonfinite\":{\"limit\":3}}";

    /** The Java type of every described value, as before the settings table. */
    private static final String DESCRIBED_TYPES = "data=String source=String labels=String image.size=Integer order=String"
            + " stage.classes=Integer"
            + " limit=Long seed=Long network=String engine=String replay.budget=String replay.k=Integer"
            + " replay.policy=String replay.codec=String augment.list=String augment.new=Boolean crop.padding=Integer"
            + " mixup.alpha=Double lr=Double momentum=Double weight.decay=Double ema.decay=Double schedule=String holdout.every=Long holdout.size=Integer"
            + " snapshot.every=Long snapshot.keep=Integer snapshot.grace=String announce=String out=String threads=Integer onednn=Boolean device=Integer"
            + " require.gpu=Boolean dtype=String metrics.every=Long"
            + " metrics.port=Integer metrics.host=String checkpoint.every=Long checkpoint.keep=Integer"
            + " bad.records=String kafka.properties=String kafka.resume=String nonfinite.limit=Integer";

    @Test
    void describeIsTheEchoThatResultsAndManifestsAlreadyHold() throws Exception {
        ObjectMapper json = new ObjectMapper();
        assertThat(json.writeValueAsString(TrainerConfig.builder().build().describe())).isEqualTo(DEFAULTS_DESCRIBED);
        Map<String, Object> changed = ConfigFingerprintTest.everySettingChanged().build().describe();
        assertThat(json.writeValueAsString(changed)).isEqualTo(CHANGED_DESCRIBED);
        assertThat(String.join(" ", types("", changed))).isEqualTo(DESCRIBED_TYPES);
    }

    private static List<String> types(String prefix, Map<?, ?> map) {
        List<String> out = new java.util.ArrayList<>();
        map.forEach((k, v) -> {
            if (v instanceof Map<?, ?> inner) {
                out.addAll(types(prefix + k + ".", inner));
            } else {
                out.add(prefix + k + "=" + v.getClass().getSimpleName());
            }
        });
        return out;
    }

    @Test
    void acceptsTheKeysOfTheSettingsTable() {
        assertThat(TrainerConfig.Builder.keys()).isEqualTo(TrainerSettings.table().keys()).hasSize(44)
                .contains("replay.budget", "augment", "augment.new", "kafka.properties", "engine")
                .doesNotContain("augment.list");
        assertThat(TrainerConfig.Builder.normalise("--Replay-Budget")).isEqualTo("replay.budget");
        assertThat(TrainerConfig.Builder.normalise("--stage-classes")).isEqualTo("stage.classes");
        assertThat(TrainerConfig.Builder.normalise("bad-records")).isEqualTo("bad.records");
        assertThat(TrainerConfig.Builder.normalise("--foo-bar")).isEqualTo("foo-bar");
        assertThat(TrainerConfig.builder().set("augment.list", " none ").set("metrics.host", " h ").build().describe())
                .containsEntry("augment", Map.of("list", "none", "new", false))
                .containsEntry("metrics", Map.of("every", 100L, "port", 0, "host", "h"));
    }

    @Test
    void readsEverySettingByAccessorAndByTheTable() {
        TrainerConfig c = ConfigFingerprintTest.everySettingChanged().build();
        assertThat(c.replayK()).isEqualTo(20).isEqualTo(c.get(TrainerSettings.REPLAY_K));
        assertThat(c.source()).isEqualTo("queue:/data/q");
        assertThat(c.kafkaProperties()).hasToString("/etc/k.properties");
        assertThat(c.optimizer().learningRate()).isEqualTo(0.05);
        assertThat(c.augmentOptions().mixupAlpha()).isEqualTo(0.4);
        assertThat(c.augmentOptions().cropPadding()).isEqualTo(2);
        assertThat(TrainerConfig.builder().build().source()).isNull();
        assertThat(TrainerConfig.builder().build().kafkaProperties()).isNull();
    }

    @Test
    void reportsTheMessagesItReportedBeforeTheSettingsTable() {
        assertThatThrownBy(() -> TrainerConfig.builder().set("stage.classes", "0").set("limit", "-1")
                .set("replay.k", "-1").set("crop.padding", "-1").set("holdout.every", "-1").set("holdout.size", "-1")
                .set("snapshot.every", "-1").set("threads", "-1").set("metrics.every", "0")
                .set("checkpoint.every", "-1").set("checkpoint.keep", "0").set("metrics.port", "70000")
                .set("metrics.host", "  ").set("replay.budget", "0MB").set("mixup.alpha", "Infinity")
                .set("lr", "NaN").set("momentum", "1").set("weight.decay", "-0.1").set("ema.decay", "1").set("augment", "crop,blur").build())
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.problems())
                        .containsExactlyInAnyOrder(
                                "stage.classes was 0 but it must be in [1, 100000]",
                                "limit was -1 but it must be >= 0",
                                "replay.k was -1 but it must be in [0, 1024]",
                                "crop.padding was -1 but it must be in [0, 64]",
                                "holdout.every was -1 but it must be >= 0",
                                "holdout.size was -1 but it must be in [0, 100000000]",
                                "snapshot.every was -1 but it must be >= 0",
                                "threads was -1 but it must be in [0, 1024]",
                                "metrics.every was 0 but it must be >= 1",
                                "checkpoint.every was -1 but it must be >= 0",
                                "checkpoint.keep was 0 but it must be in [1, 1000]",
                                "metrics.port was 70000 but it must be in [0, 65535] (0 = no endpoint)",
                                "metrics.host was empty but it must be an address such as 127.0.0.1",
                                "replay.budget was '0B' but it must be positive",
                                "mixup.alpha was Infinity but it must be in (0, 1000]",
                                "lr was NaN but it must be a positive number",
                                "momentum was 1.0 but it must be in [0, 1)",
                                "weight.decay was -0.1 but it must be in [0, 1)",
                                "ema.decay was 1.0 but it must be in [0, 1)",
                                "augment: augment had 'blur' but allowed names are crop, flip, mixup, none"));
        assertThatThrownBy(() -> TrainerConfig.builder().nameKeysAsFlags().set("--order", "random").set("seed", "x")
                .set("network", "vgg").set("engine", "tf").set("replay.budget", "-3 MB").set("replay.policy", "lru")
                .set("augment.new", "yes").set("mixup.alpha", "a").set("schedule", "cosine").set("source", "ftp:x")
                .set("bad.records", "drop").set("onednn", "1").set("colour", "blue")
                .set("kafka.properties", "a\u0000b").set("data", "x\u0000y").build())
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.problems())
                        .containsExactlyInAnyOrder(
                                "--order: stream order was 'random' but must be one of iid, class-incremental, file,"
                                        + " multi-task",
                                "seed was 'x' but it must be a whole number",
                                "network: network was 'vgg' but allowed values are small-cnn, small-cnn-wide, resnet18",
                                "engine: engine was 'tf' but must be one of dl4j, pytorch",
                                "replay.budget was '-3 MB' but it must be valid ('-3 MB' is not a size; write a number"
                                        + " with an optional unit B, KB, MB or GB, such as 16MB)",
                                "replay.policy: replay.policy was 'lru' but it must be one of: class-balanced, reservoir",
                                "augment.new was 'yes' but it must be true or false",
                                "mixup.alpha was 'a' but it must be a number",
                                "schedule: lr schedule was 'cosine' but allowed forms are 'constant' and"
                                        + " 'step:EVERY:GAMMA' (such as step:5000:0.5)",
                                "source: source was 'ftp:x' but allowed forms are idx:DIR, cifar100:DIR,"
                                        + " imagefolder:DIR, several datasets comma-separated (A,B,...), queue:DIR"
                                        + " and kafka:HOST:PORT/TOPIC",
                                "bad.records: bad records policy was 'drop' but allowed values are skip, fail",
                                "onednn was '1' but it must be true or false",
                                "unknown key 'colour'; known keys are " + String.join(", ", TrainerConfig.Builder.keys()),
                                "kafka.properties was 'a\u0000b' but it must be a file path",
                                "data was 'x\u0000y' but it must be a dataset folder or spec"));
    }
}
