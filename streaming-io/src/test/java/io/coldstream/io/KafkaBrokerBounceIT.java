package io.coldstream.io;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.coldstream.core.Example;
import io.coldstream.core.Shape;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A {@link KafkaSource} whose broker goes away and comes back (the in-JVM KRaft broker stopped and
 * restarted on the same ports and storage): reading and committing never fail while it is away,
 * the outage is said once in a WARN line and its end in another, the commit made while it was away
 * reaches the group once it is back, and reading goes on with what is written after.
 */
class KafkaBrokerBounceIT {

    private static final Shape SHAPE = new Shape(1, 4, 4);
    private static final String TOPIC = "bounce";

    private EmbeddedKafka kafka;
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger sourceLogger = (Logger) LoggerFactory.getLogger(KafkaSource.class);

    @BeforeEach
    void start() throws Exception {
        kafka = EmbeddedKafka.start();
        kafka.createTopic(TOPIC, 2);
        log.start();
        sourceLogger.addAppender(log);
    }

    @AfterEach
    void stop() {
        sourceLogger.detachAppender(log);
        kafka.close();
    }

    private void write(int from, int count) {
        try (KafkaSink sink = new KafkaSink(kafka.bootstrapServers(), TOPIC, null)) {
            for (int i = from; i < from + count; i++) {
                sink.write(StreamRecords.example(i, i % 10, SHAPE));
            }
        }
    }

    private List<String> warnings() {
        return log.list.stream().filter(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN)
                .map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void anOutageNeitherFailsReadingNorLosesTheCommitMadeMeanwhile() throws Exception {
        write(0, 40);
        Properties extra = new Properties();
        extra.setProperty("group.id", "bounce-group");
        List<Long> ids = new ArrayList<>();
        Map<String, Long> first = null;
        Map<String, Long> last = new HashMap<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        try (KafkaSource source = new KafkaSource(kafka.bootstrapServers(), TOPIC, new ExampleCodec(SHAPE, 10),
                BadRecordHandlers.fail(), Duration.ofMillis(200), extra)) {
            while (ids.size() < 40) {
                assertThat(System.nanoTime()).as("the first records arrive").isLessThan(deadline);
                Example e = source.next();
                if (e != null) {
                    ids.add(e.id());
                    last.merge(e.position().partition(), e.position().offset(), Math::max);
                    if (ids.size() == 20) {
                        first = new HashMap<>(last);
                    }
                }
            }
            source.commit(first);
            assertThat(committed()).isEqualTo(next(first)).isNotEqualTo(next(last));

            kafka.stop();
            // a checkpoint becomes durable while the broker is away: the commit waits, it does not fail
            long t0 = System.nanoTime();
            source.commit(last);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("one bounded try").isLessThan(Duration.ofSeconds(9));
            long t1 = System.nanoTime();
            source.commit(last);
            assertThat(Duration.ofNanos(System.nanoTime() - t1)).as("no second wait at once")
                    .isLessThan(Duration.ofSeconds(1));
            // waiting readers see nothing new, and no exception, for longer than the retry interval
            long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(7);
            while (System.nanoTime() < waitUntil) {
                assertThat(source.next()).isNull();
            }
            assertThat(warnings()).filteredOn(w -> w.contains("the broker did not answer")).hasSize(1);
            assertThat(source.remaining()).as("lag unknown while away, or the last known").isNotNull();

            kafka.restart();
            write(40, 20);
            while (ids.size() < 60) {
                assertThat(System.nanoTime()).as("records written after the restart arrive").isLessThan(deadline);
                Example e = source.next();
                if (e != null) {
                    ids.add(e.id());
                }
            }
            // the waiting commit is retried from next(): wait for it
            while (!warnings().stream().anyMatch(w -> w.contains("the broker answers again"))) {
                assertThat(System.nanoTime()).as("the outage's end is said").isLessThan(deadline);
                source.next();
            }
        }
        assertThat(ids).as("each record once").doesNotHaveDuplicates().hasSize(60);
        assertThat(committed()).as("the commit made while away").isEqualTo(next(last));
        assertThat(warnings()).filteredOn(w -> w.contains("the broker did not answer")).hasSize(1);
    }

    @Test
    void aCommitStillWaitingWhenTheSourceClosesIsMadeOnCloseOnceTheBrokerIsBack() throws Exception {
        write(0, 30);
        Properties extra = new Properties();
        extra.setProperty("group.id", "bounce-group");
        Map<String, Long> last = new HashMap<>();
        int read = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        KafkaSource source = new KafkaSource(kafka.bootstrapServers(), TOPIC, new ExampleCodec(SHAPE, 10),
                BadRecordHandlers.fail(), Duration.ofMillis(200), extra);
        try {
            while (read < 30) {
                assertThat(System.nanoTime()).as("the records arrive").isLessThan(deadline);
                Example e = source.next();
                if (e != null) {
                    read++;
                    last.merge(e.position().partition(), e.position().offset(), Math::max);
                }
            }
            kafka.stop();
            source.commit(last); // waits: the broker is away
            kafka.restart();
        } finally {
            // the run ends before any next() could retry it: close makes it
            source.close();
        }
        assertThat(committed()).as("the waiting commit, made on close").isEqualTo(next(last));
    }

    private Map<String, Long> committed() throws Exception {
        try (Admin admin = kafka.admin()) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets("bounce-group")
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            Map<String, Long> next = new HashMap<>();
            offsets.forEach((tp, om) -> next.put(tp.topic() + "-" + tp.partition(), om.offset()));
            return next;
        }
    }

    private static Map<String, Long> next(Map<String, Long> last) {
        Map<String, Long> next = new HashMap<>();
        last.forEach((partition, offset) -> next.put(partition, offset + 1));
        return next;
    }
}
