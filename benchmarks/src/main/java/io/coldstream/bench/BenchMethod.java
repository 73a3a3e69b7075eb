package io.coldstream.bench;

import io.coldstream.core.ConfigurationException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One method a benchmark runs on a scenario's stream.
 *
 * @param name its name in the results: {@code cssl}, {@code finetune}, {@code offline}, or a
 *     variant's name
 * @param offline whether it is the offline baseline (mini-batch epochs at each stage) rather than
 *     the streaming trainer
 * @param settings trainer settings it sets on top of the run's ({@code replay.k=0} for finetune);
 *     an unmodifiable copy, in the given order
 */
public record BenchMethod(String name, boolean offline, Map<String, String> settings) {

    /** Coldstream's trainer as users run it: replay, augmentation, the whole network updated per example. */
    public static final BenchMethod CSSL = new BenchMethod("cssl", false, Map.of());
    /** The same stream with no replay: the lower bound, catastrophic forgetting. */
    public static final BenchMethod FINETUNE = new BenchMethod("finetune", false, Map.of("replay.k", "0"));
    /** The same network trained offline with shuffled mini-batch epochs at each stage: Omega-all's denominator. */
    public static final BenchMethod OFFLINE = new BenchMethod("offline", true, Map.of());

    /** Validates the parts. */
    public BenchMethod {
        Objects.requireNonNull(name, "name");
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9_.-]*")) {
            throw new ConfigurationException("method name was '" + name
                    + "' but must be letters, digits, '.', '_' or '-' (it names a folder)");
        }
        settings = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(settings));
    }

    /**
     * @param text {@code cssl}, {@code finetune} or {@code offline}
     * @return the method
     * @throws ConfigurationException naming the value and the allowed names
     */
    public static BenchMethod parse(String text) {
        String t = text == null ? "" : text.strip();
        return switch (t) {
            case "cssl" -> CSSL;
            case "finetune" -> FINETUNE;
            case "offline" -> OFFLINE;
            default -> throw new ConfigurationException("method was '" + text
                    + "' but must be cssl, finetune or offline (add replay variants with --variant NAME:KEY=VALUE,...)");
        };
    }

    /**
     * A variant of {@code cssl}, written {@code NAME:KEY=VALUE,KEY=VALUE} with trainer setting keys
     * or flags, such as {@code k20-noaug:replay.k=20,augment=none}.
     *
     * @param text the variant
     * @return the method
     * @throws ConfigurationException if it is not of that form
     */
    public static BenchMethod variant(String text) {
        String t = text == null ? "" : text.strip();
        int colon = t.indexOf(':');
        if (colon <= 0 || colon == t.length() - 1) {
            throw new ConfigurationException("variant was '" + text
                    + "' but must be written NAME:KEY=VALUE,KEY=VALUE, such as k20:replay.k=20");
        }
        Map<String, String> settings = new LinkedHashMap<>();
        for (String pair : t.substring(colon + 1).split(",")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new ConfigurationException("variant '" + text + "' has '" + pair
                        + "' but each setting must be KEY=VALUE, such as replay.k=20");
            }
            settings.put(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
        }
        String name = t.substring(0, colon);
        if (name.equals(CSSL.name()) || name.equals(FINETUNE.name()) || name.equals(OFFLINE.name())) {
            throw new ConfigurationException("variant '" + text + "' is named " + name
                    + ", a name of the built-in methods; give it a name of its own, such as k20");
        }
        return new BenchMethod(name, false, settings);
    }
}
