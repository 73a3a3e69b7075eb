package io.coldstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.coldstream.io.EmbeddedKafka;
import io.coldstream.io.SnapshotAnnouncements;
import io.coldstream.learner.SnapshotPublisher;
import io.coldstream.model.Network;
import io.coldstream.model.NetworkEngine;
import io.coldstream.model.NetworkKind;
import io.coldstream.model.Networks;
import io.coldstream.model.OptimizerSettings;
import io.coldstream.model.SnapshotManifest;
import io.coldstream.model.SnapshotStore;
import io.coldstream.core.Shape;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train --announce} and {@code serve --follow} as separate processes over a real in-JVM
 * KRaft broker, and {@code serve} stopping on SIGTERM with a request in flight.
 */
class ServeFollowIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Shape MNIST = new Shape(1, 28, 28);

    @TempDir
    Path dir;

    @Test
    void serveSwapsOnTheTrainersAnnouncementsAndNotOnWhatAppearsInTheFolder() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            String topic = "kafka:" + kafka.bootstrapServers() + "/snapshots";
            Path out = dir.resolve("run");
            Files.createDirectories(out);
            // serve first: it waits for a topic that does not exist yet
            Process serve = ServeProcess.launch(dir, "serve", "serve", "--store", out.toString(), "--port", "0", "--follow", topic);
            int port = ServeProcess.awaitPort(serve, dir.resolve("serve.err"));
            assertThat(ServeProcess.err(dir, "serve")).contains("swapping on the announcements on " + topic);
            Process train = ServeProcess.launch(dir, "train", "train", "--out", out.toString(), "--limit", "120", "--snapshot-every",
                    "20", "--announce", topic, "--replay-k", "8", "--holdout-every", "0", "--checkpoint-every", "0",
                    "--metrics-every", "1000", "--seed", "3");
            assertThat(train.waitFor(5, TimeUnit.MINUTES)).as("trainer finished").isTrue();
            assertThat(train.exitValue()).as(ServeProcess.err(dir, "train")).isZero();
            Matcher key = Pattern.compile("announce: each snapshot on \\S+ with key (\\S+)").matcher(ServeProcess.err(dir, "train"));
            assertThat(key.find()).as(ServeProcess.err(dir, "train")).isTrue();

            Path store = out.resolve("snapshots");
            List<String> versions = new SnapshotStore(store).versions();
            String last = SnapshotStore.readLatest(store);
            assertThat(versions).hasSizeGreaterThanOrEqualTo(6).endsWith(last);
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            awaitServing(client, port, last, serve);

            // one announcement per version, in order, each the manifest in the store, all with the run's key
            List<ConsumerRecord<byte[], byte[]>> records = readTopic(kafka.bootstrapServers(), versions.size());
            List<String> announced = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> r : records) {
                assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(key.group(1));
                SnapshotManifest m = SnapshotManifest.parse(r.value(), "offset " + r.offset());
                assertThat(m).isEqualTo(SnapshotManifest.read(store.resolve(m.version()).resolve(
                        SnapshotStore.MANIFEST_FILE)));
                announced.add(m.version());
            }
            assertThat(announced).isEqualTo(versions);

            // a version that appears in the store, LATEST included, but is not announced is not served
            Networks.startEngine(NetworkEngine.DL4J, 0, true);
            SnapshotManifest unannounced;
            try (SnapshotPublisher publisher = new SnapshotPublisher(store, Clock.systemUTC(), m -> { })) {
                publisher.publish(Networks.create(NetworkEngine.DL4J, NetworkKind.SMALL_CNN, MNIST, 10,
                        OptimizerSettings.defaults(), 9, 8), 999, null, Map.of(), Map.of());
                publisher.awaitAll();
                unannounced = publisher.latest();
            }
            assertThat(SnapshotStore.readLatest(store)).isEqualTo(unannounced.version());
            Thread.sleep(1500); // a watching server swaps within about 0.3 s
            assertThat(serving(client, port)).isEqualTo(last);
            // announced now: served
            try (SnapshotAnnouncements.Publisher p = SnapshotAnnouncements.Publisher.open(
                    SnapshotAnnouncements.parse(topic), key.group(1), null)) {
                p.announce(unannounced.version(), unannounced.toJson());
            }
            awaitServing(client, port, unannounced.version(), serve);
            String metrics = ServeProcess.get(client, port, "/metrics");
            // the trainer's announcements and the one above; a version served from the store as it was at
            // start would not count, and none was there
            assertThat(PrometheusText.parse(metrics).get("coldstream_serving_announcements_total{outcome=\"swapped\"}"))
                    .isGreaterThanOrEqualTo(2.0);

            serve.destroy();
            assertThat(serve.waitFor(30, TimeUnit.SECONDS)).as("serve stopped on SIGTERM").isTrue();
            assertThat(ServeProcess.err(dir, "serve")).doesNotContain("Exception").doesNotContain("ERROR");
        }
    }

    @Test
    void sigtermLetsARequestInFlightFinishBeforeServeExits() throws Exception {
        Path store = dir.resolve("run").resolve("snapshots");
        Networks.startEngine(NetworkEngine.DL4J, 0, true);
        try (SnapshotPublisher publisher = new SnapshotPublisher(store, Clock.systemUTC(), m -> { })) {
            publisher.publish(Networks.create(NetworkEngine.DL4J, NetworkKind.SMALL_CNN, MNIST, 10,
                    OptimizerSettings.defaults(), 4, 8), 1, null, Map.of(), Map.of());
            publisher.awaitAll();
        }
        // dynamic batching with a long wait: a lone request waits up to 3 s for company
        Process serve = ServeProcess.launch(dir, "serve", "serve", "--store", dir.resolve("run").toString(), "--port", "0",
                "--max-delay", "3000");
        int port = ServeProcess.awaitPort(serve, dir.resolve("serve.err"));
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        byte[] pixels = new byte[784];
        new Random(3).nextBytes(pixels);
        CompletableFuture<HttpResponse<String>> inFlight = client.sendAsync(ServeProcess.predict(port, pixels),
                HttpResponse.BodyHandlers.ofString());
        Thread.sleep(700);
        assertThat(inFlight).as("the request is still being answered").isNotDone();
        serve.destroy(); // SIGTERM
        HttpResponse<String> answer = inFlight.get(30, TimeUnit.SECONDS);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(JSON.readTree(answer.body()).get("version").asText()).isEqualTo("v000001");
        assertThat(serve.waitFor(30, TimeUnit.SECONDS)).as("serve stopped on SIGTERM").isTrue();
        assertThat(serve.exitValue()).isIn(0, 143);
        assertThat(ServeProcess.status(client, port, "/health")).as("nothing listens any more").isEqualTo(-1);
        assertThat(ServeProcess.err(dir, "serve")).doesNotContain("Exception").doesNotContain("ERROR");
    }

    private static String serving(HttpClient client, int port) throws Exception {
        return JSON.readTree(ServeProcess.get(client, port, "/versions")).path("serving").asText(null);
    }

    private void awaitServing(HttpClient client, int port, String version, Process serve) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (ServeProcess.status(client, port, "/health") == 200 && version.equals(serving(client, port))) {
                return;
            }
            assertThat(serve.isAlive()).as(ServeProcess.err(dir, "serve")).isTrue();
            Thread.sleep(100);
        }
        throw new AssertionError("serve did not come to serve " + version + ": " + ServeProcess.err(dir, "serve"));
    }

    private static List<ConsumerRecord<byte[], byte[]>> readTopic(String bootstrap, int expected) {
        Properties props = new Properties();
        props.setProperty("bootstrap.servers", bootstrap);
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            TopicPartition p = new TopicPartition("snapshots", 0);
            consumer.assign(List.of(p));
            consumer.seekToBeginning(List.of(p));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (records.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }
}
