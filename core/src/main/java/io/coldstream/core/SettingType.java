package io.coldstream.core;

import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Function;

/**
 * How a {@link Setting}'s text becomes a value, and how a value is echoed in a configuration
 * description ({@link SettingValues#describe()}): a path is echoed as its text, a choice as its
 * command-line name, a number as itself.
 *
 * <p>A parser signals a bad text by throwing: a {@link ConfigurationException} whose message is
 * the whole explanation ({@code "network was 'vgg' but allowed values are small-cnn, small-cnn-wide, resnet18"}),
 * or an {@link IllegalArgumentException} (such as {@link NumberFormatException}), which is
 * reported as {@code "<key> was '<text>' but it must be <expected>"}. Immutable and thread-safe
 * when its functions are.
 *
 * @param <T> the value's type
 */
public final class SettingType<T> {

    /** A whole number that fits an {@code int}, echoed as an {@link Integer}. */
    public static final SettingType<Integer> INT = new SettingType<>("a whole number", Integer::parseInt, v -> v);
    /** A whole number that fits a {@code long}, echoed as a {@link Long}. */
    public static final SettingType<Long> LONG = new SettingType<>("a whole number", Long::parseLong, v -> v);
    /** A number as {@link Double#parseDouble} reads it, echoed as a {@link Double}. */
    public static final SettingType<Double> DOUBLE = new SettingType<>("a number", Double::parseDouble, v -> v);
    /** {@code true} or {@code false} in any case; nothing else. */
    public static final SettingType<Boolean> BOOLEAN = new SettingType<>("true or false", SettingType::parseBoolean,
            v -> v);
    /** The text as given (trimmed); never fails. */
    public static final SettingType<String> TEXT = new SettingType<>(null, t -> t, v -> v);

    private final String expected;
    private final Function<String, T> parser;
    private final Function<? super T, ?> echo;

    private SettingType(String expected, Function<String, T> parser, Function<? super T, ?> echo) {
        this.expected = expected;
        this.parser = Objects.requireNonNull(parser, "parser");
        this.echo = Objects.requireNonNull(echo, "echo");
    }

    /**
     * A file system path, echoed as its text.
     *
     * @param expected what the text must be, for messages: {@code "a folder path"}
     * @return the type
     */
    public static SettingType<Path> path(String expected) {
        return new SettingType<>(Objects.requireNonNull(expected, "expected"), Path::of, Path::toString);
    }

    /**
     * A type whose parser explains its own failures (see the class comment).
     *
     * @param parser text to value; throws {@link ConfigurationException} or {@link IllegalArgumentException}
     * @param echo value to the plain value (string, number, boolean) shown in a description
     * @param <T> the value's type
     * @return the type
     */
    public static <T> SettingType<T> of(Function<String, T> parser, Function<? super T, ?> echo) {
        return new SettingType<>(null, parser, echo);
    }

    /**
     * @param expected what the text must be, for messages when the parser throws an
     *     {@link IllegalArgumentException}: {@code "a whole number"}
     * @param parser text to value
     * @param echo value to the plain value (string, number, boolean) shown in a description
     * @param <T> the value's type
     * @return the type
     */
    public static <T> SettingType<T> of(String expected, Function<String, T> parser, Function<? super T, ?> echo) {
        return new SettingType<>(Objects.requireNonNull(expected, "expected"), parser, echo);
    }

    /**
     * @param text the value as text, already trimmed
     * @return the value
     * @throws ConfigurationException explaining a bad text
     * @throws IllegalArgumentException for a bad text the parser does not explain
     */
    public T parse(String text) {
        return parser.apply(text);
    }

    /**
     * @param value a value of this type, not null
     * @return the plain value (string, number or boolean) that stands for it in a description
     */
    public Object echo(T value) {
        return echo.apply(value);
    }

    /** @return what a text must be ({@code "a whole number"}), or {@code null} when the parser explains itself */
    public String expected() {
        return expected;
    }

    private static Boolean parseBoolean(String text) {
        if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(text);
        }
        throw new IllegalArgumentException(text);
    }
}
