package io.coldstream.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The one declaration of a command's settings, in the manner of Kafka's {@code ConfigDef}: each
 * {@link #define} gives a key, type, default, check, documentation line and whether it may
 * change on resume. Declaration order is the order of {@code --help} and of
 * {@link SettingValues#describe()}.
 *
 * <pre>{@code
 * static final SettingsTable TABLE = new SettingsTable();
 * static final Setting<Integer> REPLAY_K = TABLE.define("replay.k", SettingType.INT, 50)
 *         .label("K").check(SettingCheck.atLeast(0)).doc("replayed examples per step");
 * }</pre>
 *
 * <p>Threading: declare every setting from one thread, normally a static initialiser; after that
 * the table is only read and may be shared.
 */
public final class SettingsTable {

    private final List<Setting<?>> settings = new ArrayList<>();
    private final Map<String, Setting<?>> byName = new HashMap<>();
    private final Set<Setting.Definition<?>> unfinished = Collections.newSetFromMap(new IdentityHashMap<>());

    /** An empty table. */
    public SettingsTable() {
    }

    /**
     * Starts declaring a setting; {@link Setting.Definition#doc(String)} completes it.
     *
     * @param key one or two lower-case words joined by a dot, such as {@code replay.budget}
     * @param type how its text becomes a value
     * @param defaultValue the default, or {@code null} for an optional setting unset by default
     * @param <T> the value's type
     * @return the definition to complete
     */
    public <T> Setting.Definition<T> define(String key, SettingType<T> type, T defaultValue) {
        Setting.Definition<T> d = new Setting.Definition<>(this, key, type, defaultValue);
        unfinished.add(d);
        return d;
    }

    <T> void add(Setting.Definition<T> definition, Setting<T> setting) {
        if (!unfinished.remove(definition)) {
            throw new IllegalStateException("the setting " + setting.key() + " is already declared");
        }
        if (setting.defaultValue() != null) {
            setting.problem(setting.key(), setting.defaultValue()).ifPresent(p -> {
                throw new IllegalArgumentException("the default of " + setting.key() + " breaks its own rule: " + p);
            });
        }
        for (String name : List.of(setting.key(), setting.path()).stream().distinct().toList()) {
            if (byName.containsKey(name)) {
                throw new IllegalArgumentException("the setting " + setting.key() + " is named '" + name
                        + "' like the setting " + byName.get(name).key());
            }
        }
        String group = firstWord(setting.path());
        for (Setting<?> other : settings) {
            String otherGroup = firstWord(other.path());
            boolean clash = setting.path().equals(otherGroup) || other.path().equals(group);
            if (clash) {
                throw new IllegalArgumentException("the setting " + setting.key() + " at '" + setting.path()
                        + "' and the setting " + other.key() + " at '" + other.path()
                        + "' cannot both sit in the grouped view; give one a two-word path");
            }
        }
        settings.add(setting);
        byName.put(setting.key(), setting);
        byName.put(setting.path(), setting);
    }

    /**
     * @return every setting, in declaration order
     * @throws IllegalStateException if a definition was started but never completed with {@code doc(...)}
     */
    public List<Setting<?>> settings() {
        requireComplete();
        return Collections.unmodifiableList(settings);
    }

    /** @return every key, in declaration order */
    public List<String> keys() {
        return settings().stream().map(Setting::key).toList();
    }

    /**
     * @param name a key ({@code replay.budget}), a flag ({@code --replay-budget}) or a setting's path
     *     ({@code augment.list})
     * @return the setting it names, if any
     */
    public Optional<Setting<?>> find(String name) {
        requireComplete();
        return Optional.ofNullable(byName.get(normalise(name)));
    }

    /**
     * Turns a flag into its key: strips {@code --}, lower-cases, and reads the first dash as the
     * dot when that names a setting ({@code --replay-budget} is {@code replay.budget}). A key stays as it is.
     *
     * @param name a key or flag
     * @return the key it stands for (not necessarily a declared one)
     */
    public String normalise(String name) {
        String k = name.startsWith("--") ? name.substring(2) : name;
        k = k.toLowerCase(Locale.ROOT);
        if (!k.contains(".")) {
            int dash = k.indexOf('-');
            if (dash > 0) {
                String dotted = k.substring(0, dash) + "." + k.substring(dash + 1);
                Setting<?> s = byName.get(dotted);
                if (s != null && s.key().equals(dotted)) {
                    k = dotted;
                }
            }
        }
        return k;
    }

    /** @return a builder holding every default, to read values into */
    public SettingValues.Builder newValues() {
        return new SettingValues.Builder(this);
    }

    static String firstWord(String path) {
        int dot = path.indexOf('.');
        return dot < 0 ? path : path.substring(0, dot);
    }

    private void requireComplete() {
        if (!unfinished.isEmpty()) {
            throw new IllegalStateException("a setting's definition was started but not completed with doc(...)");
        }
    }
}
