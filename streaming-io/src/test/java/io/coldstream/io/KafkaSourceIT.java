package io.coldstream.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.coldstream.core.Example;
import io.coldstream.core.Shape;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link KafkaSink} and {@link KafkaSource} against a real KRaft broker in this JVM. */
class KafkaSourceIT {

    private static final Shape SHAPE = new Shape(1, 4, 4);
    private static final int COUNT = 300;
    private static final String TOPIC = "examples";
    private static final Duration WAIT = Duration.ofSeconds(3);

    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startBrokerAndFillTopic() throws Exception {
        kafka = EmbeddedKafka.start();
        kafka.createTopic(TOPIC, 3);
        try (KafkaSink sink = new KafkaSink(kafka.bootstrapServers(), TOPIC, null)) {
            for (int i = 0; i < COUNT; i++) {
                sink.write(StreamRecords.example(i, i % 10, SHAPE));
            }
            assertThat(sink.written()).isEqualTo(COUNT);
        }
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    private static ExampleCodec codec() {
        return new ExampleCodec(SHAPE, 10);
    }

    private static KafkaSource source(BadRecordHandler handler, Duration idle, Properties extra) {
        return new KafkaSource(kafka.bootstrapServers(), TOPIC, codec(), handler, idle, extra);
    }

    /** Reads {@code n} examples, failing if the source runs dry first. */
    private static List<Example> read(KafkaSource source, int n) {
        List<Example> seen = new ArrayList<>();
        while (seen.size() < n) {
            Example e = source.next();
            assertThat(e).as("example %d of %d", seen.size(), n).isNotNull();
            seen.add(e);
        }
        return seen;
    }

    private static Map<String, Long> lastOffsets(List<Example> examples) {
        Map<String, Long> last = new HashMap<>();
        for (Example e : examples) {
            last.merge(e.position().partition(), e.position().offset(), Math::max);
        }
        return last;
    }

    @Test
    void readsEveryExampleOnceWithOffsetsIncreasingPerPartition() {
        try (KafkaSource source = source(BadRecordHandlers.fail(), WAIT, null)) {
            assertThat(source.partitionCount()).isEqualTo(3);
            assertThat(source.remaining()).hasValue(COUNT);
            List<Example> seen = read(source, COUNT);
            assertThat(source.next()).as("nothing after the last record").isNull();

            assertThat(seen.stream().map(Example::id).collect(Collectors.toSet()))
                    .hasSize(COUNT)
                    .containsAll(java.util.stream.LongStream.range(0, COUNT).boxed().toList());
            Map<String, Long> previous = new HashMap<>();
            for (Example e : seen) {
                Long before = previous.put(e.position().partition(), e.position().offset());
                if (before != null) {
                    assertThat(e.position().offset()).as("offset in %s", e.position().partition())
                            .isEqualTo(before + 1);
                }
                assertThat(e.label()).isEqualTo((int) (e.id() % 10));
                assertThat(e.pixels()).isEqualTo(StreamRecords.pixels((int) e.id(), SHAPE.elementCount()));
            }
            assertThat(previous.keySet()).containsExactlyInAnyOrder(TOPIC + "-0", TOPIC + "-1", TOPIC + "-2");
            assertThat(source.examplesRead()).isEqualTo(COUNT);
        }
    }

    @Test
    void reportsTheBacklogAsItReads() throws Exception {
        try (KafkaSource source = source(BadRecordHandlers.fail(), WAIT, null)) {
            assertThat(source.remaining()).hasValue(COUNT);
            read(source, 120);
            Thread.sleep(1_050);
            assertThat(source.remaining()).hasValue(COUNT - 120);
            read(source, COUNT - 120);
            assertThat(source.remaining()).hasValue(0);
        }
    }

    @Test
    void seekAfterResumesJustAfterTheCheckpointedOffsets() {
        List<Example> first;
        try (KafkaSource source = source(BadRecordHandlers.fail(), WAIT, null)) {
            first = read(source, 100);
        }
        Map<String, Long> checkpoint = lastOffsets(first);
        List<Example> rest;
        try (KafkaSource source = source(BadRecordHandlers.fail(), WAIT, null)) {
            source.seekAfter(checkpoint);
            assertThat(source.remaining()).hasValue(COUNT - 100);
            rest = read(source, COUNT - 100);
            assertThat(source.next()).isNull();
        }
        Set<Long> ids = new HashSet<>();
        for (Example e : first) {
            ids.add(e.id());
        }
        for (Example e : rest) {
            assertThat(ids.add(e.id())).as("id %d read twice", e.id()).isTrue();
            Long last = checkpoint.get(e.position().partition());
            if (last != null) {
                assertThat(e.position().offset()).isGreaterThan(last);
            }
        }
        assertThat(ids).hasSize(COUNT);
    }

    @Test
    void seekAfterEveryPartitionResumesPastThemAll() {
        List<Example> all;
        try (KafkaSource source = source(BadRecordHandlers.fail(), WAIT, null)) {
            all = read(source, COUNT);
        }
        Map<String, Long> checkpoint = lastOffsets(all);
        assertThat(checkpoint).hasSize(3);
        try (KafkaSource source = source(BadRecordHandlers.fail(), WAIT, null)) {
            source.seekAfter(checkpoint);
            // nothing is read again: an empty seekToBeginning would have rewound every partition
            assertThat(source.next()).isNull();
            assertThat(source.remaining()).hasValue(0);
        }
    }

    @Test
    void skipsAndCountsABadRecordAndNeverReturnsIt() throws Exception {
        String topic = "mixed";
        kafka.createTopic(topic, 1);
        try (KafkaSink sink = new KafkaSink(kafka.bootstrapServers(), topic, null)) {
            sink.write(StreamRecords.example(7, 1, SHAPE));
            sink.writeRecord(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
            sink.write(StreamRecords.example(8, 2, SHAPE));
        }
        try (BadRecordHandler handler = BadRecordHandlers.skip();
                KafkaSource source = new KafkaSource(kafka.bootstrapServers(), topic, codec(), handler,
                        Duration.ofSeconds(2), null)) {
            Example a = source.next();
            Example b = source.next();
            assertThat(source.next()).isNull();
            assertThat(a.id()).isEqualTo(7);
            assertThat(b.id()).isEqualTo(8);
            assertThat(b.position().partition()).isEqualTo(topic + "-0");
            assertThat(b.position().offset()).isEqualTo(2);
            assertThat(handler.count()).isEqualTo(1);
            assertThat(handler.count(BadRecordReason.BAD_MAGIC)).isEqualTo(1);
        }
    }

    @Test
    void commitStoresTheNextOffsetsForTheGroup() throws Exception {
        Properties extra = new Properties();
        extra.setProperty("group.id", "trainer");
        Map<String, Long> checkpoint;
        try (KafkaSource source = source(BadRecordHandlers.fail(), WAIT, extra)) {
            checkpoint = lastOffsets(read(source, 50));
            source.commit(checkpoint);
        }
        try (Admin admin = kafka.admin()) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets("trainer")
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            Map<String, Long> next = new HashMap<>();
            committed.forEach((tp, om) -> next.put(tp.topic() + "-" + tp.partition(), om.offset()));
            Map<String, Long> expected = new HashMap<>();
            checkpoint.forEach((partition, last) -> expected.put(partition, last + 1));
            assertThat(next).isEqualTo(expected);
        }
    }

    @Test
    void closeFromAnotherThreadStopsAWaitingNext() throws Exception {
        KafkaSource source = source(BadRecordHandlers.fail(), null, null);
        read(source, COUNT);
        Thread closer = new Thread(() -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            source.close();
        });
        long start = System.nanoTime();
        closer.start();
        assertThat(source.next()).isNull();
        closer.join();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(source.next()).as("after close").isNull();
        assertThat(source.remaining()).isEmpty();
    }

    @Test
    void commitWithoutAGroupDoesNothing() throws Exception {
        try (KafkaSource source = source(BadRecordHandlers.fail(), WAIT, null)) {
            source.commit(lastOffsets(read(source, 10)));
        }
        try (Admin admin = kafka.admin()) {
            assertThat(admin.listGroups().all().get(30, TimeUnit.SECONDS))
                    .allSatisfy(g -> assertThat(g.groupId()).isEqualTo("trainer"));
        }
    }
}
