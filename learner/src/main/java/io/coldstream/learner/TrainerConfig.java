package io.coldstream.learner;

import io.coldstream.augment.AugmentOptions;
import io.coldstream.backend.BackendSettings;
import io.coldstream.core.ByteSize;
import io.coldstream.core.ConfigurationException;
import io.coldstream.core.Setting;
import io.coldstream.core.SettingValues;
import io.coldstream.io.DatasetOptions;
import io.coldstream.io.StreamOrder;
import io.coldstream.model.LearningRateSchedule;
import io.coldstream.model.NetworkEngine;
import io.coldstream.model.NetworkKind;
import io.coldstream.model.OptimizerSettings;
import io.coldstream.replay.EvictionPolicy;
import io.coldstream.replay.ReplayCodec;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a training run is configured with: a validated value for every setting of
 * {@link TrainerSettings}. Built with {@link Builder}, which takes every value as text under the
 * keys of {@code shared/CLI.md} ({@code replay.budget} is the flag {@code --replay-budget}) and
 * reports every bad value at once. Read a setting with its accessor ({@link #replayK()}) or with
 * {@link #get(Setting)}. Immutable and thread-safe.
 *
 * @param values the settings' values, built from {@link TrainerSettings#table()}
 */
public record TrainerConfig(SettingValues values) {

    /** Requires values of the trainer's own table. */
    public TrainerConfig {
        Objects.requireNonNull(values, "values");
        if (values.table() != TrainerSettings.table()) {
            throw new IllegalArgumentException("a TrainerConfig needs values of TrainerSettings.table()");
        }
    }

    /**
     * @param setting one of {@link TrainerSettings}
     * @param <T> the value's type
     * @return its value; {@code null} only for an optional setting that is unset
     */
    public <T> T get(Setting<T> setting) {
        return values.get(setting);
    }

    /** @return {@link TrainerSettings#DATA}: a dataset spec, as written */
    public String data() {
        return get(TrainerSettings.DATA);
    }

    /**
     * @return how {@link #data()} (and a dataset {@link #source()}) is read:
     *     {@link TrainerSettings#LABELS} and {@link TrainerSettings#IMAGE_SIZE}
     */
    public DatasetOptions datasetOptions() {
        return new DatasetOptions(get(TrainerSettings.LABELS), get(TrainerSettings.IMAGE_SIZE));
    }

    /** @return the engine's start-up settings: threads, oneDNN, device and whether a GPU is required */
    public BackendSettings backendSettings() {
        return new BackendSettings(threads(), onednn(), get(TrainerSettings.DEVICE), get(TrainerSettings.REQUIRE_GPU));
    }

    /** @return {@link TrainerSettings#SOURCE}, or {@code null} for {@link #data()}'s train split */
    public String source() {
        return get(TrainerSettings.SOURCE);
    }

    /** @return {@link TrainerSettings#ORDER} */
    public StreamOrder order() {
        return get(TrainerSettings.ORDER);
    }

    /** @return {@link TrainerSettings#STAGE_CLASSES} */
    public int stageClasses() {
        return get(TrainerSettings.STAGE_CLASSES);
    }

    /** @return {@link TrainerSettings#LIMIT}; {@code 0} = the whole stream */
    public long limit() {
        return get(TrainerSettings.LIMIT);
    }

    /** @return {@link TrainerSettings#SEED} */
    public long seed() {
        return get(TrainerSettings.SEED);
    }

    /** @return {@link TrainerSettings#NETWORK} */
    public NetworkKind network() {
        return get(TrainerSettings.NETWORK);
    }

    /** @return {@link TrainerSettings#ENGINE} */
    public NetworkEngine engine() {
        return get(TrainerSettings.ENGINE);
    }

    /** @return {@link TrainerSettings#REPLAY_BUDGET} */
    public ByteSize replayBudget() {
        return get(TrainerSettings.REPLAY_BUDGET);
    }

    /** @return {@link TrainerSettings#REPLAY_K}; {@code 0} = no replay */
    public int replayK() {
        return get(TrainerSettings.REPLAY_K);
    }

    /** @return {@link TrainerSettings#REPLAY_POLICY} */
    public EvictionPolicy replayPolicy() {
        return get(TrainerSettings.REPLAY_POLICY);
    }

    /** @return {@link TrainerSettings#REPLAY_CODEC} */
    public ReplayCodec replayCodec() {
        return get(TrainerSettings.REPLAY_CODEC);
    }

    /** @return {@link TrainerSettings#AUGMENT}, such as {@code crop,flip} */
    public String augment() {
        return get(TrainerSettings.AUGMENT);
    }

    /** @return {@link TrainerSettings#AUGMENT_NEW} */
    public boolean augmentNew() {
        return get(TrainerSettings.AUGMENT_NEW);
    }

    /** @return {@link TrainerSettings#CROP_PADDING}, in pixels */
    public int cropPadding() {
        return get(TrainerSettings.CROP_PADDING);
    }

    /** @return {@link TrainerSettings#MIXUP_ALPHA} */
    public double mixupAlpha() {
        return get(TrainerSettings.MIXUP_ALPHA);
    }

    /** @return {@link TrainerSettings#LR} */
    public double lr() {
        return get(TrainerSettings.LR);
    }

    /** @return {@link TrainerSettings#MOMENTUM} */
    public double momentum() {
        return get(TrainerSettings.MOMENTUM);
    }

    /** @return {@link TrainerSettings#WEIGHT_DECAY}; {@code 0} = none */
    public double weightDecay() {
        return get(TrainerSettings.WEIGHT_DECAY);
    }

    /** @return {@link TrainerSettings#EMA_DECAY}; {@code 0} = no weight average */
    public double emaDecay() {
        return get(TrainerSettings.EMA_DECAY);
    }

    /** @return {@link TrainerSettings#SCHEDULE} */
    public LearningRateSchedule schedule() {
        return get(TrainerSettings.SCHEDULE);
    }

    /** @return {@link TrainerSettings#HOLDOUT_EVERY}; {@code 0} = only at the end */
    public long holdoutEvery() {
        return get(TrainerSettings.HOLDOUT_EVERY);
    }

    /** @return {@link TrainerSettings#HOLDOUT_SIZE}; {@code 0} = the whole test split */
    public int holdoutSize() {
        return get(TrainerSettings.HOLDOUT_SIZE);
    }

    /** @return {@link TrainerSettings#SNAPSHOT_EVERY}; {@code 0} = only at the end */
    public long snapshotEvery() {
        return get(TrainerSettings.SNAPSHOT_EVERY);
    }

    /** @return {@link TrainerSettings#OUT} */
    public Path out() {
        return get(TrainerSettings.OUT);
    }

    /** @return {@link TrainerSettings#THREADS}; {@code 0} = backend default */
    public int threads() {
        return get(TrainerSettings.THREADS);
    }

    /** @return {@link TrainerSettings#ONEDNN} */
    public boolean onednn() {
        return get(TrainerSettings.ONEDNN);
    }

    /** @return {@link TrainerSettings#METRICS_EVERY} */
    public long metricsEvery() {
        return get(TrainerSettings.METRICS_EVERY);
    }

    /** @return {@link TrainerSettings#METRICS_PORT}; {@code 0} = no endpoint */
    public int metricsPort() {
        return get(TrainerSettings.METRICS_PORT);
    }

    /** @return {@link TrainerSettings#METRICS_HOST} */
    public String metricsHost() {
        return get(TrainerSettings.METRICS_HOST);
    }

    /** @return {@link TrainerSettings#CHECKPOINT_EVERY}; {@code 0} = only at the end */
    public long checkpointEvery() {
        return get(TrainerSettings.CHECKPOINT_EVERY);
    }

    /** @return {@link TrainerSettings#CHECKPOINT_KEEP} */
    public int checkpointKeep() {
        return get(TrainerSettings.CHECKPOINT_KEEP);
    }

    /** @return {@link TrainerSettings#BAD_RECORDS}: {@code skip} or {@code fail} */
    public String badRecords() {
        return get(TrainerSettings.BAD_RECORDS);
    }

    /** @return {@link TrainerSettings#KAFKA_PROPERTIES}, or {@code null} for none */
    public Path kafkaProperties() {
        return get(TrainerSettings.KAFKA_PROPERTIES);
    }

    /** @return the optimiser settings */
    public OptimizerSettings optimizer() {
        return new OptimizerSettings(lr(), momentum(), schedule(), weightDecay());
    }

    /** @return the augmentation options */
    public AugmentOptions augmentOptions() {
        return new AugmentOptions(cropPadding(), AugmentOptions.defaults().flipProbability(), mixupAlpha());
    }

    /**
     * The effective configuration, grouped as in a YAML config file ({@code replay: {budget: 16MB}}),
     * for {@code results.json} and snapshot manifests. Ints stay {@link Integer}, longs {@link Long}.
     *
     * @return a new ordered map of plain values (strings, numbers, booleans, maps)
     */
    public Map<String, Object> describe() {
        return values.describe();
    }

    /** @return a builder holding the defaults */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Collects values as text, keyed as in {@code shared/CLI.md}, and builds a validated
     * configuration. Every problem is remembered and reported together by {@link #build()}.
     * Not thread-safe.
     */
    public static final class Builder {

        private final SettingValues.Builder values = TrainerSettings.table().newValues();

        private Builder() {
        }

        /** @return every key {@link #set} accepts, in the order of {@link TrainerConfig#describe()} */
        public static List<String> keys() {
            return TrainerSettings.table().keys();
        }

        /**
         * Name keys that were never set in messages as command-line flags ({@code --replay-budget})
         * rather than as config keys ({@code replay.budget}). A key that was set is always named
         * the way it was given.
         *
         * @return this builder
         */
        public Builder nameKeysAsFlags() {
            values.nameKeysAsFlags();
            return this;
        }

        /**
         * @param key a config key ({@code replay.budget}) or flag ({@code --replay-budget})
         * @return the config key
         */
        public static String normalise(String key) {
            return TrainerSettings.table().normalise(key);
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
            values.set(rawKey, value);
            return this;
        }

        /**
         * @param key a config key or flag
         * @return whether {@link #set} was called for it
         */
        public boolean isSet(String key) {
            return values.isSet(key);
        }

        /**
         * @return the configuration
         * @throws ConfigurationException listing every problem found by {@link #set} and here
         */
        public TrainerConfig build() {
            return new TrainerConfig(values.build());
        }
    }
}
