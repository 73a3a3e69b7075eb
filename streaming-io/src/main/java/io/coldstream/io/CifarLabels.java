package io.coldstream.io;

import io.coldstream.core.ConfigurationException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Which of the two labels of a CIFAR-100 record a dataset reads (Krizhevsky, "Learning Multiple
 * Layers of Features from Tiny Images", 2009). The CLI names are those of {@code --labels}.
 */
public enum CifarLabels {

    /** The 100 fine classes, labels {@code [0, 100)}. */
    FINE("fine", 100),

    /** The 20 coarse superclasses, labels {@code [0, 20)}. */
    COARSE("coarse", 20);

    private final String cliName;
    private final int numClasses;

    CifarLabels(String cliName, int numClasses) {
        this.cliName = cliName;
        this.numClasses = numClasses;
    }

    /**
     * @param text a CLI name, {@code fine} or {@code coarse}; case and surrounding blanks are
     *     ignored
     * @return the labels
     * @throws ConfigurationException naming the value and the allowed names
     */
    public static CifarLabels parse(String text) {
        if (text != null) {
            String wanted = text.strip().toLowerCase(Locale.ROOT);
            for (CifarLabels labels : values()) {
                if (labels.cliName.equals(wanted)) {
                    return labels;
                }
            }
        }
        throw new ConfigurationException("labels was '" + text + "' but must be one of "
                + Arrays.stream(values()).map(CifarLabels::cliName).collect(Collectors.joining(", ")));
    }

    /** @return the name used on the command line and in configuration files */
    public String cliName() {
        return cliName;
    }

    /** @return the number of classes the format fixes: 100 fine, 20 coarse */
    public int numClasses() {
        return numClasses;
    }
}
