package io.coldstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Settings that used to pass validation and fail later (an OutOfMemoryError or exit 1 once
 * {@code --out} existed) now stop at once with exit status 2, naming the flag and its bounds, and
 * nothing written; errors in a config file's structure come together with the flags' errors.
 */
class TrainErrorPathsTest {

    @TempDir
    Path dir;

    private Path data;
    private Path out;

    private record Outcome(int status, String err) {
    }

    @BeforeEach
    void writeData() throws IOException {
        data = dir.resolve("data");
        ColdstreamCliTest.writeIdx(data, 20, 10);
        out = dir.resolve("out");
    }

    private Outcome train(String... flags) {
        List<String> args = new java.util.ArrayList<>(List.of("train", "--data", data.toString(), "--out",
                out.toString(), "--limit", "2"));
        args.addAll(List.of(flags));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Coldstream.run(args.toArray(String[]::new), new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Outcome(status, err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void hugeValuesOfEveryBoundedNumericSettingAreRefusedNamingFlagAndBounds() {
        String[][] cases = {
            {"--replay-k", "100000", "in [0, 1024]"},
            {"--crop-padding", "100000", "in [0, 64]"},
            {"--threads", "100000", "in [0, 1024]"},
            {"--checkpoint-keep", "100000", "in [1, 1000]"},
            {"--stage-classes", "1000000", "in [1, 100000]"},
            {"--holdout-size", "2000000000", "in [0, 100000000]"},
            {"--mixup-alpha", "5000", "in (0, 1000]"},
        };
        for (String[] c : cases) {
            Outcome o = train(c[0], c[1]);
            assertThat(o.status()).as(c[0] + ": " + o.err()).isEqualTo(2);
            assertThat(o.err()).as(c[0]).contains(c[0]).contains(c[1]).contains(c[2]);
            assertThat(o.err().strip().lines()).hasSize(1);
            assertThat(out).as(c[0]).doesNotExist();
        }
    }

    @Test
    void aReplayBudgetBeyondDirectMemoryIsRefusedBeforeAnythingIsWritten() {
        Outcome o = train("--replay-budget", "1000GB");
        assertThat(o.status()).as(o.err()).isEqualTo(2);
        assertThat(o.err()).contains("replay.budget").contains("off-heap").contains("-XX:MaxDirectMemorySize");
        assertThat(out).doesNotExist();
    }

    @Test
    void aConfigFileStructureErrorIsReportedTogetherWithTheFlagErrors() throws IOException {
        Path config = Files.writeString(dir.resolve("run.yaml"), "replay: {budget: {too: deep}}\nlimit: 2\n");
        Outcome o = train("--config", config.toString(), "--lr", "-1", "--replay-k", "-3");
        assertThat(o.status()).as(o.err()).isEqualTo(2);
        assertThat(o.err()).contains("replay.budget nests too deep").contains("--lr").contains("--replay-k");
        assertThat(out).doesNotExist();
    }
}
