package io.coldstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.coldstream.core.Setting;
import io.coldstream.learner.TrainerConfig;
import io.coldstream.learner.TrainerSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** README.md documents exactly the settings that {@link TrainerSettings} declares, with their defaults. */
class TrainSettingsReadmeTest {

    @TempDir
    Path dir;

    /** One row of the flag table: {@code | `--replay-budget SIZE` | `16MB` | meaning |}. */
    private record Row(String flag, String label, String defaultText) {
    }

    @Test
    void theFlagTableListsEveryDeclaredFlagWithItsDefaultAndLabel() throws IOException {
        Map<String, Row> rows = flagTable();
        rows.remove("--config"); // the command's own flag, not a setting
        List<Setting<?>> settings = TrainerSettings.table().settings();
        assertThat(rows.keySet()).containsExactlyInAnyOrderElementsOf(settings.stream().map(Setting::flag).toList());
        for (Setting<?> s : settings) {
            Row row = rows.get(s.flag());
            assertThat(row.defaultText()).as("README default of %s", s.flag()).isEqualTo(s.defaultText());
            if (row.label() != null) {
                assertThat(row.label()).as("README placeholder of %s", s.flag()).isEqualTo(s.label());
            }
        }
    }

    @Test
    void theConfigFileExampleHasEveryDeclaredKeyWithItsDefault() throws IOException {
        Path file = Files.writeString(dir.resolve("run.yaml"), yamlBlock());
        Map<String, String> keys = ConfigFile.read(file);
        assertThat(keys.keySet()).containsExactlyInAnyOrderElementsOf(
                TrainerSettings.table().settings().stream().map(Setting::path).toList());
        TrainerConfig.Builder builder = TrainerConfig.builder();
        keys.forEach(builder::set);
        TrainerConfig config = builder.build();
        for (Setting<?> s : TrainerSettings.table().settings()) {
            if (s.defaultValue() != null && !s.defaultIsDescribed()) {
                assertThat((Object) config.get(s)).as("README's run.yaml value of %s", s.path())
                        .isEqualTo(s.defaultValue());
            }
        }
    }

    private static Map<String, Row> flagTable() throws IOException {
        String section = section(readme(), "## `coldstream train`", "\n## ");
        Map<String, Row> rows = new LinkedHashMap<>();
        for (String line : section.lines().filter(l -> l.startsWith("| `--")).toList()) {
            String[] cells = line.split("\\|");
            String[] flag = cells[1].replace("`", "").trim().split("\\s+");
            Row row = new Row(flag[0], flag.length > 1 ? flag[1] : null, cells[2].replace("`", "").trim());
            assertThat(rows.put(row.flag(), row)).as("README lists %s twice", row.flag()).isNull();
        }
        return rows;
    }

    private static String yamlBlock() throws IOException {
        String section = section(readme(), "### Configuration file", "\n## ");
        return section(section, "```yaml\n", "```");
    }

    private static String section(String text, String start, String end) {
        int from = text.indexOf(start);
        assertThat(from).as("README has '%s'", start.strip()).isNotNegative();
        int to = text.indexOf(end, from + start.length());
        return text.substring(from + start.length(), to < 0 ? text.length() : to);
    }

    private static String readme() throws IOException {
        List<Path> tried = new ArrayList<>();
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path readme = d.resolve("README.md");
            tried.add(readme);
            if (Files.isRegularFile(readme) && Files.readString(readme).contains("## `coldstream train`")) {
                return Files.readString(readme);
            }
        }
        throw new IllegalStateException("no README.md with a `coldstream train` section in "
                + tried.stream().map(Objects::toString).collect(Collectors.joining(", ")));
    }
}
