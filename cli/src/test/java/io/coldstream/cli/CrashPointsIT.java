package io.coldstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.coldstream.io.EmbeddedKafka;
import io.coldstream.learner.CheckpointStore;
import io.coldstream.model.SnapshotStore;
import io.coldstream.testkit.SameParameters;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Named crash points: the trainer runs as a child process over a Chronicle Queue and halts
 * ({@code Runtime.halt}, as {@code kill -9} would) at a named place, set by the test-only system
 * property {@code coldstream.test.crash}; then the same command resumes, halting at the next point,
 * through all five, and finally runs to the end. Every stream id is then trained on exactly once, in
 * stream order, and the final parameters are bit-identical to those of an uninterrupted run. (With a
 * queue the commit is a no-op: the commit points there are moments right around a checkpoint
 * becoming durable.) Over a Kafka topic on a broker in this JVM, the two commit points are checked
 * against the group's real committed offsets: never ahead of the newest complete checkpoint, one
 * checkpoint behind when halted before a commit, and every record trained once after the resumes.
 */
class CrashPointsIT {

    private static final int STREAM = 240;

    @TempDir
    Path dir;

    private int run(Path log, String crash, List<String> args) throws Exception {
        Process p = Launcher.logged(log, dir, crash == null ? "" : "-Dcoldstream.test.crash=" + crash, args).start();
        assertThat(p.waitFor(4, TimeUnit.MINUTES)).as("child ended").isTrue();
        return p.exitValue();
    }

    private static List<String> train(Path queue, Path data, Path out) {
        return List.of("train", "--source", "queue:" + queue, "--data", data.toString(), "--out", out.toString(),
                "--limit", Integer.toString(STREAM), "--replay-k", "4", "--checkpoint-every", "20",
                "--snapshot-every", "30", "--holdout-every", "0", "--threads", "1");
    }

    @Test
    void afterAHaltAtEveryNamedPointAResumeTrainsEveryIdOnceAndMatchesAnUninterruptedRunBitForBit()
            throws Exception {
        Path data = dir.resolve("data");
        ColdstreamCliTest.writeIdx(data, STREAM, 20);
        Path queue = dir.resolve("queue");
        Path log = dir.resolve("log.txt");
        assertThat(run(log, null, List.of("ingest", "--data", data.toString(), "--to", "queue:" + queue,
                "--order", "iid", "--limit", Integer.toString(STREAM)))).as(Files.readString(log)).isZero();
        long[] streamIds = RunFiles.idsIn(queue);
        assertThat(streamIds).hasSize(STREAM);

        Path reference = dir.resolve("reference");
        assertThat(run(log, null, train(queue, data, reference))).as(Files.readString(log)).isZero();
        float[] expected = RunFiles.finalParameters(reference);
        assertThat(CheckpointStore.readJournal(reference.resolve(CheckpointStore.JOURNAL))).containsExactly(streamIds);

        // One folder, halted at each point in turn (counts are per process: "@2" is the second time
        // the resumed process gets there), then resumed to the end. Checkpoints every 20, snapshots
        // every 30: the run halts at 40 (journal appended), 60 (renamed), 90 (snapshot model
        // written), about 121 (before the second commit), about 141 (after a commit).
        Path out = dir.resolve("run");
        for (String point : List.of("journal-appended@2", "checkpoint-renamed@2", "snapshot-model-written@1",
                "before-commit@2", "after-commit@1")) {
            assertThat(run(log, point, train(queue, data, out))).as(point + ": " + Files.readString(log))
                    .isEqualTo(86);
            assertThat(Files.readString(log)).contains("halting at crash point " + point.substring(0, point.indexOf('@')));
            assertThat(out.resolve("results.json")).as(point).doesNotExist();
        }
        assertThat(run(log, null, train(queue, data, out))).as(Files.readString(log)).isZero();
        assertThat(CheckpointStore.readJournal(out.resolve(CheckpointStore.JOURNAL))).containsExactly(streamIds);
        SameParameters.assertBitIdentical(RunFiles.finalParameters(out), expected, "after five halts");
        assertThat(SnapshotStore.readLatest(out.resolve("snapshots"))).isNotNull();
    }

    @Test
    void overKafkaTheGroupsOffsetsNeverRunAheadOfACheckpointAndAResumeTrainsEachRecordOnce() throws Exception {
        int stream = 120;
        Path data = dir.resolve("data");
        ColdstreamCliTest.writeIdx(data, stream, 10);
        Path log = dir.resolve("kafka-log.txt");
        Path out = dir.resolve("kafka-run");
        Path properties = dir.resolve("kafka.properties");
        Files.writeString(properties, "group.id=points\n");
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopic("points", 1);
            String spec = "kafka:" + kafka.bootstrapServers() + "/points";
            CliRun ingest = CliRun.of("ingest", "--data", data.toString(), "--to", spec, "--order", "file");
            assertThat(ingest.status()).as(ingest.err()).isZero();
            List<String> train = List.of("train", "--source", spec, "--data", data.toString(), "--out", out.toString(),
                    "--limit", Integer.toString(stream), "--replay-k", "2", "--checkpoint-every", "10",
                    "--snapshot-every", "0", "--holdout-every", "0", "--holdout-size", "10", "--kafka-properties",
                    properties.toString(), "--threads", "1");

            // halted just before the second commit: the group is one checkpoint behind the newest
            assertThat(run(log, "before-commit@2", train)).as(Files.readString(log)).isEqualTo(86);
            long committed = committed(kafka);
            assertThat(committed).as("the first checkpoint's commit").isGreaterThanOrEqualTo(10);
            assertThat(committed).as("behind the checkpoint not yet committed").isLessThan(newestCheckpointEnd(out));

            // resumed, halted just after its first commit: the group holds a checkpoint's offsets, never more
            assertThat(run(log, "after-commit@1", train)).as(Files.readString(log)).isEqualTo(86);
            long after = committed(kafka);
            assertThat(after).as("a later checkpoint's commit").isGreaterThan(committed)
                    .isLessThanOrEqualTo(newestCheckpointEnd(out));
            assertThat(after % 10).as("a checkpoint's end (every 10 records)").isZero();

            assertThat(run(log, null, train)).as(Files.readString(log)).isZero();
            assertThat(CheckpointStore.readJournal(out.resolve(CheckpointStore.JOURNAL)))
                    .containsExactly(LongStream.range(0, stream).toArray());
            assertThat(committed(kafka)).isEqualTo(stream);
        }
    }

    /** @return the next offset of partition 0 that group {@code points} committed, or -1 */
    private static long committed(EmbeddedKafka kafka) throws Exception {
        try (Admin admin = kafka.admin()) {
            OffsetAndMetadata o = admin.listConsumerGroupOffsets("points").partitionsToOffsetAndMetadata()
                    .get(30, TimeUnit.SECONDS).get(new TopicPartition("points", 0));
            return o == null ? -1 : o.offset();
        }
    }

    /** @return one past the offset of the last record the newest complete checkpoint holds */
    private static long newestCheckpointEnd(Path out) throws Exception {
        List<Path> all = RunFiles.checkpoints(out);
        JsonNode manifest = new ObjectMapper().readTree(all.get(all.size() - 1).resolve(CheckpointStore.MANIFEST)
                .toFile());
        return manifest.path("sourcePositions").path("points-0").asLong(-2) + 1;
    }
}
