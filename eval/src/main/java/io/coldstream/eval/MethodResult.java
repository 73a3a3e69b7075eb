package io.coldstream.eval;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One method's run over one benchmark scenario: its evaluation after each stage, how long it took and
 * the settings that made it. Immutable and thread-safe.
 *
 * @param method the method's name, such as {@code cssl}, {@code finetune} or {@code offline}; not blank
 * @param scenario the scenario's name, such as {@code fashion-class-incremental}; not blank
 * @param stages the evaluations in stage order; every one of the same classes and groups; may be empty
 *     (a run that recorded none)
 * @param wallMillis the run's wall time in milliseconds, training and evaluation, {@code >= 0}
 * @param examplesTrained examples the method trained on (for {@code offline}, over all its epochs),
 *     {@code >= 0}
 * @param settings the method's settings as text, in order ({@code replay.budget -> 16MB}); copied
 */
public record MethodResult(String method, String scenario, List<StageAccuracy> stages, long wallMillis,
        long examplesTrained, Map<String, String> settings) {

    /**
     * Checks the names, counts and that the stages agree on their classes and groups; copies the list and
     * the settings (keeping their order).
     *
     * @throws IllegalArgumentException naming the figure and its rule
     * @throws NullPointerException when a name, a list, a stage or a setting is {@code null}
     */
    public MethodResult {
        requireName("method", method);
        requireName("scenario", scenario);
        stages = List.copyOf(Objects.requireNonNull(stages, "stages"));
        if (wallMillis < 0) {
            throw new IllegalArgumentException(method + " on " + scenario + ": wallMillis was " + wallMillis
                    + " but must be >= 0");
        }
        if (examplesTrained < 0) {
            throw new IllegalArgumentException(method + " on " + scenario + ": examplesTrained was " + examplesTrained
                    + " but must be >= 0");
        }
        for (int i = 1; i < stages.size(); i++) {
            StageAccuracy first = stages.get(0);
            StageAccuracy stage = stages.get(i);
            if (stage.numClasses() != first.numClasses() || stage.groups() != first.groups()) {
                throw new IllegalArgumentException(method + " on " + scenario + ": stage " + stage.stage() + " has "
                        + stage.numClasses() + " classes in " + stage.groups() + " groups but stage " + first.stage()
                        + " has " + first.numClasses() + " in " + first.groups() + "; all stages must have the same");
            }
        }
        Objects.requireNonNull(settings, "settings");
        Map<String, String> copy = new LinkedHashMap<>();
        settings.forEach((key, value) -> copy.put(Objects.requireNonNull(key, "setting name"),
                Objects.requireNonNull(value, "setting " + key)));
        settings = Collections.unmodifiableMap(copy);
    }

    private static void requireName(String what, String name) {
        Objects.requireNonNull(name, what);
        if (name.isBlank()) {
            throw new IllegalArgumentException(what + " name was '" + name + "' but must not be blank");
        }
    }

    /** @return top-1 accuracy on the seen classes after the last stage, or {@code NaN} when there are no stages */
    public double finalTop1() {
        return stages.isEmpty() ? Double.NaN : stages.get(stages.size() - 1).top1();
    }

    /** @return top-5 accuracy on the seen classes after the last stage, or {@code NaN} when there are no stages */
    public double finalTop5() {
        return stages.isEmpty() ? Double.NaN : stages.get(stages.size() - 1).top5();
    }

    /** @return examples trained per second of wall time, or {@code NaN} when the wall time is 0 */
    public double examplesPerSecond() {
        return wallMillis == 0 ? Double.NaN : examplesTrained * 1000.0 / wallMillis;
    }
}
