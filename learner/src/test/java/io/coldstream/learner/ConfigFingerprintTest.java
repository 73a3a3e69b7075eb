package io.coldstream.learner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coldstream.core.ConfigurationException;
import io.coldstream.core.DataException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Checkpoints already on disk store the fingerprint; these golden strings were computed with
 * {@code Trainer.fingerprint} before the settings table existed, and must never change for the
 * same configuration.
 */
class ConfigFingerprintTest {

    /** The fingerprint of {@code TrainerConfig.builder().build()}. */
    static final String DEFAULTS = "{\"augment\":{\"list\":\"crop,flip\",\"new\":false},\"crop\":{\"padding\":4},"
            + "\"data\":\"/usr/share/datasets/fashion-mnist\",\"engine\":\"dl4j\",\"lr\":0.01,\"mixup\":{\"alpha\":0.2},"
            + "\"momentum\":0.9,\"network\":\"small-cnn\",\"order\":\"iid\",\"replay\":{\"budget\":\"16MB\",\"k\":50,"
            + "\"policy\":\"class-balanced\"},\"schedule\":\"constant\",\"seed\":42,\"stage\":{\"classes\":2}}";

    /** The fingerprint of {@link #everySettingChanged()}. */
    static final String EVERY_SETTING_CHANGED = "{\"augment\":{\"list\":\"crop,mixup\",\"new\":true},"
            + "\"crop\":{\"padding\":2},\"data\":\"/data/fm\",\"engine\":\"pytorch\",\"lr\":0.05,"
            + "\"mixup\":{\"alpha\":0.4},\"momentum\":0.5,\"network\":\"resnet18\",\"order\":\"class-incremental\","
            + "\"replay\":{\"budget\":\"8MB\",\"k\":20,\"policy\":\"reservoir\"},\"schedule\":\"step:5000:0.5\","
            + "\"seed\":7,\"source\":\"queue:/data/q\",\"stage\":{\"classes\":3}}";

    /** A configuration with every setting away from its default. */
    static TrainerConfig.Builder everySettingChanged() {
        return TrainerConfig.builder()
                .set("data", "/data/fm").set("source", "queue:/data/q").set("order", "class-incremental")
                .set("stage.classes", "3").set("limit", "5000").set("seed", "7").set("network", "resnet18")
                .set("engine", "pytorch").set("replay.budget", "8MB").set("replay.k", "20")
                .set("replay.policy", "reservoir").set("augment", "crop,mixup").set("augment.new", "true")
                .set("crop.padding", "2").set("mixup.alpha", "0.4").set("lr", "0.05").set("momentum", "0.5")
                .set("schedule", "step:5000:0.5").set("holdout.every", "500").set("holdout.size", "0")
                .set("snapshot.every", "0").set("announce", "kafka:localhost:9092/snaps").set("out", "runs/x").set("threads", "2").set("onednn", "false")
                .set("metrics.every", "10").set("metrics.port", "9400").set("metrics.host", "0.0.0.0")
                .set("checkpoint.every", "100").set("checkpoint.keep", "1").set("bad.records", "fail")
                .set("kafka.properties", "/etc/k.properties")
                .set("kafka.resume", "accept-loss").set("nonfinite.limit", "3");
    }

    @Test
    void theDefaultsGiveTheFingerprintThatCheckpointsAlreadyHold() {
        assertThat(ConfigFingerprint.of(TrainerConfig.builder().build())).isEqualTo(DEFAULTS);
    }

    @Test
    void changedSettingsGiveTheFingerprintThatCheckpointsAlreadyHold() {
        assertThat(ConfigFingerprint.of(everySettingChanged().build())).isEqualTo(EVERY_SETTING_CHANGED);
    }

    @Test
    void aCodecOtherThanRawIsInTheFingerprintAndRawIsLeftOutAsBeforeCodecsExisted() {
        assertThat(ConfigFingerprint.of(TrainerConfig.builder().set("replay.codec", "raw").build())).isEqualTo(DEFAULTS);
        String quantized = ConfigFingerprint.of(TrainerConfig.builder().set("replay.codec", "quantized").build());
        assertThat(quantized).isEqualTo(DEFAULTS.replace("\"budget\":\"16MB\",", "\"budget\":\"16MB\",\"codec\":\"quantized\","));
        assertThatThrownBy(() -> ConfigFingerprint.requireSame(quantized, TrainerConfig.builder().build(),
                Path.of("ckpt-000001")))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.problems()).containsExactly(
                        "replay.codec was 'raw' but the checkpoint in ckpt-000001 was taken with 'quantized'; resume"
                                + " with the same settings or choose a new --out"));
        assertThatThrownBy(() -> ConfigFingerprint.requireSame(DEFAULTS,
                TrainerConfig.builder().set("replay.codec", "downsampled").build(), Path.of("ckpt-000001")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("replay.codec is set but the checkpoint in ckpt-000001 does not have it");
    }

    @Test
    void datasetOptionsAwayFromTheirDefaultsAreInTheFingerprintAndLeftOutAtThem() {
        assertThat(ConfigFingerprint.of(TrainerConfig.builder().set("labels", "fine").set("image.size", "32").build()))
                .isEqualTo(DEFAULTS);
        String coarse = ConfigFingerprint.of(TrainerConfig.builder().set("labels", "coarse").set("image.size", "64")
                .build());
        assertThat(coarse).isEqualTo(DEFAULTS.replace("\"engine\":\"dl4j\",", "\"engine\":\"dl4j\",\"image\":{\"size\":64},")
                .replace("\"lr\":0.01,", "\"labels\":\"coarse\",\"lr\":0.01,"));
        assertThatThrownBy(() -> ConfigFingerprint.requireSame(coarse, TrainerConfig.builder().build(),
                Path.of("ckpt-000001")))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.problems()).containsExactly(
                        "image.size was '32' but the checkpoint in ckpt-000001 was taken with '64'; resume with the"
                                + " same settings or choose a new --out",
                        "labels was 'fine' but the checkpoint in ckpt-000001 was taken with 'coarse'; resume with the"
                                + " same settings or choose a new --out"));
    }

    @Test
    void leavesOutExactlyTheResumableSettings() {
        TrainerConfig resumedElsewhere = TrainerConfig.builder().set("out", "runs/other").set("limit", "9")
                .set("holdout.every", "1").set("holdout.size", "1").set("snapshot.every", "1")
                .set("snapshot.keep", "3").set("snapshot.grace", "30s").set("announce", "kafka:h:1/t").set("metrics.every", "1").set("metrics.port", "1").set("metrics.host", "::1")
                .set("checkpoint.every", "1").set("checkpoint.keep", "9").set("bad.records", "fail")
                .set("threads", "1").set("onednn", "false").set("kafka.properties", "k.properties")
                .set("kafka.resume", "accept-loss").set("nonfinite.limit", "1").set("ema.decay", "0.99").build();
        assertThat(ConfigFingerprint.of(resumedElsewhere)).isEqualTo(DEFAULTS);
        assertThat(TrainerSettings.table().settings().stream().filter(s -> s.resumable()).map(s -> s.key()))
                .containsExactly("limit", "ema.decay", "holdout.every", "holdout.size", "snapshot.every", "snapshot.keep",
                        "snapshot.grace", "announce", "out", "threads",
                        "onednn", "device", "require.gpu", "dtype", "metrics.every", "metrics.port", "metrics.host", "checkpoint.every",
                        "checkpoint.keep", "bad.records", "kafka.properties", "kafka.resume", "nonfinite.limit");
    }

    @Test
    void resumesWithTheSameOrOnlyResumableSettings() {
        assertThatCode(() -> ConfigFingerprint.requireSame(DEFAULTS,
                TrainerConfig.builder().set("limit", "100").set("out", "runs/b").build(), Path.of("runs/a/ckpt")))
                .doesNotThrowAnyException();
    }

    @Test
    void namesEverySettingThatDiffersFromTheCheckpoint() {
        Path folder = Path.of("runs", "a", "checkpoints", "000042");
        assertThatThrownBy(() -> ConfigFingerprint.requireSame(DEFAULTS,
                TrainerConfig.builder().set("replay.k", "20").set("lr", "0.05").set("source", "queue:/q").build(),
                folder))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.problems()).containsExactly(
                        "lr was '0.05' but the checkpoint in " + folder + " was taken with '0.01'; resume with the"
                                + " same settings or choose a new --out",
                        "replay.k was '20' but the checkpoint in " + folder + " was taken with '50'; resume with the"
                                + " same settings or choose a new --out",
                        "source is set but the checkpoint in " + folder + " does not have it; choose a new --out"));
    }

    @Test
    void aSettingTheCheckpointHasAndTheRunLacksIsNamed() {
        Path folder = Path.of("ckpt");
        assertThatThrownBy(() -> ConfigFingerprint.requireSame(EVERY_SETTING_CHANGED.replace(",\"source\":\"queue:/data/q\"",
                ",\"source\":\"queue:/data/q\",\"zoom\":2"), everySettingChanged().build(), folder))
                .hasMessage("zoom was 'null' but the checkpoint in ckpt was taken with '2'; resume with the same"
                        + " settings or choose a new --out");
    }

    @Test
    void aCorruptFingerprintIsADataProblem() {
        assertThatThrownBy(() -> ConfigFingerprint.requireSame("{not json", TrainerConfig.builder().build(),
                Path.of("ckpt")))
                .isInstanceOf(DataException.class).hasMessageContaining("the checkpoint in ckpt");
    }
}
