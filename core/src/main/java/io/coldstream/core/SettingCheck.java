package io.coldstream.core;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The rule a {@link Setting}'s value must follow, checked when a configuration is built (in the
 * manner of Kafka's {@code ConfigDef.Range.atLeast} and Micrometer's validated configs). A check
 * does not throw: it returns the problem, so that every bad setting is reported at once.
 *
 * @param <T> the value's type
 */
@FunctionalInterface
public interface SettingCheck<T> {

    /**
     * @param name the setting as the user gave it: a key ({@code replay.k}) or a flag ({@code --replay-k})
     * @param value the parsed value, not null
     * @return one sentence naming {@code name}, the value and the rule, or empty if the value is allowed
     */
    Optional<String> problem(String name, T value);

    /**
     * @param <T> the value's type
     * @return a check that allows every value
     */
    static <T> SettingCheck<T> none() {
        return (name, value) -> Optional.empty();
    }

    /**
     * For whole-number settings: {@code "replay.k was -1 but it must be >= 0"}.
     *
     * @param min the smallest allowed value
     * @param <N> the value's type, {@link Integer} or {@link Long}
     * @return the check
     */
    static <N extends Number> SettingCheck<N> atLeast(long min) {
        return that(v -> v.longValue() >= min, ">= " + min);
    }

    /**
     * A rule given as a predicate and its wording: {@code that(m -> m >= 0 && m < 1, "in [0, 1)")}
     * reports {@code "momentum was 1.0 but it must be in [0, 1)"}. Numbers and booleans are shown
     * as they are, an empty text as {@code empty}, other values quoted: {@code was '0B'}.
     *
     * @param allowed true for an allowed value
     * @param rule what an allowed value is, completing "it must be ..."
     * @param <T> the value's type
     * @return the check
     */
    static <T> SettingCheck<T> that(Predicate<? super T> allowed, String rule) {
        Objects.requireNonNull(allowed, "allowed");
        Objects.requireNonNull(rule, "rule");
        return (name, value) -> allowed.test(value) ? Optional.empty()
                : Optional.of(name + " was " + shown(value) + " but it must be " + rule);
    }

    /**
     * A rule that an existing validation enforces by throwing: its {@link ConfigurationException}
     * is reported as {@code "<name>: <message>"}.
     *
     * @param validation throws {@link ConfigurationException} for a value that is not allowed
     * @param <T> the value's type
     * @return the check
     */
    static <T> SettingCheck<T> accepts(Consumer<? super T> validation) {
        Objects.requireNonNull(validation, "validation");
        return (name, value) -> {
            try {
                validation.accept(value);
                return Optional.empty();
            } catch (ConfigurationException e) {
                return Optional.of(name + ": " + e.getMessage());
            }
        };
    }

    /**
     * @param next the check applied when this one allows the value
     * @return a check reporting this check's problem, else {@code next}'s
     */
    default SettingCheck<T> and(SettingCheck<? super T> next) {
        Objects.requireNonNull(next, "next");
        return (name, value) -> {
            Optional<String> first = problem(name, value);
            return first.isPresent() ? first : next.problem(name, value);
        };
    }

    private static String shown(Object value) {
        if (value instanceof Number || value instanceof Boolean) {
            return String.valueOf(value);
        }
        String text = String.valueOf(value);
        return text.isBlank() ? "empty" : "'" + text + "'";
    }
}
