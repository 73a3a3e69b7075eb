package io.coldstream.core;

import java.util.List;

/**
 * A configuration that cannot be used. Carries every problem found, not just the first, so a
 * user fixes a configuration in one round: {@code "replay.budget was '-3 MB' but it must be
 * positive"}.
 */
public class ConfigurationException extends ColdstreamException {

    private final List<String> problems;

    /** @param problems one sentence per bad key; must not be empty */
    public ConfigurationException(List<String> problems) {
        super(String.join("; ", requireNonEmpty(problems)));
        this.problems = List.copyOf(problems);
    }

    /** @param problem one sentence naming the bad key, its value and the rule */
    public ConfigurationException(String problem) {
        this(List.of(problem));
    }

    /** @return every problem found, in the order they were found */
    public List<String> problems() {
        return problems;
    }

    private static List<String> requireNonEmpty(List<String> problems) {
        if (problems == null || problems.isEmpty()) {
            throw new IllegalArgumentException("a ConfigurationException needs at least one problem");
        }
        return problems;
    }
}
