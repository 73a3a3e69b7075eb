package io.coldstream.bench;

import io.coldstream.core.ConfigurationException;
import io.coldstream.io.StreamOrder;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How a benchmark turns a dataset into a stream, and where its stages end: the evaluation points
 * of the accuracy matrix and of Omega-all.
 */
public enum Scenario {

    /**
     * One seeded shuffle of the whole stream; evaluated at equal fractions of it (the stages are
     * evaluation points, all classes arrive from the start).
     */
    IID("iid", StreamOrder.IID),

    /**
     * Stages of a few classes each, in ascending label order; after each stage the model is
     * evaluated on every class seen so far (van de Ven et al., Nature Machine Intelligence 2022;
     * CSSL's class-incremental CIFAR-100 and ImageNet streams).
     */
    CLASS_INCREMENTAL("class-incremental", StreamOrder.CLASS_INCREMENTAL),

    /**
     * Datasets streamed one after another ({@code --data A,B,...}), each task's labels offset into
     * one output head (CSSL's multi-task setting); a stage is a task.
     */
    MULTI_TASK("multi-task", null);

    private final String cliName;
    private final StreamOrder order;

    Scenario(String cliName, StreamOrder order) {
        this.cliName = cliName;
        this.order = order;
    }

    /**
     * @param text {@code iid}, {@code class-incremental} or {@code multi-task}; case and blanks ignored
     * @return the scenario
     * @throws ConfigurationException naming the value and the allowed names
     */
    public static Scenario parse(String text) {
        if (text != null) {
            String wanted = text.strip().toLowerCase(Locale.ROOT);
            for (Scenario s : values()) {
                if (s.cliName.equals(wanted)) {
                    return s;
                }
            }
        }
        throw new ConfigurationException("scenario was '" + text + "' but must be one of "
                + Arrays.stream(values()).map(Scenario::cliName).collect(Collectors.joining(", ")));
    }

    /** @return the name on the command line and in the results */
    public String cliName() {
        return cliName;
    }

    /** @return the trainer's {@code --order} for this scenario */
    public StreamOrder order() {
        return order != null ? order : StreamOrder.parse("multi-task");
    }
}
