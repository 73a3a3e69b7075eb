package io.coldstream.io;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coldstream.core.ConfigurationException;
import io.coldstream.core.Shape;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** Settings that {@link KafkaSource} and {@link KafkaSink} refuse before reaching any broker. */
class KafkaSourceTest {

    private static final ExampleCodec CODEC = new ExampleCodec(new Shape(1, 2, 2), 10);

    private static Properties props(String key, String value) {
        Properties p = new Properties();
        p.setProperty(key, value);
        return p;
    }

    @Test
    void refusesAutoCommitBecauseOffsetsAreCommittedOnlyWithCheckpoints() {
        assertThatThrownBy(() -> new KafkaSource("127.0.0.1:1", "t", CODEC, BadRecordHandlers.fail(),
                Duration.ofSeconds(1), props("enable.auto.commit", "true")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("enable.auto.commit was 'true'")
                .hasMessageContaining("never auto-commits");
    }

    @Test
    void refusesADeserializerOtherThanByteArrays() {
        assertThatThrownBy(() -> new KafkaSource("127.0.0.1:1", "t", CODEC, BadRecordHandlers.fail(),
                Duration.ofSeconds(1), props("value.deserializer",
                        "org.apache.kafka.common.serialization.StringDeserializer")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("value.deserializer was 'org.apache.kafka.common.serialization.StringDeserializer'");
    }

    @Test
    void sinkRefusesASerializerOtherThanByteArrays() {
        assertThatThrownBy(() -> new KafkaSink("127.0.0.1:1", "t",
                props("key.serializer", "org.apache.kafka.common.serialization.LongSerializer")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("key.serializer was 'org.apache.kafka.common.serialization.LongSerializer'");
    }

    @Test
    void refusesANegativeIdleAndABlankTopic() {
        assertThatThrownBy(() -> new KafkaSource("127.0.0.1:1", "t", CODEC, BadRecordHandlers.fail(),
                Duration.ofSeconds(-1), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("idle was PT-1S");
        assertThatThrownBy(() -> new KafkaSink("127.0.0.1:1", " ", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("topic was ' '");
    }
}
