package io.coldstream.learner;

import io.coldstream.core.ConfigurationException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Kafka client settings from a Java properties file ({@code --kafka-properties FILE}): whatever
 * a deployment needs (security.protocol, sasl.*, ssl.*, group.id, client.id, ...) passes through
 * to the Kafka consumer or producer unchanged.
 */
public final class KafkaProperties {

    private KafkaProperties() {
    }

    /**
     * @param file a properties file, or {@code null}
     * @return its settings; empty for {@code null}
     * @throws ConfigurationException if the file is missing or unreadable
     */
    public static Properties read(Path file) {
        Properties p = new Properties();
        if (file == null) {
            return p;
        }
        if (!Files.isRegularFile(file)) {
            throw new ConfigurationException("kafka.properties was '" + file + "' but no such file exists");
        }
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigurationException("kafka.properties file " + file + " cannot be read as Java properties: "
                    + e.getMessage());
        }
        return p;
    }
}
