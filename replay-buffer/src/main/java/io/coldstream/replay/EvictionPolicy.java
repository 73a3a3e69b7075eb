package io.coldstream.replay;

import io.coldstream.core.ConfigurationException;
import java.util.Locale;

/**
 * What a full {@link ReplayBuffer} does with a new example. Written in configuration and on the
 * command line as its {@link #cliName()}: {@code class-balanced} or {@code reservoir}.
 */
public enum EvictionPolicy {

    /**
     * Always store the new example; evict a uniformly random entry of the class that holds the
     * most entries (ties between largest classes broken uniformly at random) and put the new
     * example in its place. This is the replay policy of REMIND (Hayes et al., ECCV 2020) and
     * CSSL (Wolfe and Kyrillidis, 2022). If the new example's class is itself the largest, an
     * entry of that class is replaced.
     *
     * <p>What it guarantees: a class loses entries only while it is a largest class, so a class
     * that holds fewer entries than the largest one keeps every example it has (a rare class keeps
     * all of its examples). Once the buffer is full and every class has been offered often enough,
     * the classes' counts differ by at most 2, and when they differ by 2 exactly one class holds
     * the most; with {@code capacity = m * numClasses + 1} they differ by at most 1. The spread of
     * 2 comes from the random tie-break: when the new example's class ties for the most entries
     * and the draw picks another of the tied classes, the new class gains one and the other loses
     * one.
     */
    CLASS_BALANCED("class-balanced"),

    /**
     * Vitter's Algorithm R (Vitter, "Random Sampling with a Reservoir", ACM TOMS 1985): the first
     * {@code capacity} examples are stored; the example at 0-based stream index
     * {@code i >= capacity} replaces a uniformly random entry with probability
     * {@code capacity / (i + 1)} and is declined otherwise, so every example offered so far is
     * held with the same probability.
     */
    RESERVOIR("reservoir");

    private final String cliName;

    EvictionPolicy(String cliName) {
        this.cliName = cliName;
    }

    /**
     * @param text {@code class-balanced} or {@code reservoir}, any case, surrounding blanks ignored
     * @return the policy
     * @throws ConfigurationException naming the value and the allowed ones if it is none of them
     */
    public static EvictionPolicy parse(String text) {
        if (text != null) {
            String wanted = text.strip().toLowerCase(Locale.ROOT);
            for (EvictionPolicy policy : values()) {
                if (policy.cliName.equals(wanted)) {
                    return policy;
                }
            }
        }
        StringBuilder allowed = new StringBuilder();
        for (EvictionPolicy policy : values()) {
            if (allowed.length() > 0) {
                allowed.append(", ");
            }
            allowed.append(policy.cliName);
        }
        String shown = text == null ? "missing" : "'" + text + "'";
        throw new ConfigurationException("replay.policy was " + shown + " but it must be one of: " + allowed);
    }

    /** @return the name used in configuration files and on the command line, such as {@code class-balanced} */
    public String cliName() {
        return cliName;
    }
}
