package io.coldstream.model;

import io.coldstream.core.ConfigurationException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Which library computes the network: chosen with {@code --engine}. */
public enum NetworkEngine {
    /** Deeplearning4j on ND4J (the default; CPU, or CUDA through ND4J's CUDA backend). */
    DL4J("dl4j"),
    /** PyTorch (libtorch) through DJL, CPU, loaded from the class path: nothing is downloaded. */
    PYTORCH("pytorch");

    private final String cliName;

    NetworkEngine(String cliName) {
        this.cliName = cliName;
    }

    /** @return the name used on the command line and in files */
    public String cliName() {
        return cliName;
    }

    /**
     * @param text a {@link #cliName()}, case-insensitive
     * @return the engine
     * @throws ConfigurationException naming the value and the allowed ones
     */
    public static NetworkEngine parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        for (NetworkEngine e : values()) {
            if (e.cliName.equals(t)) {
                return e;
            }
        }
        throw new ConfigurationException("engine was '" + text + "' but must be one of "
                + Arrays.stream(values()).map(NetworkEngine::cliName).collect(Collectors.joining(", ")));
    }

    @Override
    public String toString() {
        return cliName;
    }
}
