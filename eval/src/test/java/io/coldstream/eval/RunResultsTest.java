package io.coldstream.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coldstream.core.DataException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code golden/results.json} was written by the trainer's code before this type existed
 * ({@code TrainResult.toJson()} through the snapshot publisher's indenting Jackson mapper): the format
 * must not drift from it.
 */
class RunResultsTest {

    @TempDir
    Path dir;

    /** The configuration as {@code TrainerConfig.describe()} builds it, ints and longs mixed as there. */
    static Map<String, Object> goldenConfiguration() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("data", "data/mnist");
        config.put("order", "class-incremental");
        config.put("stage", Map.of("classes", 2));
        config.put("limit", 0L);
        config.put("seed", 42L);
        config.put("network", "mlp");
        config.put("engine", "dl4j");
        Map<String, Object> replay = new LinkedHashMap<>();
        replay.put("budget", "16 MB");
        replay.put("k", 8);
        replay.put("policy", "class-balanced");
        config.put("replay", replay);
        Map<String, Object> augment = new LinkedHashMap<>();
        augment.put("list", "crop,flip");
        augment.put("new", false);
        config.put("augment", augment);
        config.put("crop", Map.of("padding", 2));
        config.put("mixup", Map.of("alpha", 0.2));
        config.put("lr", 0.05);
        config.put("momentum", 0.9);
        config.put("schedule", "constant");
        Map<String, Object> holdout = new LinkedHashMap<>();
        holdout.put("every", 1000L);
        holdout.put("size", 500);
        config.put("holdout", holdout);
        config.put("snapshot", Map.of("every", 5000L));
        config.put("out", "runs/mnist-ci");
        config.put("threads", 4);
        config.put("onednn", true);
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("every", 100L);
        metrics.put("port", 0);
        metrics.put("host", null);
        config.put("metrics", metrics);
        Map<String, Object> checkpoint = new LinkedHashMap<>();
        checkpoint.put("every", 10000L);
        checkpoint.put("keep", 3);
        config.put("checkpoint", checkpoint);
        config.put("bad", Map.of("records", "skip"));
        return config;
    }

    static final RunResults GOLDEN = new RunResults(60000L, 0.8723333333333333,
            List.of(new HoldoutPoint(20000, 0.812), new HoldoutPoint(40000, Double.NaN), new HoldoutPoint(60000, 0.9)),
            0.9131, 412.37719298245616, 145.5, 21290, 16776920L, 16777216L, 38710L,
            Collections.nCopies(10, 2129), 7L, 535818L, "v000012",
            "CPU (nd4j-native linux-x86_64-onednn, 4 threads, FLOAT, oneDNN on)", 4, goldenConfiguration(), true,
            false, Map.of("label-out-of-range", 3L, "bad-magic", 4L), Map.of("non-finite-loss", 2L),
            List.of("partition 0: offsets 0 to 119 were deleted before they were trained on (accepted by"
                    + " --kafka-accept-loss)"));

    @Test
    void aFileWrittenBeforeReasonsSkippedStepsAndLossesWereRecordedReadsThemAsNone() throws IOException {
        String text = Files.readString(MetricsRecordTest.golden("results.json"));
        String old = text.substring(0, text.indexOf(",\n  \"badRecordReasons\"")) + "\n}\n";
        Path file = dir.resolve(RunResults.FILE_NAME);
        Files.writeString(file, old);

        RunResults read = RunResults.read(file);

        assertThat(read.badRecordReasons()).isEmpty();
        assertThat(read.skippedSteps()).isEmpty();
        assertThat(read.acceptedLosses()).isEmpty();
        assertThat(read.badRecords()).isEqualTo(GOLDEN.badRecords());
    }

    @Test
    void readsTheGoldenFile() {
        RunResults read = RunResults.read(MetricsRecordTest.golden("results.json"));

        assertThat(read).isEqualTo(GOLDEN);
        assertThat(read.holdout().get(1).accuracy()).isNaN();
        assertThat(read.configuration()).containsEntry("replay", Map.of("budget", "16 MB", "k", 8L,
                "policy", "class-balanced"));
        assertThat(read.configuration().keySet()).containsExactlyElementsOf(goldenConfiguration().keySet());
    }

    @Test
    void writesTheGoldenFileByteForByte() throws IOException {
        Path file = dir.resolve(RunResults.FILE_NAME);

        GOLDEN.write(file);

        byte[] golden = Files.readAllBytes(MetricsRecordTest.golden("results.json"));
        assertThat(Files.readAllBytes(file)).isEqualTo(golden);
        assertThat(GOLDEN.toJson().getBytes(java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(golden);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(file);
        }
    }

    @Test
    void aResultWithNothingRecordedReadsBackEqual() {
        Path file = dir.resolve(RunResults.FILE_NAME);
        RunResults empty = new RunResults(-1, Double.NaN, List.of(), Double.NaN, Double.NaN, Double.NaN, -1, -1, -1,
                -1, List.of(), -1, -1, null, null, -1, Map.of(), false, true);

        empty.write(file);

        assertThat(RunResults.read(file)).isEqualTo(empty);
        assertThat(empty.toJson()).contains("\"examplesSeen\" : null,").contains("\"holdout\" : [ ],")
                .contains("\"classCounts\" : [ ]").contains("\"configuration\" : { },")
                .endsWith("\"skippedSteps\" : { },\n  \"acceptedLosses\" : [ ]\n}\n");
    }

    @Test
    void filesWithoutCompleteOrResumedAreCompleteRunsThatDidNotResume() throws IOException {
        Path file = dir.resolve(RunResults.FILE_NAME);
        Files.writeString(file, "{\"examplesSeen\": 10}");

        RunResults read = RunResults.read(file);

        assertThat(read.examplesSeen()).isEqualTo(10);
        assertThat(read.complete()).isTrue();
        assertThat(read.resumed()).isFalse();
        assertThat(read.replayEntries()).isEqualTo(-1);
        assertThat(read.replayClassCounts()).isEmpty();
        assertThat(read.finalAccuracy()).isNaN();
        assertThat(read.configuration()).isEmpty();
    }

    @Test
    void aMalformedFileSaysWhereWhatAndWhatIsAllowed() throws IOException {
        Path file = dir.resolve(RunResults.FILE_NAME);

        Files.writeString(file, "{\"threads\": 1.5}");
        assertThatThrownBy(() -> RunResults.read(file)).isInstanceOf(DataException.class)
                .hasMessage(file + " is malformed: \"threads\" was 1.5 but must be an integer >= 0 or null");

        Files.writeString(file, "{\"complete\": \"yes\"}");
        assertThatThrownBy(() -> RunResults.read(file)).isInstanceOf(DataException.class)
                .hasMessage(file + " is malformed: \"complete\" was \"yes\" but must be a boolean or null");

        Files.writeString(file, "{\"holdout\": [{\"examplesSeen\": 5, \"accuracy\": 1.5}]}");
        assertThatThrownBy(() -> RunResults.read(file)).isInstanceOf(DataException.class)
                .hasMessage(file + " is malformed: \"holdout[].accuracy\" was 1.5 but must be a number in [0, 1] or"
                        + " null");

        Files.writeString(file, "[1]");
        assertThatThrownBy(() -> RunResults.read(file)).isInstanceOf(DataException.class)
                .hasMessage(file + " is malformed: the file was an array [1] but must be a JSON object");

        Files.writeString(file, "{\"examplesSeen\": ");
        assertThatThrownBy(() -> RunResults.read(file)).isInstanceOf(DataException.class)
                .hasMessageStartingWith(file + " is malformed: it is not valid JSON");

        Files.delete(file);
        assertThatThrownBy(() -> RunResults.read(file)).isInstanceOf(DataException.class)
                .hasMessageContaining(file + " does not exist");
    }

    @Test
    void theReplayStorageIsWrittenInTheReplayObjectAndReadBack() throws IOException {
        RunResults.ReplayStorage storage = new RunResults.ReplayStorage("quantized", 21290L * 392,
                21290L * 12, 3520, 404.0);
        RunResults withStorage = new RunResults(GOLDEN.examplesSeen(), GOLDEN.prequentialAccuracy(), GOLDEN.holdout(),
                GOLDEN.finalAccuracy(), GOLDEN.stepsPerSecond(), GOLDEN.wallSeconds(), GOLDEN.replayEntries(),
                GOLDEN.replayBytes(), GOLDEN.replayBudgetBytes(), GOLDEN.replayEvictions(), GOLDEN.replayClassCounts(),
                GOLDEN.badRecords(), GOLDEN.parameterCount(), GOLDEN.latestSnapshot(), GOLDEN.backend(),
                GOLDEN.threads(), GOLDEN.configuration(), true, false, GOLDEN.badRecordReasons(),
                GOLDEN.skippedSteps(), GOLDEN.acceptedLosses(), storage);
        Path file = dir.resolve(RunResults.FILE_NAME);

        withStorage.write(file);

        assertThat(Files.readString(file)).contains("\"codec\" : \"quantized\"", "\"payloadBytes\" : 8345680",
                "\"bookkeepingBytes\" : 255480", "\"fixedBytes\" : 3520", "\"meanBytesPerEntry\" : 404.0");
        assertThat(RunResults.read(file)).isEqualTo(withStorage);
        assertThat(RunResults.read(MetricsRecordTest.golden("results.json")).replayStorage())
                .as("a file from before the storage was recorded").isNull();
    }

    @Test
    void rejectsAConfigurationThatIsNotPlainJson() {
        Map<String, Object> config = Map.of("replay", Map.of("budget", Path.of("16MB")));

        assertThatThrownBy(() -> new RunResults(1, 0.5, List.of(), 0.5, 1, 1, 0, 0, 0, 0, List.of(), 0, 0, null,
                null, 1, config, true, false)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'replay.budget'").hasMessageContaining("must be a string, number, boolean");
    }
}
