package io.coldstream.learner;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.coldstream.core.ConfigurationException;
import io.coldstream.core.DataException;
import io.coldstream.core.Setting;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The settings that decide what is learnt, as canonical JSON, stored in every checkpoint: a run
 * resumes only with the same ones. It is {@link TrainerConfig#describe()} without the
 * {@link Setting#resumable() resumable} settings (and without the settings newer than the first
 * format while they hold their default), with map keys sorted at every level; checkpoints
 * on disk hold this exact text, so it must not change for an unchanged configuration.
 */
final class ConfigFingerprint {

    private static final ObjectMapper CANONICAL =
            new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    private ConfigFingerprint() {
    }

    /**
     * Settings that change what is learnt but came after the first fingerprint format: left out
     * while at their default, so that an unchanged configuration keeps the fingerprint that
     * checkpoints already hold (their default is what those runs did).
     */
    private static final Set<Setting<?>> NEWER_THAN_FORMAT_1 = Set.of(TrainerSettings.REPLAY_CODEC,
            TrainerSettings.LABELS, TrainerSettings.IMAGE_SIZE, TrainerSettings.WEIGHT_DECAY);

    private static boolean atDefault(TrainerConfig config, Setting<?> setting) {
        return Objects.equals(config.values().get(setting), setting.defaultValue());
    }

    /**
     * @param config a configuration
     * @return its fingerprint
     */
    static String of(TrainerConfig config) {
        try {
            return CANONICAL.writeValueAsString(config.values().describe(
                    s -> !s.resumable() && !(NEWER_THAN_FORMAT_1.contains(s) && atDefault(config, s))));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a configuration map is always serialisable", e);
        }
    }

    /**
     * @param saved the fingerprint stored in a checkpoint
     * @param now the configuration of the run that resumes from it
     * @param checkpointFolder the checkpoint's folder, for messages
     * @throws ConfigurationException naming every setting that differs from the checkpoint's
     * @throws DataException if {@code saved} is not a fingerprint
     */
    static void requireSame(String saved, TrainerConfig now, Path checkpointFolder) {
        String current = of(now);
        if (saved.equals(current)) {
            return;
        }
        Map<String, Object> before = flatten("", read(saved, checkpointFolder));
        Map<String, Object> after = flatten("", read(current, checkpointFolder));
        List<String> problems = new ArrayList<>();
        for (String key : new TreeSet<>(before.keySet())) {
            if (!Objects.equals(before.get(key), after.get(key))) {
                problems.add(key + " was '" + after.getOrDefault(key, defaultText(key)) + "' but the checkpoint in " + checkpointFolder
                        + " was taken with '" + before.get(key) + "'; resume with the same settings or choose a new --out");
            }
        }
        for (String key : after.keySet()) {
            if (!before.containsKey(key)) {
                problems.add(key + " is set but the checkpoint in " + checkpointFolder
                        + " does not have it; choose a new --out");
            }
        }
        throw new ConfigurationException(problems.isEmpty() ? List.of("the settings differ from the checkpoint's")
                : problems);
    }

    /** The default of the setting at a flattened path, for a setting left out at its default. */
    private static String defaultText(String path) {
        for (Setting<?> s : TrainerSettings.table().settings()) {
            if (s.path().equals(path)) {
                return s.defaultText();
            }
        }
        return "null";
    }

    private static Map<String, Object> read(String fingerprint, Path checkpointFolder) {
        try {
            return new ObjectMapper().readValue(fingerprint, new TypeReference<Map<String, Object>>() { });
        } catch (JsonProcessingException e) {
            throw new DataException("the checkpoint in " + checkpointFolder + " holds settings that are not a"
                    + " configuration fingerprint: " + e.getOriginalMessage(), e);
        }
    }

    private static Map<String, Object> flatten(String prefix, Map<?, ?> map) {
        Map<String, Object> flat = new TreeMap<>();
        map.forEach((k, v) -> {
            String key = prefix.isEmpty() ? String.valueOf(k) : prefix + "." + k;
            if (v instanceof Map<?, ?> inner) {
                flat.putAll(flatten(key, inner));
            } else {
                flat.put(key, String.valueOf(v));
            }
        });
        return flat;
    }
}
