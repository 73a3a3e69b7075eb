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
import io.coldstream.io.QueueSource;
import io.coldstream.learner.CheckpointStore;
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
 * Chronicle Queue (and over a Kafka topic on a broker inside this JVM), is stopped with SIGTERM once and killed with SIGKILL at random moments several
 * times, and is resumed each time with the same --out. The journal of trained ids, as recorded by
 * the checkpoints, must then hold every id of the stream exactly once, in stream order.
 */
class KillAndResumeIT {

    private static final Path LAUNCHER = Path.of("..", "bin", "coldstream").toAbsolutePath().normalize();
    private static final int STREAM = 500;

    @TempDir
    Path dir;

    private ProcessBuilder command(Path log, String... args) {
        List<String> cmd = new ArrayList<>(List.of(LAUNCHER.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().put("COLDSTREAM_JAVA_OPTS", "-Dorg.bytedeco.javacpp.cachedir="
                + System.getProperty("org.bytedeco.javacpp.cachedir", dir.resolve("javacpp").toString()));
        return pb;
    }

    @Test
    void everyExampleIsTrainedOnExactlyOnceAcrossKillsAndResumes() throws Exception {
        Path queue = dir.resolve("queue");
        Path out = dir.resolve("run");
        Path log = dir.resolve("log.txt");
        Process ingest = command(log, "ingest", "--to", "queue:" + queue, "--limit", Integer.toString(STREAM)).start();
        assertThat(ingest.waitFor(3, TimeUnit.MINUTES)).isTrue();
        assertThat(ingest.exitValue()).as(Files.readString(log)).isZero();
        printIngestRate(log);
        long[] streamIds = idsIn(queue);
        assertThat(streamIds).hasSize(STREAM);

        long[] trained = killAndResume("queue:" + queue, out, log, STREAM);
        // every id exactly once, in stream order: no loss, no duplicate
        assertThat(trained).containsExactly(streamIds);
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
            Process ingest = command(log, "ingest", "--to", spec, "--limit", Integer.toString(stream),
                    "--kafka-properties", properties.toString()).start();
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
            Process p = command(log, train).start();
            if (runs <= 5) {
                // let it get past start-up and train a little, then interrupt it
                waitUntil(() -> trainedSoFar(out) > before || !p.isAlive(), 120);
                Thread.sleep(500 + random.nextInt(2500));
                if (p.isAlive()) {
                    if (runs == 1) {
                        p.destroy(); // SIGTERM: graceful, final checkpoint
                        sigterms++;
                    } else {
                        p.destroyForcibly(); // SIGKILL
                        sigkills++;
                    }
                }
            }
            assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("trainer ended").isTrue();
            Path results = out.resolve("results.json");
            if (runs > 5 || (Files.exists(results) && complete(results))) {
                assertThat(p.exitValue()).as(Files.readString(log)).isZero();
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

    private interface Check {
        boolean ok() throws Exception;
    }

    private static void waitUntil(Check check, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!check.ok()) {
            assertThat(System.nanoTime()).as("waited %d s", seconds).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private static long[] idsIn(Path queue) {
        List<Long> ids = new ArrayList<>();
        try (QueueSource source = new QueueSource(queue, new ExampleCodec(new Shape(1, 28, 28), 10),
                BadRecordHandlers.fail(), false, null)) {
            Example e;
            while ((e = source.next()) != null) {
                ids.add(e.id());
            }
        }
        return ids.stream().mapToLong(Long::longValue).toArray();
    }
}
