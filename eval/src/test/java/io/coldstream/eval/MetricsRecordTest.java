package io.coldstream.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coldstream.core.DataException;
import io.coldstream.eval.MetricsRecord.Kind;
import io.coldstream.eval.MetricsRecord.Replay;
import io.coldstream.eval.MetricsRecord.StepMillis;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code golden/metrics.jsonl} was written by the trainer's code before this type existed (its metrics
 * map serialised by Jackson, one line each): the format must not drift from it.
 */
class MetricsRecordTest {

    private static final double NAN = Double.NaN;

    /** The values of the golden file's four lines: interval, holdout, interval with nulls, final. */
    static final List<MetricsRecord> GOLDEN = List.of(
            new MetricsRecord(Kind.INTERVAL, Instant.parse("2025-03-14T09:26:53.589Z"), 2.5, 100, 40.0,
                    2.3025851249694824, 2.2890123, 0.1, 0.1, NAN,
                    new Replay(100, 1000, 78800, 788000, 0, List.of(50, 50, 0, 0)),
                    new StepMillis(24.5, 23.068672, 31.45728, 40.108032, 80.0), null, 0, 268435456L, 67108864L),
            new MetricsRecord(Kind.HOLDOUT, Instant.parse("2025-03-14T09:26:58Z"), 7.25, 200, 27.586206896551722,
                    1.75, 1.8123456789, 0.255, 0.31, 0.4375,
                    new Replay(200, 1000, 157600, 788000, 0, List.of(100, 100, 0, 0)),
                    new StepMillis(25.0, 24.0, 31.5, 40.25, 1.0E-4), null, 0, 12884901888L, 67108864L),
            new MetricsRecord(Kind.INTERVAL, Instant.parse("2025-03-14T09:27:01.000000123Z"), 12.0, 300,
                    41.666666666666664, NAN, NAN, 0.3433333333333333, NAN, 0.4375,
                    new Replay(300, 1000, 236400, 788000, 0, List.of(75, 75, 75, 75)), null, "v000001", 3,
                    300000000L, 0L),
            new MetricsRecord(Kind.FINAL, Instant.parse("2025-03-14T09:27:02.5Z"), 13.5, 300, 0.0, NAN, NAN,
                    0.3433333333333333, 0.35, 0.5125,
                    new Replay(300, 1000, 236400, 788000, 12345678901L, List.of(75, 75, 75, 75)),
                    new StepMillis(1234.5, NAN, 1.0E7, 3.0E-4, 9.99E8), "v000002", 3, 300000000L, 1048576L));

    @TempDir
    Path dir;

    static Path golden(String name) {
        try {
            return Path.of(MetricsRecordTest.class.getResource("/golden/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static MetricsRecord interval(long seen) {
        return new MetricsRecord(Kind.INTERVAL, null, NAN, seen, NAN, NAN, NAN, NAN, NAN, NAN, null, null, null, -1,
                -1, -1);
    }

    @Test
    void readsTheGoldenFile() {
        List<MetricsRecord.Line> lines = MetricsRecord.readLines(golden("metrics.jsonl"));

        assertThat(lines).extracting(MetricsRecord.Line::number).containsExactly(1, 2, 3, 4);
        assertThat(lines).extracting(MetricsRecord.Line::record).containsExactlyElementsOf(GOLDEN);
        assertThat(MetricsRecord.read(golden("metrics.jsonl"))).containsExactlyElementsOf(GOLDEN);
    }

    @Test
    void writesTheGoldenFileByteForByte() throws IOException {
        Path file = dir.resolve(MetricsRecord.FILE_NAME);
        try (MetricsRecord.Writer writer = MetricsRecord.appendTo(file)) {
            for (MetricsRecord record : GOLDEN) {
                writer.append(record);
            }
        }

        assertThat(Files.readAllBytes(file)).isEqualTo(Files.readAllBytes(golden("metrics.jsonl")));
        List<String> goldenLines = Files.readAllLines(golden("metrics.jsonl"), StandardCharsets.UTF_8);
        for (int i = 0; i < GOLDEN.size(); i++) {
            assertThat(GOLDEN.get(i).toJson()).isEqualTo(goldenLines.get(i));
        }
    }

    @Test
    void writesEveryFigureNotRecordedAsNullAndReadsItBack() {
        MetricsRecord empty = interval(7);

        assertThat(empty.toJson()).isEqualTo("{\"kind\":\"interval\",\"time\":null,\"elapsedSeconds\":null,"
                + "\"examplesSeen\":7,\"examplesPerSecond\":null,\"loss\":null,\"meanLoss\":null,"
                + "\"prequentialAccuracy\":null,\"windowAccuracy\":null,\"holdoutAccuracy\":null,\"replay\":null,"
                + "\"stepMillis\":null,\"snapshotVersion\":null,\"badRecords\":null,\"jvmHeapUsedBytes\":null,"
                + "\"residentBytes\":null}");
        assertThat(new MetricsRecord(Kind.FINAL, null, 1.0, 0, Double.POSITIVE_INFINITY, NAN, NAN, NAN, NAN, NAN,
                new Replay(-1, 5, -1, -1, -1, List.of()), null, null, 0, 0, 0).toJson())
                .contains("\"examplesPerSecond\":null")
                .contains("\"replay\":{\"entries\":null,\"capacity\":5,\"bytes\":null,\"budgetBytes\":null,"
                        + "\"evictions\":null,\"classCounts\":[]}");
    }

    @Test
    void aHoldoutLineCarriesItsAccuracyPerClassAndReadsItBack() throws IOException {
        MetricsRecord holdout = new MetricsRecord(Kind.HOLDOUT, null, NAN, 40, NAN, NAN, NAN, NAN, NAN, 0.5, null,
                null, null, -1, -1, -1, List.of(1.0, NAN, 0.25));
        assertThat(holdout.toJson()).endsWith(",\"holdoutClassAccuracy\":[1.0,null,0.25]}");
        assertThat(interval(40).toJson()).doesNotContain("holdoutClassAccuracy");
        Path file = dir.resolve(MetricsRecord.FILE_NAME);
        try (MetricsRecord.Writer writer = MetricsRecord.appendTo(file)) {
            writer.append(holdout);
        }
        assertThat(MetricsRecord.read(file)).containsExactly(holdout);
        Files.writeString(file, holdout.toJson().replace("0.25]", "1.5]") + "\n");
        assertThatThrownBy(() -> MetricsRecord.read(file)).isInstanceOf(DataException.class)
                .hasMessageContaining("holdoutClassAccuracy");
    }

    @Test
    void appendingKeepsWhatIsThereAndDropsALineCutShortByACrash() throws IOException {
        Path file = dir.resolve(MetricsRecord.FILE_NAME);
        String golden = Files.readString(golden("metrics.jsonl"));
        Files.writeString(file, golden + "{\"kind\":\"interval\",\"exam");

        try (MetricsRecord.Writer writer = MetricsRecord.appendTo(file)) {
            writer.append(interval(400));
        }

        assertThat(Files.readString(file)).isEqualTo(golden + interval(400).toJson() + "\n");
        assertThat(MetricsRecord.read(file)).hasSize(5).last().isEqualTo(interval(400));
    }

    @Test
    void readingSkipsBlankLinesAndKindsItDoesNotKnowButKeepsLineNumbers() throws IOException {
        Path file = dir.resolve(MetricsRecord.FILE_NAME);
        Files.writeString(file, "\n{\"kind\":\"gc-pause\",\"examplesSeen\":\"many\"}\n"
                + "{\"kind\":\"holdout\",\"examplesSeen\":5,\"holdoutAccuracy\":0.5,\"future\":{\"a\":[1]}}\n");

        List<MetricsRecord.Line> lines = MetricsRecord.readLines(file);

        assertThat(lines).hasSize(1);
        assertThat(lines.get(0).number()).isEqualTo(3);
        assertThat(lines.get(0).record().kind()).isEqualTo(Kind.HOLDOUT);
        assertThat(lines.get(0).record().holdoutAccuracy()).isEqualTo(0.5);
        assertThat(lines.get(0).record().replay()).isNull();
        assertThat(lines.get(0).record().badRecords()).isEqualTo(-1);
        assertThat(lines.get(0).record().isProgress()).isFalse();
    }

    @Test
    void aMalformedLineIsReportedWithItsNumberKeyAndRule() throws IOException {
        Path file = dir.resolve(MetricsRecord.FILE_NAME);
        Files.writeString(file, interval(1).toJson() + "\n{\"kind\":\"interval\",\"examplesSeen\":2,"
                + "\"time\":\"yesterday\"}\n");
        assertThatThrownBy(() -> MetricsRecord.read(file)).isInstanceOf(DataException.class)
                .hasMessage(file + " line 2 is malformed: \"time\" was \"yesterday\" but must be an ISO-8601 instant"
                        + " such as 2025-01-01T00:00:00Z, or null");

        Files.writeString(file, "{\"kind\":\"final\",\"examplesSeen\":2,\"replay\":{\"classCounts\":[1,-2]}}\n");
        assertThatThrownBy(() -> MetricsRecord.read(file)).isInstanceOf(DataException.class)
                .hasMessage(file + " line 1 is malformed: \"replay.classCounts\"[1] was -2 but must be an integer >= 0");

        Files.writeString(file, "{\"kind\":\"final\",\"examplesSeen\":2,\"stepMillis\":[1]}\n");
        assertThatThrownBy(() -> MetricsRecord.read(file)).isInstanceOf(DataException.class)
                .hasMessage(file + " line 1 is malformed: \"stepMillis\" was an array [1] but must be a JSON object"
                        + " or null");
    }

    @Test
    void aMissingFileNamesTheRunThatWritesIt() {
        Path file = dir.resolve(MetricsRecord.FILE_NAME);

        assertThatThrownBy(() -> MetricsRecord.read(file)).isInstanceOf(DataException.class)
                .hasMessage(file + " does not exist; a training run (coldstream train --out " + dir
                        + ") writes it while it trains");
    }

    @Test
    void rejectsANegativeExampleCountOrACountBelowMinusOne() {
        assertThatThrownBy(() -> interval(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("examplesSeen was -1 but must be >= 0");
        assertThatThrownBy(() -> new Replay(-2, 0, 0, 0, 0, List.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("replay.entries was -2 but must be >= 0, or -1 when not recorded");
    }
}
