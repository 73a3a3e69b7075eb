package io.coldstream.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coldstream.core.ConfigurationException;
import io.coldstream.core.DataException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;

/** Snapshot announcements on a real in-JVM KRaft broker: the topic, order, keys, late followers. */
class SnapshotAnnouncementsIT {

    @Test
    void aFollowerStartedBeforeTheTopicExistsAndOneStartedLateBothReadEveryAnnouncementInOrder() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            SourceSpec spec = SnapshotAnnouncements.parse("kafka:" + kafka.bootstrapServers() + "/snapshots");
            List<String> early = new CopyOnWriteArrayList<>();
            try (SnapshotAnnouncements.Follower first = SnapshotAnnouncements.Follower.start(spec, null,
                    (key, value, where) -> early.add(key + "=" + new String(value, StandardCharsets.UTF_8)))) {
                Thread.sleep(1500); // the follower is waiting for a topic that does not exist
                try (SnapshotAnnouncements.Publisher publisher = SnapshotAnnouncements.Publisher.open(spec, "run-a",
                        null)) {
                    for (int v = 1; v <= 5; v++) {
                        publisher.announce("v00000" + v, ("{\"version\":\"v00000" + v + "\"}").getBytes(StandardCharsets.UTF_8));
                    }
                    waitFor(() -> publisher.delivered() == 5, "five announcements delivered");
                    assertThat(publisher.failed()).isZero();
                }
                waitFor(() -> early.size() == 5, "the early follower received five");
                assertThat(first.received()).isEqualTo(5);
            }
            assertThat(early).containsExactly("run-a={\"version\":\"v000001\"}", "run-a={\"version\":\"v000002\"}",
                    "run-a={\"version\":\"v000003\"}", "run-a={\"version\":\"v000004\"}", "run-a={\"version\":\"v000005\"}");

            // the topic the publisher created is compacted, so each run's newest announcement stays
            ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, "snapshots");
            Config config = kafka.admin().describeConfigs(List.of(topic)).all().get().get(topic);
            assertThat(config.get("cleanup.policy").value()).isEqualTo("compact");
            assertThat(kafka.admin().describeTopics(List.of("snapshots")).allTopicNames().get().get("snapshots")
                    .partitions()).hasSize(1);

            List<String> late = new CopyOnWriteArrayList<>();
            try (SnapshotAnnouncements.Follower second = SnapshotAnnouncements.Follower.start(spec, null,
                    (key, value, where) -> late.add(new String(value, StandardCharsets.UTF_8) + " @" + where))) {
                waitFor(() -> late.size() == 5, "the late follower read the topic from its beginning");
                assertThat(second.received()).isEqualTo(5);
            }
            assertThat(late.get(4)).startsWith("{\"version\":\"v000005\"} @kafka:").endsWith("partition 0 offset 4");
        }
    }

    @Test
    void aPublisherWithNoBrokerFailsAtOnceWithAClearMessageAndABadSpecIsRefused() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        SourceSpec nowhere = SnapshotAnnouncements.parse("kafka:127.0.0.1:" + port + "/snapshots");
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> SnapshotAnnouncements.Publisher.open(nowhere, "run", null))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("kafka:127.0.0.1:" + port + "/snapshots")
                .hasMessageContaining("did not answer within 10 s");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(30));
        assertThatThrownBy(() -> SnapshotAnnouncements.parse("queue:/tmp/q"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("kafka:HOST:PORT/TOPIC");
    }

    private static void waitFor(java.util.function.BooleanSupplier done, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(20);
        }
    }
}
