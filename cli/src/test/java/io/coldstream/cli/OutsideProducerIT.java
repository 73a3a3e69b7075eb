package io.coldstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.coldstream.eval.RunResults;
import io.coldstream.io.BadRecordReason;
import io.coldstream.io.DeadLetter;
import io.coldstream.io.DeadLetters;
import io.coldstream.io.EmbeddedKafka;
import io.coldstream.learner.CheckpointStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records from outside: written by a separate program ({@code src/test/python/write_records.py},
 * straight from the format table in {@code streaming-io/README.md}, not through
 * {@code ExampleCodec}) and produced with {@code kcat} (one file = one message) into a topic on a
 * broker in this JVM: valid uint8, float32 and PNG records, and among them one record for each of
 * the 14 bad-record reasons. {@code train} reads them all: each bad one is counted under its reason
 * and quarantined with its raw bytes, none is trained, and the run goes on to the end. Needs
 * {@code python3} and {@code kcat} (Debian packages) on the PATH.
 */
class OutsideProducerIT {

    private static final int VALID = 200;
    private static final Path WRITER = Path.of("src", "test", "python", "write_records.py").toAbsolutePath();

    @TempDir
    Path dir;

    @Test
    void everyBadRecordIsCountedByItsReasonAndQuarantinedAndNoneIsTrained() throws Exception {
        Path records = dir.resolve("records");
        tool("python3", List.of("python3", WRITER.toString(), records.toString(), Integer.toString(VALID)));
        List<String> expected = Files.readAllLines(records.resolve("expected.txt"));
        List<Path> files;
        try (Stream<Path> all = Files.list(records)) {
            files = all.filter(p -> p.toString().endsWith(".rec")).sorted().toList();
        }
        assertThat(files).hasSameSizeAs(expected).hasSize(VALID + BadRecordReason.values().length);

        Path data = dir.resolve("data");
        ColdstreamCliTest.writeIdx(data, 10, 10);
        Path out = dir.resolve("run");
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopic("outside", 1);
            List<String> kcat = new ArrayList<>(List.of("kcat", "-P", "-b", kafka.bootstrapServers(), "-t", "outside",
                    "-p", "0"));
            files.forEach(f -> kcat.add(f.toString()));
            tool("kcat", kcat);

            CliRun train = CliRun.of("train", "--source", "kafka:" + kafka.bootstrapServers() + "/outside", "--data",
                    data.toString(), "--out", out.toString(), "--limit", Integer.toString(VALID), "--replay-k", "2",
                    "--holdout-every", "0", "--holdout-size", "10", "--snapshot-every", "0", "--checkpoint-every", "50");
            assertThat(train.status()).as(train.err()).isZero();
        }

        // none trained: the journal holds exactly the valid ids, in order
        long[] validIds = expected.stream().filter(l -> l.startsWith("valid ")).mapToLong(l -> Long.parseLong(
                l.substring("valid ".length()))).toArray();
        assertThat(CheckpointStore.readJournal(out.resolve(CheckpointStore.JOURNAL))).containsExactly(validIds);
        // each reason counted once
        Map<String, Long> everyReasonOnce = new LinkedHashMap<>();
        for (BadRecordReason reason : BadRecordReason.values()) {
            everyReasonOnce.put(reason.metricName(), 1L);
        }
        RunResults results = RunResults.read(out.resolve(RunResults.FILE_NAME));
        assertThat(results.badRecordReasons()).isEqualTo(everyReasonOnce);
        assertThat(results.badRecords()).isEqualTo(BadRecordReason.values().length);
        assertThat(results.examplesSeen()).isEqualTo(VALID);
        // each quarantined once, under the reason the writer meant, with the bytes it wrote
        List<DeadLetter> quarantined = DeadLetters.readAll(out.resolve("quarantine"));
        assertThat(quarantined).hasSize(BadRecordReason.values().length);
        for (DeadLetter letter : quarantined) {
            int index = (int) letter.position().offset(); // one partition, written in file order
            assertThat(expected.get(index)).as(letter.toString()).isEqualTo("bad " + letter.reason().metricName());
            assertThat(Arrays.copyOf(letter.record(), letter.recordLength())).as(letter.toString())
                    .isEqualTo(Files.readAllBytes(files.get(index)));
        }
    }

    /** Runs an outside program, failing with what it printed, or with what to install if it is missing. */
    private void tool(String name, List<String> command) throws IOException, InterruptedException {
        Path log = dir.resolve(name + ".log");
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new AssertionError(name + " is not on the PATH: this test needs the Debian packages python3 and"
                    + " kcat (apt-get install -y python3 kcat; .ci/run installs them)", e);
        }
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).as(name + " ended").isTrue();
        assertThat(p.exitValue()).as(name + ": " + Files.readString(log)).isZero();
    }
}
