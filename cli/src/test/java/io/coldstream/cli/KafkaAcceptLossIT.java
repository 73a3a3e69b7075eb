package io.coldstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.coldstream.eval.RunResults;
import io.coldstream.io.EmbeddedKafka;
import io.coldstream.learner.CheckpointStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A resume whose Kafka records were deleted after the checkpoint (what retention does; here
 * {@code deleteRecords}), on a broker in this JVM: {@code train} refuses and names the flag; with
 * {@code --kafka-resume accept-loss} it resumes at the first record left, says what was lost on its
 * {@code stream:} line, and records it in {@code accepted-losses.txt} and {@code results.json}.
 */
class KafkaAcceptLossIT {

    @TempDir
    Path dir;

    @Test
    void deletedRecordsAreRefusedUnlessAcceptedAndAnAcceptedLossIsRecorded() throws Exception {
        Path data = dir.resolve("data");
        ColdstreamCliTest.writeIdx(data, 60, 10);
        Path out = dir.resolve("run");
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopic("lossy", 1);
            String spec = "kafka:" + kafka.bootstrapServers() + "/lossy";
            CliRun ingest = CliRun.of("ingest", "--data", data.toString(), "--to", spec, "--order", "file");
            assertThat(ingest.status()).as(ingest.err()).isZero();
            String[] train = {"train", "--source", spec, "--data", data.toString(), "--out", out.toString(),
                "--replay-k", "2", "--holdout-every", "0", "--holdout-size", "10", "--snapshot-every", "0",
                "--checkpoint-every", "10"};
            CliRun first = CliRun.of(with(train, "--limit", "30"));
            assertThat(first.status()).as(first.err()).isZero();
            try (Admin admin = kafka.admin()) {
                admin.deleteRecords(Map.of(new TopicPartition("lossy", 0), RecordsToDelete.beforeOffset(45)))
                        .all().get(30, TimeUnit.SECONDS);
            }

            CliRun strict = CliRun.of(with(train, "--limit", "45"));
            assertThat(strict.status()).as(strict.err()).isEqualTo(2);
            assertThat(strict.err()).contains("partition lossy-0").contains("resumes at offset 30")
                    .contains("15 records would be lost").contains("--kafka-resume accept-loss");

            CliRun accepting = CliRun.of(with(train, "--limit", "45", "--kafka-resume", "accept-loss"));
            assertThat(accepting.status()).as(accepting.err()).isZero();
            String loss = "partition lossy-0: offsets 30 to 44 (15 records) were deleted before they were trained on"
                    + " (accepted by --kafka-resume accept-loss)";
            assertThat(accepting.out() + accepting.err()).contains("accepted the loss of " + loss);
            assertThat(Files.readAllLines(out.resolve("accepted-losses.txt"))).containsExactly(loss);
            RunResults results = RunResults.read(out.resolve(RunResults.FILE_NAME));
            assertThat(results.acceptedLosses()).containsExactly(loss);
            assertThat(results.examplesSeen()).isEqualTo(45);
            // file order: id = offset; 0..29, then what was left after the deletion
            assertThat(CheckpointStore.readJournal(out.resolve(CheckpointStore.JOURNAL))).containsExactly(
                    LongStream.concat(LongStream.range(0, 30), LongStream.range(45, 60)).toArray());
        }
    }

    private static String[] with(String[] args, String... more) {
        String[] all = java.util.Arrays.copyOf(args, args.length + more.length);
        System.arraycopy(more, 0, all, args.length, more.length);
        return all;
    }
}
