package io.coldstream.learner;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The default Kafka group of a run folder: its name, plus a digest of its absolute path. */
class RunFolderTest {

    @Test
    void foldersOfTheSameNameInDifferentPlacesGetDifferentKafkaGroups() {
        String a = RunFolder.kafkaGroup(Path.of("/data/a/run"));
        String b = RunFolder.kafkaGroup(Path.of("/data/b/run"));
        assertThat(a).matches("coldstream-run-[0-9a-f]{8}");
        assertThat(b).matches("coldstream-run-[0-9a-f]{8}");
        assertThat(a).isNotEqualTo(b);
    }

    @Test
    void theSameFolderAlwaysGetsTheSameGroupHoweverItIsWritten() {
        Path relative = Path.of("runs", "x", "..", "k");
        assertThat(RunFolder.kafkaGroup(relative)).isEqualTo(RunFolder.kafkaGroup(relative.toAbsolutePath()))
                .isEqualTo(RunFolder.kafkaGroup(Path.of("runs/k"))).startsWith("coldstream-k-");
    }
}
