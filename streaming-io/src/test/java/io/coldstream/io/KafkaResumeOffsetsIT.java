package io.coldstream.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coldstream.core.DataException;
import io.coldstream.core.Example;
import io.coldstream.core.Shape;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Resuming a Kafka source from a checkpoint's offsets when the topic has changed under it, on a
 * real broker in this JVM: records deleted after the checkpoint (what retention does; here with
 * {@code deleteRecords}) and a topic deleted and created again. Either way the source refuses,
 * naming the partition and the offsets, instead of silently skipping or rereading records; told to
 * accept lost records, it resumes past deleted ones and says which, but still refuses a recreated topic.
 */
class KafkaResumeOffsetsIT {

    private static final Shape SHAPE = new Shape(1, 4, 4);

    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startBroker() throws Exception {
        kafka = EmbeddedKafka.start();
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    private static void fill(String topic, int count) throws Exception {
        kafka.createTopic(topic, 1);
        try (KafkaSink sink = new KafkaSink(kafka.bootstrapServers(), topic, null)) {
            for (int i = 0; i < count; i++) {
                sink.write(StreamRecords.example(i, i % 10, SHAPE));
            }
        }
    }

    private static KafkaSource source(String topic) {
        return new KafkaSource(kafka.bootstrapServers(), topic, new ExampleCodec(SHAPE, 10), BadRecordHandlers.fail(),
                Duration.ofSeconds(3), null);
    }

    @Test
    void recordsDeletedAfterTheCheckpointsOffsetAreRefusedNamingPartitionAndOffsets() throws Exception {
        fill("retained", 20);
        try (Admin admin = kafka.admin()) {
            admin.deleteRecords(Map.of(new TopicPartition("retained", 0), RecordsToDelete.beforeOffset(10)))
                    .all().get(30, TimeUnit.SECONDS);
        }
        try (KafkaSource source = source("retained")) {
            assertThatThrownBy(() -> source.seekAfter(Map.of("retained-0", 4L))).isInstanceOf(DataException.class)
                    .hasMessageContaining("partition retained-0").hasMessageContaining("resumes at offset 5")
                    .hasMessageContaining("begins at 10").hasMessageContaining("5 records would be lost")
                    .hasMessageContaining("choose a new --out");
        }
        // an offset at or after the new beginning still resumes, at the next record
        try (KafkaSource source = source("retained")) {
            source.seekAfter(Map.of("retained-0", 9L));
            Example next = source.next();
            assertThat(next).isNotNull();
            assertThat(next.position().offset()).isEqualTo(10);
            assertThat(source.acceptedLosses()).isEmpty();
        }
        // told to accept the loss, it resumes at the first record left and says what was lost
        try (KafkaSource source = source("retained")) {
            source.acceptLostRecords();
            source.seekAfter(Map.of("retained-0", 4L));
            assertThat(source.acceptedLosses()).containsExactly("partition retained-0: offsets 5 to 9 (5 records)"
                    + " were deleted before they were trained on (accepted by --kafka-resume accept-loss)");
            Example next = source.next();
            assertThat(next).isNotNull();
            assertThat(next.position().offset()).isEqualTo(10);
            assertThat(source.lastPositions()).containsEntry("retained-0", 10L);
        }
    }

    @Test
    void aTopicRecreatedWithFewerRecordsThanTheCheckpointReadIsRefused() throws Exception {
        fill("recreated", 30);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        try (Admin admin = kafka.admin()) {
            admin.deleteTopics(Set.of("recreated")).all().get(30, TimeUnit.SECONDS);
            while (admin.listTopics().names().get(30, TimeUnit.SECONDS).contains("recreated")) {
                assertThat(System.nanoTime()).as("topic deleted").isLessThan(deadline);
                Thread.sleep(100);
            }
        }
        boolean created = false;
        while (!created) {
            try {
                fill("recreated", 3);
                created = true;
            } catch (Exception e) { // the deletion may still be in progress on the broker
                assertThat(System.nanoTime()).as("topic recreated: " + e).isLessThan(deadline);
                Thread.sleep(200);
            }
        }
        try (KafkaSource source = source("recreated")) {
            source.acceptLostRecords(); // accepts deleted records only: other records are not fewer records
            assertThatThrownBy(() -> source.seekAfter(Map.of("recreated-0", 24L))).isInstanceOf(DataException.class)
                    .hasMessageContaining("partition recreated-0").hasMessageContaining("read up to offset 24")
                    .hasMessageContaining("now ends at 3").hasMessageContaining("recreated or truncated");
        }
        // the whole new topic still reads from the start
        try (KafkaSource source = source("recreated")) {
            source.seekAfter(Map.of());
            List<Long> offsets = new java.util.ArrayList<>();
            for (Example e = source.next(); e != null && offsets.size() < 3; e = source.next()) {
                offsets.add(e.position().offset());
            }
            assertThat(offsets).containsExactly(0L, 1L, 2L);
        }
    }
}
