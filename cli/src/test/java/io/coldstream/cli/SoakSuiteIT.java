package io.coldstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.coldstream.model.SnapshotStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code coldstream bench --suite soak}, short: the queue is ingested, the run trains with its
 * checkpoints and snapshots, and the report holds samples taken while it trained, the last at its
 * last step. The 50,000-step figures come from {@code benchmarks/soak/run}.
 */
class SoakSuiteIT {

    @TempDir
    Path dir;

    @Test
    void aShortSoakWritesItsTableFromSamplesTakenWhileTraining() throws Exception {
        Path data = dir.resolve("data");
        ColdstreamCliTest.writeIdx(data, "train", 300, 12, 12);
        ColdstreamCliTest.writeIdx(data, "t10k", 20, 12, 12);
        Path out = dir.resolve("soak");
        CliRun r = CliRun.of("bench", "--suite", "soak", "--limit", "300", "--data", data.toString(), "--out",
                out.toString());
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.err()).contains("soak: ingesting 300 examples").contains("soak: training 300 steps on dl4j");
        assertThat(r.out()).contains("# Soak, dl4j engine, 300 steps").contains("From step ")
                .contains("wrote " + out.resolve("soak.json"));
        JsonNode json = new ObjectMapper().readTree(out.resolve("soak.json").toFile());
        assertThat(json.get("steps").asLong()).isEqualTo(300);
        assertThat(json.get("lastStep").asLong()).as("sampled at the last step, before the final evaluation")
                .isEqualTo(299);
        assertThat(json.get("lastResidentBytes").asLong()).isPositive();
        List<String> csv = Files.readAllLines(out.resolve("soak.csv"));
        long previous = -1;
        for (String line : csv.subList(1, csv.size())) {
            long step = Long.parseLong(line.split(",")[0]);
            assertThat(step).isBetween(previous, 299L);
            previous = step;
        }
        assertThat(csv).hasSizeGreaterThanOrEqualTo(3);
        assertThat(out.resolve("soak.png")).isNotEmptyFile();
        // the run itself: checkpoints and snapshots on, the newest 3 snapshots kept
        assertThat(new SnapshotStore(out.resolve("train").resolve("snapshots")).versions()).hasSize(3);
        assertThat(out.resolve("train").resolve("checkpoints")).isDirectory();
        assertThat(out.resolve("train").resolve("results.json")).isRegularFile();

        CliRun tooShort = CliRun.of("bench", "--suite", "soak", "--limit", "50", "--data", data.toString(), "--out",
                dir.resolve("short").toString());
        assertThat(tooShort.status()).isEqualTo(2);
        assertThat(tooShort.err()).contains("soak steps (--limit) was 50 but must be >= 200");
    }
}
