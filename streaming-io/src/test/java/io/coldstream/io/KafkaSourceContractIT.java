package io.coldstream.io;

import io.coldstream.core.Example;
import io.coldstream.core.Shape;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link KafkaSource}, opened from {@code kafka:HOST:PORT/TOPIC} by {@link Sources}, keeps the source
 * protocol on a topic of three partitions of a real KRaft broker in this JVM.
 */
class KafkaSourceContractIT extends ExampleSourceContract {

    private static final Shape SHAPE = new Shape(1, 4, 4);
    private static final int COUNT = 60;
    private static final String TOPIC = "contract";

    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startBrokerAndFillTopic() throws Exception {
        kafka = EmbeddedKafka.start();
        kafka.createTopic(TOPIC, 3);
        try (ExampleSink sink = Sources.openSink(spec(), null)) {
            for (int i = 0; i < COUNT; i++) {
                sink.write(StreamRecords.example(i, i % 10, SHAPE));
            }
        }
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    private static SourceSpec spec() {
        return SourceSpec.parse("kafka:" + kafka.bootstrapServers() + "/" + TOPIC);
    }

    @Override
    protected ExampleSource open() {
        Properties consumer = new Properties();
        consumer.setProperty("group.id", "contract");
        return Sources.open(spec(), SourceOptions.builder().examples(SHAPE, 10).kafkaConsumer(consumer).build());
    }

    @Override
    protected int streamLength() {
        return COUNT;
    }

    @Override
    protected boolean expectBounded() {
        return false;
    }

    @Override
    protected Shape expectedShape() {
        return SHAPE;
    }

    @Override
    protected int expectedNumClasses() {
        return 10;
    }

    @Override
    protected Example expected(long id) {
        return StreamRecords.example(id, (int) (id % 10), SHAPE);
    }
}
