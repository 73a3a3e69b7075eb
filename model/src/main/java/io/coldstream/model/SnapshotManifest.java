package io.coldstream.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coldstream.core.ConfigurationException;
import io.coldstream.core.Shape;
import io.coldstream.core.SnapshotException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What a published snapshot holds, written beside its model as {@code manifest.json}. This type
 * both writes ({@link #toJson()}) and reads ({@link #read(Path)}) the file.
 *
 * <p>Format version 2 (this one) names the engine, the input shape and the classes, so that a
 * reader can load {@code model.zip} without the trainer's configuration. Version 1 manifests
 * (written before) are read with {@code engine}, {@code inputShape} and {@code numClasses} absent.
 *
 * @param formatVersion the manifest format: {@link #FORMAT_VERSION} when written by this version
 * @param version the snapshot's name and folder, such as {@code v000003}; versions increase
 * @param createdAt when it was made (the run's clock)
 * @param examplesSeen stream examples the model had been trained on
 * @param holdoutAccuracy the latest holdout accuracy at that point, or {@code null} if none yet
 * @param sha256 SHA-256 of {@code model.zip}, lower-case hex
 * @param sourcePositions per stream partition, the offset of the last example included
 * @param engine the library that wrote {@code model.zip}; {@code null} in a version 1 manifest
 * @param network the architecture's name, such as {@code small-cnn}
 * @param inputShape the input shape, channels first; {@code null} in a version 1 manifest
 * @param numClasses output classes; {@code 0} in a version 1 manifest
 * @param parameterCount trainable parameters
 * @param configuration the run's effective configuration
 */
public record SnapshotManifest(int formatVersion, String version, Instant createdAt, long examplesSeen,
        Double holdoutAccuracy, String sha256, Map<String, Long> sourcePositions, NetworkEngine engine, String network,
        Shape inputShape, int numClasses, long parameterCount, Map<String, Object> configuration) {

    /** The manifest format this version writes. */
    public static final int FORMAT_VERSION = 2;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Validates and copies the maps. */
    public SnapshotManifest {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(network, "network");
        sourcePositions = Map.copyOf(sourcePositions);
        configuration = configuration == null ? Map.of() : configuration;
    }

    /**
     * A manifest of the current format for a model about to be published.
     *
     * @param version the version name
     * @param createdAt when it was made
     * @param examplesSeen examples trained on
     * @param holdoutAccuracy latest holdout accuracy or {@code null}
     * @param sha256 SHA-256 of the model file
     * @param sourcePositions per partition, the offset of the last example included
     * @param network the model (engine, architecture, shape, classes, parameters are read from it)
     * @param configuration the run's effective configuration
     * @return the manifest
     */
    public static SnapshotManifest of(String version, Instant createdAt, long examplesSeen, Double holdoutAccuracy,
            String sha256, Map<String, Long> sourcePositions, Network network, Map<String, Object> configuration) {
        return new SnapshotManifest(FORMAT_VERSION, version, createdAt, examplesSeen, holdoutAccuracy, sha256,
                sourcePositions, network.engine(), network.kind().cliName(), network.inputShape(),
                network.numClasses(), network.parameterCount(), configuration);
    }

    /** @return the manifest as indented JSON, keys in a fixed order */
    public byte[] toJson() {
        ObjectNode n = JSON.createObjectNode();
        n.put("formatVersion", formatVersion);
        n.put("version", version);
        n.put("createdAt", createdAt.toString());
        n.put("examplesSeen", examplesSeen);
        if (holdoutAccuracy == null) {
            n.putNull("holdoutAccuracy");
        } else {
            n.put("holdoutAccuracy", holdoutAccuracy);
        }
        n.put("sha256", sha256);
        ObjectNode positions = n.putObject("sourcePositions");
        new TreeMap<>(sourcePositions).forEach(positions::put);
        if (engine != null) {
            n.put("engine", engine.cliName());
        }
        n.put("network", network);
        if (inputShape != null) {
            n.putArray("inputShape").add(inputShape.channels()).add(inputShape.height()).add(inputShape.width());
            n.put("numClasses", numClasses);
        }
        n.put("parameterCount", parameterCount);
        n.set("configuration", JSON.valueToTree(configuration));
        try {
            return JSON.writeValueAsBytes(n);
        } catch (JsonProcessingException e) {
            throw new SnapshotException("could not write the manifest of " + version + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads a {@code manifest.json} of format 1 or 2.
     *
     * @param file the manifest
     * @return the manifest
     * @throws SnapshotException naming the file and what is wrong with it
     */
    public static SnapshotManifest read(Path file) {
        byte[] json;
        try {
            json = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new SnapshotException("could not read the snapshot manifest " + file + ": " + e.getMessage(), e);
        }
        return parse(json, file.toString());
    }

    /**
     * Parses a manifest of format 1 or 2 from its JSON, such as one received in an announcement.
     *
     * @param json the manifest's bytes
     * @param where where it came from, for messages (a file, a topic and offset)
     * @return the manifest
     * @throws SnapshotException naming {@code where} and what is wrong
     */
    public static SnapshotManifest parse(byte[] json, String where) {
        JsonNode n;
        try {
            n = JSON.readTree(json);
        } catch (IOException e) {
            throw new SnapshotException("the snapshot manifest " + where + " is not JSON: " + e.getMessage(), e);
        }
        try {
            if (n == null || !n.isObject()) {
                throw new SnapshotException("the snapshot manifest " + where + " is not a JSON object");
            }
            int format = n.has("formatVersion") ? n.get("formatVersion").asInt(-1) : 1;
            if (format < 1 || format > FORMAT_VERSION) {
                throw new SnapshotException("the snapshot manifest " + where + " has format version "
                        + n.get("formatVersion") + " but this version of Coldstream reads 1 to " + FORMAT_VERSION);
            }
            Map<String, Long> positions = new LinkedHashMap<>();
            JsonNode p = n.path("sourcePositions");
            for (Iterator<Map.Entry<String, JsonNode>> it = p.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                positions.put(e.getKey(), e.getValue().asLong());
            }
            Shape shape = null;
            JsonNode s = n.path("inputShape");
            if (s.isArray() && s.size() == 3) {
                shape = new Shape(s.get(0).asInt(), s.get(1).asInt(), s.get(2).asInt());
            } else if (format >= 2) {
                throw new SnapshotException("the snapshot manifest " + where + " has no inputShape [c, h, w]");
            }
            NetworkEngine engine = null;
            if (n.hasNonNull("engine")) {
                try {
                    engine = NetworkEngine.parse(n.get("engine").asText());
                } catch (ConfigurationException e) {
                    throw new SnapshotException("the snapshot manifest " + where + " names an unknown engine: "
                            + e.getMessage(), e);
                }
            }
            if (engine == null && format >= 2) {
                throw new SnapshotException("the snapshot manifest " + where + " names no engine");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> configuration = n.has("configuration")
                    ? JSON.convertValue(n.get("configuration"), LinkedHashMap.class) : Map.of();
            JsonNode holdout = n.path("holdoutAccuracy");
            return new SnapshotManifest(format, text(n, "version", where), Instant.parse(text(n, "createdAt", where)),
                    n.path("examplesSeen").asLong(), holdout.isNumber() ? holdout.asDouble() : null,
                    text(n, "sha256", where), positions, engine, text(n, "network", where), shape,
                    n.path("numClasses").asInt(0), n.path("parameterCount").asLong(), configuration);
        } catch (DateTimeParseException | IllegalArgumentException e) {
            throw new SnapshotException("the snapshot manifest " + where + " is malformed: " + e.getMessage(), e);
        }
    }

    private static String text(JsonNode n, String key, String where) {
        JsonNode v = n.get(key);
        if (v == null || !v.isTextual()) {
            throw new SnapshotException("the snapshot manifest " + where + " has no text field '" + key + "'");
        }
        return v.asText();
    }
}
