package io.coldstream.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * A validated value for every setting of one {@link SettingsTable}, read with {@link #get}.
 * Immutable and thread-safe (given immutable values); equal when the table and every value are.
 */
public final class SettingValues {

    private final SettingsTable table;
    /** By setting, in declaration order; an unset optional setting maps to null. */
    private final Map<Setting<?>, Object> values;

    private SettingValues(SettingsTable table, Map<Setting<?>, Object> values) {
        this.table = table;
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /** @return the table these values are for */
    public SettingsTable table() {
        return table;
    }

    /**
     * @param setting a setting of {@link #table()}
     * @param <T> the value's type
     * @return its value; {@code null} only for an optional setting that is unset
     * @throws IllegalArgumentException if the setting is from another table
     */
    @SuppressWarnings("unchecked")
    public <T> T get(Setting<T> setting) {
        if (setting.table() != table) {
            throw new IllegalArgumentException("the setting " + setting.key() + " is not one of these values' table");
        }
        return (T) values.get(setting);
    }

    /**
     * The values grouped by the first word of each setting's path, as a config file writes them
     * ({@code replay: {budget: 16MB, k: 50}}, {@code lr: 0.01}), in declaration order; unset
     * optional settings are left out. For echoing the effective configuration.
     *
     * @return a new ordered map of plain values (strings, numbers, booleans) and one-level maps of them
     */
    public Map<String, Object> describe() {
        return describe(s -> true);
    }

    /**
     * @param which the settings to include
     * @return {@link #describe()} of those settings only; a group with none of them is left out
     */
    public Map<String, Object> describe(Predicate<? super Setting<?>> which) {
        Map<String, Object> m = new LinkedHashMap<>();
        values.forEach((setting, value) -> {
            if (value != null && which.test(setting)) {
                String path = setting.path();
                int dot = path.indexOf('.');
                Object plain = echo(setting, value);
                if (dot < 0) {
                    m.put(path, plain);
                } else {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> group = (Map<String, Object>) m.computeIfAbsent(path.substring(0, dot),
                            g -> new LinkedHashMap<String, Object>());
                    group.put(path.substring(dot + 1), plain);
                }
            }
        });
        return m;
    }

    @SuppressWarnings("unchecked")
    private static <T> Object echo(Setting<T> setting, Object value) {
        return setting.echo((T) value);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SettingValues other && other.table == table && other.values.equals(values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    /** @return the description, for logs */
    @Override
    public String toString() {
        return describe().toString();
    }

    /**
     * Collects values as text under keys or flags and builds validated {@link SettingValues}.
     * Every problem (unknown key, bad text, broken rule) is remembered and reported together by
     * {@link #build()}; setting a key again (a flag over a config file) replaces its value and
     * its problem. Not thread-safe.
     */
    public static final class Builder {

        private final SettingsTable table;
        private final Map<Setting<?>, Object> values = new LinkedHashMap<>();
        /** Problems found by {@link #set}, by key. */
        private final Map<String, String> problems = new LinkedHashMap<>();
        private final Map<String, Boolean> givenAsFlag = new HashMap<>();
        private boolean flagNames;

        Builder(SettingsTable table) {
            this.table = table;
            for (Setting<?> s : table.settings()) {
                values.put(s, s.defaultValue());
            }
        }

        /**
         * Name settings that were never set, in messages, as flags ({@code --replay-budget})
         * rather than keys ({@code replay.budget}). A setting that was set is named the way it
         * was given.
         *
         * @return this builder
         */
        public Builder nameKeysAsFlags() {
            this.flagNames = true;
            return this;
        }

        /**
         * Sets one value from text. A bad text or an unknown key is remembered and reported by
         * {@link #build()}; after a bad text the setting keeps its previous value.
         *
         * @param name a key ({@code replay.budget}), flag ({@code --replay-budget}) or path ({@code augment.list})
         * @param text the value as text; {@code null} is read as empty; surrounding blanks are ignored
         * @return this builder
         */
        public Builder set(String name, String text) {
            String normalised = table.normalise(name);
            Setting<?> setting = table.find(normalised).orElse(null);
            String key = setting != null ? setting.key() : normalised;
            givenAsFlag.put(key, name.startsWith("--"));
            problems.remove(key);
            if (setting == null) {
                List<String> known = name.startsWith("--")
                        ? table.settings().stream().map(Setting::flag).toList() : table.keys();
                problems.put(key, "unknown key '" + name + "'; known keys are " + String.join(", ", known));
                return this;
            }
            String value = text == null ? "" : text.trim();
            try {
                values.put(setting, setting.parse(value));
            } catch (ConfigurationException e) {
                problems.put(key, shown(setting) + ": " + e.getMessage());
            } catch (IllegalArgumentException e) {
                String expected = setting.type().expected();
                problems.put(key, shown(setting) + " was '" + value + "' but it must be "
                        + (expected != null ? expected : "valid")
                        + (e.getMessage() != null && expected == null ? " (" + e.getMessage() + ")" : ""));
            }
            return this;
        }

        /**
         * @param name a key, flag or path
         * @return whether {@link #set} was called for the setting it names
         */
        public boolean isSet(String name) {
            String normalised = table.normalise(name);
            return givenAsFlag.containsKey(table.find(normalised).map(Setting::key).orElse(normalised));
        }

        private String shown(Setting<?> setting) {
            return givenAsFlag.getOrDefault(setting.key(), flagNames) ? setting.flag() : setting.key();
        }

        /**
         * @return the values
         * @throws ConfigurationException listing every problem found by {@link #set} and every broken rule
         */
        public SettingValues build() {
            List<String> all = new ArrayList<>(problems.values());
            values.forEach((setting, value) -> check(setting, value).ifPresent(all::add));
            if (!all.isEmpty()) {
                throw new ConfigurationException(all);
            }
            return new SettingValues(table, values);
        }

        @SuppressWarnings("unchecked")
        private <T> Optional<String> check(Setting<T> setting, Object value) {
            return setting.problem(shown(setting), (T) value);
        }
    }
}
