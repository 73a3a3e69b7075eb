package io.coldstream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coldstream.core.ConfigurationException;
import io.coldstream.learner.TrainerConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigFileTest {

    @TempDir
    Path dir;

    @Test
    void flattensGroupsAndListsIntoTheFlagsKeys() throws Exception {
        Path file = dir.resolve("run.yaml");
        Files.writeString(file, """
                replay:
                  budget: 8MB
                  k: 20
                  policy: reservoir
                augment: [crop, mixup]
                lr: 0.05
                holdout: {every: 500}
                """);
        TrainerConfig.Builder builder = TrainerConfig.builder();
        ConfigFile.read(file).forEach(builder::set);
        TrainerConfig config = builder.build();
        assertThat(config.replayBudget().bytes()).isEqualTo(8L << 20);
        assertThat(config.replayK()).isEqualTo(20);
        assertThat(config.augment()).isEqualTo("crop,mixup");
        assertThat(config.lr()).isEqualTo(0.05);
        assertThat(config.holdoutEvery()).isEqualTo(500);
    }

    @Test
    void tooDeepNestingAndBadYamlAreNamed() throws Exception {
        Path deep = dir.resolve("deep.yaml");
        Files.writeString(deep, "replay:\n  budget:\n    value: 8MB\n");
        assertThatThrownBy(() -> ConfigFile.read(deep)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("replay.budget nests too deep");
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "replay: {budget: 8MB\nlr: [\n");
        assertThatThrownBy(() -> ConfigFile.read(bad)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("is not valid YAML").hasMessageContaining("line");
        assertThatThrownBy(() -> ConfigFile.read(dir.resolve("none.yaml")))
                .hasMessageContaining("no such file");
    }

    @Test
    void theCommandReportsEveryBadKeyOfTheFileAtOnceAndFlagsOverrideIt() throws Exception {
        Path file = dir.resolve("run.yaml");
        Files.writeString(file, """
                replay:
                  budget: -3 MB
                  k: many
                  policy: lru
                network: vgg
                colour: blue
                """);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Coldstream.run(new String[] {"train", "--config", file.toString(), "--network", "small-cnn",
                "--out", dir.resolve("out").toString()}, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String message = err.toString(StandardCharsets.UTF_8);
        assertThat(status).isEqualTo(2);
        assertThat(message).contains("replay.budget", "'-3 MB'", "replay.k was 'many'", "replay.policy",
                "unknown key 'colour'");
        // --network on the command line overrides the file's bad value
        assertThat(message).doesNotContain("vgg");
        assertThat(message.strip().lines()).hasSize(1);
        assertThat(dir.resolve("out")).doesNotExist();
    }
}
