package io.coldstream.core;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One configuration setting, declared once in a {@link SettingsTable}: its key, type, default,
 * check, documentation line, and whether it may change when a run resumes from a checkpoint.
 * Command-line flags, config-file keys, validation, the configuration echo and the resume
 * fingerprint all come from it.
 *
 * <p>A key is one word ({@code lr}) or two joined by a dot ({@code replay.budget}); its flag is
 * the key with the dot as a dash ({@code --replay-budget}). In the grouped view of
 * {@link SettingValues#describe()} and of config files the setting sits at its {@link #path()},
 * grouped by the path's first word ({@code replay: {budget: 16MB}}). Immutable and thread-safe.
 *
 * @param <T> the value's type
 */
public final class Setting<T> {

    static final Pattern NAME = Pattern.compile("[a-z][a-z0-9]*(\\.[a-z][a-z0-9-]*)?");

    private final SettingsTable table;
    private final String key;
    private final String path;
    private final SettingType<T> type;
    private final T defaultValue;
    private final SettingCheck<? super T> check;
    private final String doc;
    private final String label;
    private final String describedDefault;
    private final boolean resumable;

    private Setting(Definition<T> d, String doc) {
        this.table = d.table;
        this.key = d.key;
        this.path = d.path;
        this.type = d.type;
        this.defaultValue = d.defaultValue;
        this.check = d.check;
        this.doc = doc;
        this.label = d.label;
        this.describedDefault = d.describedDefault;
        this.resumable = d.resumable;
    }

    /** @return the table this setting is declared in */
    public SettingsTable table() {
        return table;
    }

    /** @return the key, such as {@code replay.budget} */
    public String key() {
        return key;
    }

    /** @return the command-line flag, such as {@code --replay-budget} */
    public String flag() {
        return "--" + key.replace('.', '-');
    }

    /**
     * @return the place in the grouped view (description and config file): the key, unless
     *     declared otherwise ({@code augment} sits at {@code augment.list} beside {@code augment.new})
     */
    public String path() {
        return path;
    }

    /** @return how text becomes a value and a value is echoed */
    public SettingType<T> type() {
        return type;
    }

    /** @return the default value, or {@code null} for an optional setting that is unset by default */
    public T defaultValue() {
        return defaultValue;
    }

    /**
     * @return the default as documentation shows it: the words given with
     *     {@link Definition#describedDefault(String)} ({@code whole stream}), else the echo of the
     *     default value ({@code 16MB}), else {@code none}
     */
    public String defaultText() {
        if (describedDefault != null) {
            return describedDefault;
        }
        return defaultValue == null ? "none" : String.valueOf(type.echo(defaultValue));
    }

    /** @return whether {@link #defaultText()} is words rather than the default value itself */
    public boolean defaultIsDescribed() {
        return describedDefault != null;
    }

    /** @return one line saying what the setting does, for {@code --help} */
    public String doc() {
        return doc;
    }

    /** @return the value's placeholder in usage text, such as {@code SIZE} */
    public String label() {
        return label;
    }

    /**
     * @return whether a run may resume from a checkpoint taken with a different value (output,
     *     reporting and scheduling settings); false for settings that decide what is learnt
     */
    public boolean resumable() {
        return resumable;
    }

    /**
     * @param text the value as text, already trimmed
     * @return the value
     * @throws ConfigurationException or {@link IllegalArgumentException} for a bad text, see {@link SettingType}
     */
    public T parse(String text) {
        return type.parse(text);
    }

    /**
     * @param name the setting as the user gave it (key or flag)
     * @param value a value of this setting; {@code null} (unset) is always allowed
     * @return the problem with the value, or empty
     */
    public Optional<String> problem(String name, T value) {
        return value == null ? Optional.empty() : check.problem(name, value);
    }

    /**
     * @param value a value of this setting, not null
     * @return its plain value (string, number or boolean) for a description
     */
    public Object echo(T value) {
        return type.echo(value);
    }

    /** @return the key */
    @Override
    public String toString() {
        return key;
    }

    /**
     * A setting being declared, from {@link SettingsTable#define}. Optional parts first;
     * {@link #doc(String)} completes the declaration and adds the setting to its table. Not
     * thread-safe; used in a static initialiser.
     *
     * @param <T> the value's type
     */
    public static final class Definition<T> {

        private final SettingsTable table;
        private final String key;
        private final SettingType<T> type;
        private final T defaultValue;
        private String path;
        private SettingCheck<? super T> check = SettingCheck.none();
        private String label = "VALUE";
        private String describedDefault;
        private boolean resumable;

        Definition(SettingsTable table, String key, SettingType<T> type, T defaultValue) {
            if (!NAME.matcher(Objects.requireNonNull(key, "key")).matches()) {
                throw new IllegalArgumentException("a setting key was '" + key + "' but it must be one or two"
                        + " lower-case words joined by a dot, such as replay.budget");
            }
            this.table = table;
            this.key = key;
            this.path = key;
            this.type = Objects.requireNonNull(type, "type");
            this.defaultValue = defaultValue;
        }

        /**
         * @param rule the rule values must follow, checked when a configuration is built
         * @return this definition
         */
        public Definition<T> check(SettingCheck<? super T> rule) {
            this.check = Objects.requireNonNull(rule, "rule");
            return this;
        }

        /**
         * @param placeholder the value's placeholder in usage text, such as {@code SIZE}; {@code VALUE} if not given
         * @return this definition
         */
        public Definition<T> label(String placeholder) {
            this.label = Objects.requireNonNull(placeholder, "placeholder");
            return this;
        }

        /**
         * @param words how documentation states the default when the value itself does not say it
         *     ({@code whole stream} for a limit of 0)
         * @return this definition
         */
        public Definition<T> describedDefault(String words) {
            this.describedDefault = Objects.requireNonNull(words, "words");
            return this;
        }

        /**
         * Marks the setting as one that may differ when a run resumes: it is left out of the
         * resume fingerprint.
         *
         * @return this definition
         */
        public Definition<T> resumable() {
            this.resumable = true;
            return this;
        }

        /**
         * @param groupedPath the setting's place in descriptions and config files when it is not
         *     its key ({@code augment.list} for the key {@code augment}); also accepted as a key
         * @return this definition
         */
        public Definition<T> path(String groupedPath) {
            if (!NAME.matcher(Objects.requireNonNull(groupedPath, "groupedPath")).matches()) {
                throw new IllegalArgumentException("a setting path was '" + groupedPath + "' but it must be one or"
                        + " two lower-case words joined by a dot, such as augment.list");
            }
            this.path = groupedPath;
            return this;
        }

        /**
         * Completes the declaration and adds the setting to its table.
         *
         * @param line what the setting does, in one line, for {@code --help}
         * @return the setting
         * @throws IllegalArgumentException if the key or path clashes with one already in the table, or
         *     the default breaks the setting's own rule
         */
        public Setting<T> doc(String line) {
            Setting<T> setting = new Setting<>(this, Objects.requireNonNull(line, "line"));
            table.add(this, setting);
            return setting;
        }
    }
}
