package io.coldstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.coldstream.core.Example;
import io.coldstream.core.SeededRandom;
import io.coldstream.core.Shape;
import io.coldstream.core.StreamPosition;
import io.coldstream.io.BadRecordHandlers;
import io.coldstream.io.EmbeddedKafka;
import io.coldstream.io.KafkaSource;
import io.coldstream.io.ExampleCodec;
import io.coldstream.learner.CheckpointStore;
import io.coldstream.model.SnapshotStore;
import io.coldstream.testkit.SameParameters;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly-once training over a durable stream: the trainer runs as a child process over a
 * Chronicle Queue (and over a Kafka topic on a broker inside this JVM), is stopped with SIGTERM
 * once and killed with SIGKILL at random moments (19 times over the queue), and is resumed each
 * time with the same --out. The journal of trained ids, as recorded by the checkpoints, must then
 * hold every id of the stream exactly once, in stream order; over the queue the final parameters
 * must also be bit-identical to those of an uninterrupted run, and every checkpoint and snapshot
 * left must be whole.
 */
class KillAndResumeIT {

    private static final int QUEUE_STREAM = 640;
    private static final int INTERRUPTIONS = 20;

    @TempDir
    Path dir;

    @Test
    void twentyKillsAtRandomMomentsLeaveEveryIdTrainedOnceAndTheParametersBitIdentical() throws Exception {
        Path data = dir.resolve("data");
        ColdstreamCliTest.writeIdx(data, QUEUE_STREAM, 20);
        Path queue = dir.resolve("queue");
        Path log = dir.resolve("log.txt");
        CliRun ingest = CliRun.of("ingest", "--data", data.toString(), "--to", "queue:" + queue, "--order", "iid",
                "--limit", Integer.toString(QUEUE_STREAM));
        assertThat(ingest.status()).as(ingest.err()).isZero();
        long[] streamIds = RunFiles.idsIn(queue);
        assertThat(streamIds).hasSize(QUEUE_STREAM);

        Path reference = dir.resolve("reference");
        Process uninterrupted = Launcher.logged(log, dir, "", queueTrain(queue, data, reference)).start();
        assertThat(uninterrupted.waitFor(5, TimeUnit.MINUTES)).as("reference run ended").isTrue();
        assertThat(uninterrupted.exitValue()).as(Files.readString(log)).isZero();
        float[] expected = RunFiles.finalParameters(reference);

        // 1 SIGTERM once the first checkpoint is there, then 19 SIGKILLs at seeded random moments: one in
        // four at 0 to 3 s after the start (start-up, resume, first steps), the others 0 to 250 ms after
        // the first or second checkpoint of the run (mid-step, mid-checkpoint, mid-snapshot), then to the end
        Path out = dir.resolve("run");
        List<String> train = queueTrain(queue, data, out);
        SeededRandom random = new SeededRandom(2026);
        int sigkills = 0;
        for (int run = 1; run <= INTERRUPTIONS; run++) {
            long before = RunFiles.journalLength(out);
            Process p = Launcher.logged(log, dir, "", train).start();
            if (run == 1) {
                RunFiles.waitUntil(() -> RunFiles.journalLength(out) > 0 || !p.isAlive(), 120, "a first checkpoint");
                p.destroy();
            } else {
                boolean early = random.nextInt(4) == 0;
                if (early) {
                    p.waitFor(random.nextInt(3000), TimeUnit.MILLISECONDS);
                } else {
                    long checkpoints = 1 + random.nextInt(2);
                    RunFiles.waitUntil(() -> RunFiles.journalLength(out) >= before + 10 * checkpoints || !p.isAlive(),
                            120, "run " + run + "'s checkpoints");
                    Thread.sleep(random.nextInt(250));
                }
                if (p.isAlive()) {
                    p.destroyForcibly();
                    sigkills++;
                }
            }
            assertThat(p.waitFor(2, TimeUnit.MINUTES)).as("run %d ended", run).isTrue();
            assertThat(out.resolve("results.json").toFile().exists() && complete(out.resolve("results.json")))
                    .as("run %d: the stream must outlast the kills; %s", run, Files.readString(log)).isFalse();
        }
        assertThat(sigkills).as("SIGKILLs").isEqualTo(INTERRUPTIONS - 1);
        Process last = Launcher.logged(log, dir, "", train).start();
        assertThat(last.waitFor(5, TimeUnit.MINUTES)).as("last run ended").isTrue();
        assertThat(last.exitValue()).as(Files.readString(log)).isZero();

        // every id exactly once, in stream order; every checkpoint and snapshot whole; the same parameters
        assertThat(CheckpointStore.readJournal(out.resolve(CheckpointStore.JOURNAL))).containsExactly(streamIds);
        for (Path checkpoint : RunFiles.checkpoints(out)) {
            assertThat(RunFiles.parameters(checkpoint)).as(checkpoint.toString()).hasSize(expected.length);
        }
        SnapshotStore snapshots = new SnapshotStore(out.resolve("snapshots"));
        for (String version : snapshots.versions()) {
            assertThat(snapshots.verify(version).manifest().examplesSeen()).as(version).isPositive(); // checksum too
        }
        SameParameters.assertBitIdentical(RunFiles.finalParameters(out), expected, "after 1 SIGTERM and " + sigkills
                + " SIGKILLs");
        System.out.printf("kill-and-resume over a queue: %d interruptions (%d SIGKILL), %d examples, %d checkpoints"
                + " kept, %d snapshots, parameters bit-identical to an uninterrupted run%n", INTERRUPTIONS, sigkills,
                QUEUE_STREAM, RunFiles.checkpoints(out).size(), snapshots.versions().size());
    }

    private static List<String> queueTrain(Path queue, Path data, Path out) {
        return List.of("train", "--source", "queue:" + queue, "--data", data.toString(), "--out", out.toString(),
                "--limit", Integer.toString(QUEUE_STREAM), "--replay-k", "4", "--checkpoint-every", "10",
                "--snapshot-every", "25", "--holdout-every", "0", "--holdout-size", "20", "--threads", "1");
    }

    @Test
    void everyKafkaExampleIsTrainedOnExactlyOnceAndCommittedOffsetsFollowCheckpoints() throws Exception {
        Path out = dir.resolve("kafka-run");
        Path log = dir.resolve("kafka-log.txt");
        int stream = 300;
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopic("examples", 3);
            String spec = "kafka:" + kafka.bootstrapServers() + "/examples";
            // settings pass through to the producer and the consumer
            Path properties = dir.resolve("kafka.properties");
            Files.writeString(properties, "compression.type=lz4\ngroup.id=trainer-group\n");
            Process ingest = Launcher.logged(log, dir, "", List.of("ingest", "--to", spec, "--limit",
                    Integer.toString(stream), "--kafka-properties", properties.toString())).start();
            assertThat(ingest.waitFor(3, TimeUnit.MINUTES)).isTrue();
            assertThat(ingest.exitValue()).as(Files.readString(log)).isZero();
            printIngestRate(log);
            // where each id sits: partition and offset
            Map<Long, StreamPosition> where = new HashMap<>();
            try (KafkaSource source = new KafkaSource(kafka.bootstrapServers(), "examples",
                    new ExampleCodec(new Shape(1, 28, 28), 10), BadRecordHandlers.fail(), Duration.ofSeconds(3), null)) {
                Example e;
                while ((e = source.next()) != null) {
                    where.put(e.id(), e.position());
                }
            }
            assertThat(where).hasSize(stream);

            long[] trained = killAndResume(spec, out, log, stream, "--kafka-properties", properties.toString());

            // every id exactly once, and within each partition in offset order
            assertThat(trained).hasSize(stream).doesNotHaveDuplicates();
            assertThat(where.keySet()).containsExactlyInAnyOrderElementsOf(
                    java.util.Arrays.stream(trained).boxed().toList());
            Map<String, Long> lastOffset = new HashMap<>();
            for (long id : trained) {
                StreamPosition p = where.get(id);
                Long before = lastOffset.put(p.partition(), p.offset());
                assertThat(before == null || before < p.offset()).as("partition %s in offset order", p.partition())
                        .isTrue();
            }
            // the group's committed offsets are those of the final checkpoint (+1), nothing more
            try (Admin admin = kafka.admin()) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets("trainer-group")
                        .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
                for (Map.Entry<String, Long> e : lastOffset.entrySet()) {
                    int partition = Integer.parseInt(e.getKey().substring(e.getKey().lastIndexOf('-') + 1));
                    assertThat(committed.get(new TopicPartition("examples", partition)).offset())
                            .isEqualTo(e.getValue() + 1);
                }
            }
        }
    }

    /** Runs the trainer over {@code source} until it completes, interrupting it (1 SIGTERM, then SIGKILLs). */
    private long[] killAndResume(String source, Path out, Path log, int stream, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("train", "--source", source, "--limit", Integer.toString(stream),
            "--checkpoint-every", "20", "--holdout-every", "0", "--holdout-size", "100", "--snapshot-every", "0",
            "--metrics-every", "50", "--out", out.toString()));
        args.addAll(List.of(extra));
        String[] train = args.toArray(String[]::new);
        SeededRandom random = new SeededRandom(2026);
        int sigterms = 0;
        int sigkills = 0;
        int runs = 0;
        while (true) {
            runs++;
            long before = trainedSoFar(out);
            Process p = Launcher.logged(log, dir, "", List.of(train)).start();
            boolean killed = false;
            if (runs <= 5) {
                // let it get past start-up and train a little, then interrupt it
                RunFiles.waitUntil(() -> trainedSoFar(out) > before || !p.isAlive(), 120, "some training");
                Thread.sleep(500 + random.nextInt(2500));
                if (p.isAlive()) {
                    if (runs == 1) {
                        p.destroy(); // SIGTERM: graceful, final checkpoint
                        sigterms++;
                    } else {
                        p.destroyForcibly(); // SIGKILL
                        sigkills++;
                        killed = true;
                    }
                }
            }
            assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("trainer ended").isTrue();
            Path results = out.resolve("results.json");
            if (runs > 5 || (Files.exists(results) && complete(results))) {
                // a SIGKILL can land after the results are written, while the JVM shuts down
                if (!(killed && p.exitValue() == 137)) {
                    assertThat(p.exitValue()).as(Files.readString(log)).isZero();
                }
                break;
            }
        }
        JsonNode results = new ObjectMapper().readTree(out.resolve("results.json").toFile());
        assertThat(results.get("complete").asBoolean()).isTrue();
        assertThat(results.get("examplesSeen").asLong()).isEqualTo(stream);
        long[] trained = CheckpointStore.readJournal(out.resolve(CheckpointStore.JOURNAL));
        assertThat(sigterms).isEqualTo(1);
        assertThat(sigkills).isGreaterThanOrEqualTo(1);
        System.out.printf("kill-and-resume over %s: %d runs, %d SIGTERM, %d SIGKILL, %d examples, %d trained ids,"
                + " %d distinct%n", source, runs, sigterms, sigkills, stream, trained.length,
                java.util.Arrays.stream(trained).distinct().count());
        return trained;
    }

    private static void printIngestRate(Path log) throws IOException {
        Files.readAllLines(log).stream().filter(l -> l.startsWith("ingested ")).reduce((a, b) -> b)
                .ifPresent(l -> System.out.println("kill-and-resume: " + l));
    }

    private static boolean complete(Path results) throws IOException {
        return new ObjectMapper().readTree(results.toFile()).path("complete").asBoolean(false);
    }

    private static long trainedSoFar(Path out) {
        Path metrics = out.resolve("metrics.jsonl");
        try {
            return Files.exists(metrics) ? Files.size(metrics) : 0;
        } catch (IOException e) {
            return 0;
        }
    }
}
