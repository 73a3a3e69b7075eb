package io.coldstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.coldstream.eval.RunResults;
import io.coldstream.io.EmbeddedKafka;
import io.coldstream.learner.CheckpointStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker goes away in the middle of a Kafka run and comes back: the in-JVM KRaft broker is
 * stopped while {@code coldstream train} reads from it as a child process (small fetches, so it
 * must keep asking), and restarted on the same ports and storage some seconds later. The trainer
 * says so in one WARN line and waits, without failing; it says when the broker is back, goes on,
 * and trains every record exactly once, in offset order; the group's committed offset is then
 * that of the final checkpoint.
 */
class KafkaBrokerBounceIT {

    private static final int STREAM = 240;

    @TempDir
    Path dir;

    @Test
    void theTrainerWaitsOutABrokerOutageAndTrainsEveryRecordOnce() throws Exception {
        Path data = dir.resolve("data");
        ColdstreamCliTest.writeIdx(data, STREAM, 10);
        Path out = dir.resolve("run");
        Path log = dir.resolve("log.txt");
        Path properties = dir.resolve("kafka.properties");
        // two records or so per fetch: the trainer needs the broker all along, not only a first big fetch
        Files.writeString(properties, "group.id=bounce\nmax.partition.fetch.bytes=2000\nfetch.max.bytes=2000\n");
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopic("examples", 1);
            String spec = "kafka:" + kafka.bootstrapServers() + "/examples";
            CliRun ingest = CliRun.of("ingest", "--data", data.toString(), "--to", spec, "--order", "file");
            assertThat(ingest.status()).as(ingest.err()).isZero();

            Process trainer = Launcher.logged(log, dir, "", List.of("train", "--source", spec, "--data",
                    data.toString(), "--out", out.toString(), "--limit", Integer.toString(STREAM), "--replay-k", "2",
                    "--holdout-every", "0", "--holdout-size", "10", "--snapshot-every", "0", "--checkpoint-every", "10",
                    "--kafka-properties", properties.toString(), "--threads", "1")).start();
            try {
                RunFiles.waitUntil(() -> RunFiles.journalLength(out) >= 40 || !trainer.isAlive(), 180, "40 examples trained");
                assertThat(trainer.isAlive()).as(Files.readString(log)).isTrue();
                kafka.stop();
                long stoppedAt = RunFiles.journalLength(out);
                RunFiles.waitUntil(() -> Files.readString(log).contains("the broker did not answer") || !trainer.isAlive(), 60,
                        "the outage is said");
                Thread.sleep(3000); // the trainer waits on, through at least one more retry
                assertThat(trainer.isAlive()).as(Files.readString(log)).isTrue();
                long duringOutage = RunFiles.journalLength(out);
                kafka.restart();
                assertThat(trainer.waitFor(4, TimeUnit.MINUTES)).as("trainer ended").isTrue();
                assertThat(trainer.exitValue()).as(Files.readString(log)).isZero();
                System.out.printf("broker bounce: stopped at %d examples checkpointed, %d while away, %d in all%n",
                        stoppedAt, duringOutage, RunFiles.journalLength(out));
            } finally {
                trainer.destroyForcibly();
            }
            String printed = Files.readString(log);
            printed.lines().filter(l -> l.contains("WARN")).forEach(l -> System.out.println("broker bounce: " + l));
            assertThat(printed.lines().filter(l -> l.contains("the broker did not answer"))).hasSize(1);
            assertThat(printed).contains("the broker answers again after");
            // every record once, in offset order (one partition, file order: id = offset)
            assertThat(CheckpointStore.readJournal(out.resolve(CheckpointStore.JOURNAL)))
                    .containsExactly(LongStream.range(0, STREAM).toArray());
            assertThat(RunResults.read(out.resolve(RunResults.FILE_NAME)).examplesSeen()).isEqualTo(STREAM);
            try (Admin admin = kafka.admin()) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets("bounce")
                        .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
                assertThat(committed.get(new TopicPartition("examples", 0)).offset()).isEqualTo(STREAM);
            }
        }
    }
}
