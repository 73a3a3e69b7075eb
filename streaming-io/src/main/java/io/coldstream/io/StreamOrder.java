package io.coldstream.io;

import io.coldstream.core.ConfigurationException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The order in which a finite dataset is turned into a stream; see {@link StreamOrders#order}.
 * The CLI names are those of {@code --order}.
 */
public enum StreamOrder {

    /** Independent and identically distributed: a seeded shuffle of the whole dataset. */
    IID("iid"),

    /**
     * Class-incremental (van de Ven, Tuytelaars and Tolias, "Three types of incremental
     * learning", Nature Machine Intelligence 2022): classes arrive in stages of a few classes each,
     * and a class never comes back once its stage is over. On a {@link MultiTaskDataset} the stages
     * run over the classes of the shared head, so a stage may span two tasks.
     */
    CLASS_INCREMENTAL("class-incremental"),

    /** The order of the file, unshuffled. */
    FILE("file"),

    /**
     * Tasks in sequence, over a {@link MultiTaskDataset}: the tasks follow one another, each task's
     * examples shuffled (seeded) within the task, and a task never comes back once it is over. A
     * single dataset is one task, and this order is then exactly {@link #IID}.
     */
    MULTI_TASK("multi-task");

    private final String cliName;

    StreamOrder(String cliName) {
        this.cliName = cliName;
    }

    /**
     * @param text a CLI name: {@code iid}, {@code class-incremental}, {@code file} or
     *     {@code multi-task}; case
     *     and surrounding blanks are ignored
     * @return the order
     * @throws ConfigurationException naming the value and the allowed names
     */
    public static StreamOrder parse(String text) {
        if (text != null) {
            String wanted = text.strip().toLowerCase(Locale.ROOT);
            for (StreamOrder order : values()) {
                if (order.cliName.equals(wanted)) {
                    return order;
                }
            }
        }
        throw new ConfigurationException("stream order was '" + text + "' but must be one of "
                + Arrays.stream(values()).map(StreamOrder::cliName).collect(Collectors.joining(", ")));
    }

    /** @return the name used on the command line and in configuration files */
    public String cliName() {
        return cliName;
    }
}
