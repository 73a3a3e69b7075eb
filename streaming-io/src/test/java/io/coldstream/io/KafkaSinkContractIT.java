package io.coldstream.io;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * {@link KafkaSink}, opened from {@code kafka:HOST:PORT/TOPIC} by {@link Sources}, keeps the sink
 * protocol: each test writes to a fresh topic of two partitions on a real KRaft broker in this JVM.
 */
class KafkaSinkContractIT extends ExampleSinkContract {

    private static EmbeddedKafka kafka;
    private static int topics;

    private SourceSpec spec;

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

    @BeforeEach
    void createTopic() throws Exception {
        String topic = "sink-" + ++topics;
        kafka.createTopic(topic, 2);
        spec = SourceSpec.parse("kafka:" + kafka.bootstrapServers() + "/" + topic);
    }

    @Override
    protected ExampleSink openSink() {
        return Sources.openSink(spec, null);
    }

    @Override
    protected ExampleSource openSource() {
        return Sources.open(spec, SourceOptions.builder().examples(SHAPE, CLASSES).build());
    }
}
