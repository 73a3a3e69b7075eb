package io.coldstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.coldstream.core.Setting;
import io.coldstream.core.SettingType;
import io.coldstream.learner.TrainerSettings;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command's error paths: a clear one-line reason, a non-zero exit, nothing written. */
class ColdstreamCliTest {

    @TempDir
    Path dir;

    @Test
    void aMissingDatasetFolderNamesTheFolderAndTheDebianPackage() {
        Path out = dir.resolve("out");
        CliRun o = CliRun.of("train", "--data", dir.resolve("nowhere").toString(), "--out", out.toString());
        assertThat(o.status()).isEqualTo(2);
        assertThat(o.err()).startsWith("coldstream: ").contains("nowhere").contains("dataset-fashion-mnist");
        assertThat(o.err().strip().lines()).hasSize(1);
        assertThat(out).doesNotExist();
    }

    @Test
    void aTruncatedIdxFileIsNamedAndNothingIsWritten() throws IOException {
        Path data = dir.resolve("data");
        writeIdx(data, 20, 10);
        Path images = data.resolve("train-images-idx3-ubyte");
        byte[] whole = Files.readAllBytes(images);
        Files.write(images, java.util.Arrays.copyOf(whole, whole.length - 100));
        Path out = dir.resolve("out");
        CliRun o = CliRun.of("train", "--data", data.toString(), "--out", out.toString());
        assertThat(o.status()).isEqualTo(2);
        assertThat(o.err()).contains("train-images-idx3-ubyte").contains("truncated");
        assertThat(out).doesNotExist();
    }

    @Test
    void anUnknownFlagValueNamesTheFlagAndTheAllowedValues() {
        CliRun o = CliRun.of("train", "--replay-policy", "lru", "--order", "random", "--out", dir.resolve("o").toString());
        assertThat(o.status()).isEqualTo(2);
        assertThat(o.err()).contains("--replay-policy").contains("class-balanced").contains("reservoir")
                .contains("--order").contains("class-incremental");
        assertThat(o.err().strip().lines()).hasSize(1);
    }

    @Test
    void aBudgetTooSmallForOneExampleIsRefusedBeforeAnythingIsWritten() throws IOException {
        Path data = dir.resolve("data");
        writeIdx(data, 20, 10);
        Path out = dir.resolve("out");
        CliRun o = CliRun.of("train", "--data", data.toString(), "--replay-budget", "512B", "--out", out.toString());
        assertThat(o.status()).isEqualTo(2);
        assertThat(o.err()).contains("replay.budget").contains("512").contains("1x28x28");
        assertThat(out).doesNotExist();
    }

    @Test
    void anOutputFolderHoldingFilesIsRefused() throws IOException {
        Path data = dir.resolve("data");
        writeIdx(data, 20, 10);
        Path out = Files.createDirectories(dir.resolve("out"));
        Files.writeString(out.resolve("results.json"), "{}");
        CliRun o = CliRun.of("train", "--data", data.toString(), "--out", out.toString());
        assertThat(o.status()).isEqualTo(2);
        assertThat(o.err()).contains("already holds files");
        assertThat(Files.readString(out.resolve("results.json"))).isEqualTo("{}");
    }

    @Test
    void anUnknownFlagIsAUsageError() {
        CliRun o = CliRun.of("train", "--frobnicate", "3");
        assertThat(o.status()).isEqualTo(2);
        assertThat(o.err()).contains("--frobnicate");
    }

    @Test
    void anUnknownEngineOrSuiteIsAUsageError() {
        CliRun engine = CliRun.of("train", "--engine", "tensorflow", "--out", dir.resolve("o").toString());
        assertThat(engine.status()).isEqualTo(2);
        assertThat(engine.err()).contains("--engine").contains("'tensorflow'").contains("dl4j, pytorch");
        CliRun suite = CliRun.of("bench", "--suite", "imagenet-full", "--out", dir.resolve("b").toString());
        assertThat(suite.status()).isEqualTo(2);
        assertThat(suite.err()).contains("suite was 'imagenet-full'");
        CliRun cases = CliRun.of("bench", "--suite", "engine", "--cases", "vgg16", "--engines", "jax", "--out",
                dir.resolve("b").toString());
        assertThat(cases.status()).isEqualTo(2);
        assertThat(cases.err()).contains("case was 'vgg16'").contains("engine was 'jax'");
        assertThat(dir.resolve("b")).doesNotExist();
    }

    @Test
    void helpListsTheDocumentedFlags() {
        CliRun o = CliRun.of("train", "--help");
        assertThat(o.status()).isZero();
        assertThat(o.out()).contains("--data", "--order", "--stage-classes", "--limit", "--seed", "--network",
                "--replay-budget", "--replay-k", "--replay-policy", "--augment", "--lr", "--holdout-every",
                "--snapshot-every", "--engine", "--out");
    }

    @Test
    void helpHasAFlagForEverySettingWithItsDocAndDefault() {
        // picocli wraps long lines at spaces, commas and colons: compare without blanks
        String help = CliRun.of("train", "--help").out().replaceAll("\\s+", "");
        assertThat(help).contains("--config=FILE");
        for (Setting<?> s : TrainerSettings.table().settings()) {
            // a boolean flag may be given alone (--require-gpu means --require-gpu true)
            String usage = s.type() == SettingType.BOOLEAN ? s.flag() + "[=" + s.label() + "]" : s.flag() + "=" + s.label();
            assertThat(help).contains(usage)
                    .contains((s.doc() + " (default: " + s.defaultText() + ")").replaceAll("\\s+", ""));
        }
        assertThat(help).contains("(default:16MB)", "(default:runs/<date-time>)", "(default:wholestream)");
    }

    @Test
    void aFlagOverridesTheConfigFileAndEveryBadFlagIsNamedAsAFlag() throws IOException {
        Path file = Files.writeString(dir.resolve("run.yaml"), "replay: {k: many}\nlr: 0\n");
        CliRun o = CliRun.of("train", "--config", file.toString(), "--replay-k", "3", "--momentum", "2",
                "--out", dir.resolve("o").toString());
        assertThat(o.status()).isEqualTo(2);
        assertThat(o.err()).contains("lr was 0.0 but it must be a positive number")
                .contains("--momentum was 2.0 but it must be in [0, 1)").doesNotContain("many");
        assertThat(dir.resolve("o")).doesNotExist();
    }

    /** Writes an IDX folder of 28x28 examples: a {@code train} split of {@code train} and a {@code t10k} split of {@code test}. */
    static void writeIdx(Path dir, int train, int test) throws IOException {
        writeIdx(dir, "train", train, 28, 28);
        writeIdx(dir, "t10k", test, 28, 28);
    }

    /** Writes an IDX image/label pair (plain, not gzipped) of {@code count} examples with labels 0..9. */
    static void writeIdx(Path dir, String split, int count, int rows, int cols) throws IOException {
        Files.createDirectories(dir);
        try (DataOutputStream images = new DataOutputStream(
                Files.newOutputStream(dir.resolve(split + "-images-idx3-ubyte")));
             DataOutputStream labels = new DataOutputStream(
                     Files.newOutputStream(dir.resolve(split + "-labels-idx1-ubyte")))) {
            images.writeInt(0x00000803);
            images.writeInt(count);
            images.writeInt(rows);
            images.writeInt(cols);
            labels.writeInt(0x00000801);
            labels.writeInt(count);
            for (int i = 0; i < count; i++) {
                for (int p = 0; p < rows * cols; p++) {
                    images.writeByte((i * 31 + p) & 0xff);
                }
                labels.writeByte(i % 10);
            }
        }
    }

    @Test
    void serveNamesEveryBadFlagAtOnce() {
        CliRun o = CliRun.of("serve", "--store", dir.resolve("nowhere").toString(), "--max-delay", "soon",
                "--max-batch", "0");
        assertThat(o.status()).isEqualTo(2);
        assertThat(o.err()).contains("--max-delay was 'soon' but it must be milliseconds from 0 to 60000, or off")
                .contains("--max-batch was 0").contains("--store was");
        for (String bad : new String[] {"-1", "60001", "99999999999999"}) {
            assertThat(CliRun.of("serve", "--store", dir.resolve("nowhere").toString(), "--max-delay", bad).err())
                    .contains("--max-delay was '" + bad + "'");
        }
        assertThat(CliRun.of("serve", "--help").out()).contains("--max-delay=MS|off");
    }

    @Test
    void everyCommandAnswersHelp() {
        for (String command : new String[] {"train", "ingest", "serve", "eval", "bench", "report", "backend"}) {
            CliRun o = CliRun.of(command, "--help");
            assertThat(o.status()).as(command + ": " + o.err()).isZero();
            assertThat(o.out()).as(command).contains("Usage: coldstream " + command);
        }
    }
}
