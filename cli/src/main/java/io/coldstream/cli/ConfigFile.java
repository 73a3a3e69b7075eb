package io.coldstream.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.coldstream.core.ConfigurationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a YAML run configuration into flat keys. Keys are the settings of
 * {@link io.coldstream.learner.TrainerSettings} grouped by their first word, as
 * {@code TrainerConfig.describe()} writes them: {@code replay: {budget: 16MB, k: 50}} gives
 * {@code replay.budget} and {@code replay.k}; {@code lr: 0.05} gives {@code lr};
 * {@code augment: {list: "crop,flip", new: true}} gives {@code augment.list} (the setting
 * {@code augment}) and {@code augment.new}. A list value ({@code augment: [crop, flip]}) becomes a
 * comma-separated one. Unknown keys are left to the configuration builder, which names them.
 */
final class ConfigFile {

    private ConfigFile() {
    }

    /**
     * @param file the YAML file
     * @return flat keys to values as text, in file order
     * @throws ConfigurationException if the file is missing, is not YAML, or is not a map of values
     */
    static Map<String, String> read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigurationException("config was '" + file + "' but no such file exists");
        }
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw new ConfigurationException("config file " + file + " is not valid YAML: "
                    + e.getOriginalMessage() + (e.getLocation() == null ? ""
                            : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")"));
        } catch (IOException e) {
            throw new ConfigurationException("config file " + file + " cannot be read: " + e.getMessage());
        }
        Map<String, String> flat = new LinkedHashMap<>();
        if (root == null || root.isMissingNode() || root.isNull()) {
            return flat;
        }
        if (!root.isObject()) {
            throw new ConfigurationException("config file " + file + " must hold a map of keys such as"
                    + " 'replay: {budget: 16MB}', not a " + root.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
        }
        List<String> problems = new ArrayList<>();
        flatten("", root, flat, problems);
        if (!problems.isEmpty()) {
            throw new ConfigurationException(problems);
        }
        return flat;
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> flat, List<String> problems) {
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
            JsonNode value = e.getValue();
            if (value.isObject()) {
                if (!prefix.isEmpty()) {
                    problems.add(key + " nests too deep; keys have at most two levels such as replay.budget");
                } else {
                    flatten(key, value, flat, problems);
                }
            } else if (value.isArray()) {
                List<String> items = new ArrayList<>();
                for (JsonNode item : value) {
                    if (!item.isValueNode()) {
                        problems.add(key + " is a list of lists or maps; it must be a list of plain values");
                        break;
                    }
                    items.add(item.asText());
                }
                flat.put(key, String.join(",", items));
            } else if (value.isNull()) {
                problems.add(key + " has no value");
            } else {
                flat.put(key, value.asText());
            }
        }
    }
}
