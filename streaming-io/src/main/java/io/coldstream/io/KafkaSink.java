package io.coldstream.io;

import io.coldstream.core.ConfigurationException;
import io.coldstream.core.DataException;
import io.coldstream.core.Example;
import java.util.Arrays;
import java.util.Objects;
import java.util.Properties;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Produces {@link ExampleCodec} records to a Kafka topic, one Kafka record per example. The key of
 * an example's record is its id as 8 bytes big-endian (so that a keyed partitioner keeps one id on
 * one partition); a raw record written with {@link #writeRecord} has no key.
 *
 * <p>Producer settings pass through from {@code extra} ({@code security.protocol},
 * {@code linger.ms}, {@code compression.type}, ...). Unless {@code extra} says otherwise the
 * producer uses {@code acks=all} and {@code enable.idempotence=true}, so that an acknowledged
 * record is on every in-sync replica and a retry never writes it twice. The serializers are
 * always byte arrays.
 *
 * <p>Sends are asynchronous: {@link #write} returns once the record is in the producer's buffer.
 * The first send that fails is reported by the next {@link #write}, {@link #flush()} or
 * {@link #close()} as a {@link DataException}. {@link #close()} flushes first, so every record
 * written before it is acknowledged by the broker (or reported as failed) when it returns.
 *
 * <p>Not thread-safe: one writing thread (which need not be the thread that built the sink).
 * Each write allocates the record's array, since Kafka keeps it until the broker acknowledges.
 */
public final class KafkaSink implements ExampleSink {

    private static final int ID_BYTES = 8;

    private final String bootstrapServers;
    private final String topic;
    private final KafkaProducer<byte[], byte[]> producer;
    private final Callback callback = this::completed;
    private volatile Exception firstFailure;
    private long written;
    private boolean closed;

    /**
     * Connects a producer (lazily: the first send or metadata request reaches the broker).
     *
     * @param bootstrapServers {@code HOST:PORT[,HOST:PORT...]}; overrides any
     *     {@code bootstrap.servers} in {@code extra}
     * @param topic the topic written to; it must exist (or the broker must create topics)
     * @param extra producer settings passed through as given, or {@code null} for none; copied
     * @throws ConfigurationException if a setting is invalid, or {@code extra} names a
     *     serializer other than the byte-array one
     */
    public KafkaSink(String bootstrapServers, String topic, Properties extra) {
        this.bootstrapServers = requireText(bootstrapServers, "bootstrapServers");
        this.topic = requireText(topic, "topic");
        Properties props = new Properties();
        props.setProperty(ProducerConfig.ACKS_CONFIG, "all");
        props.setProperty(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        if (extra != null) {
            for (String name : extra.stringPropertyNames()) {
                props.setProperty(name, extra.getProperty(name));
            }
        }
        requireByteArrays(props, ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG);
        requireByteArrays(props, ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG);
        props.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, this.bootstrapServers);
        try {
            this.producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
        } catch (KafkaException e) {
            throw new ConfigurationException("could not create a Kafka producer for " + describe() + ": "
                    + e.getMessage() + (e.getCause() == null ? "" : " (" + e.getCause() + ")"));
        }
    }

    static String requireText(String value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isBlank()) {
            throw new IllegalArgumentException(name + " was '" + value + "' but must not be blank");
        }
        return value.strip();
    }

    private static void requireByteArrays(Properties props, String key) {
        String value = props.getProperty(key);
        if (value != null && !value.strip().equals(ByteArraySerializer.class.getName())) {
            throw new ConfigurationException(key + " was '" + value + "' but a Kafka sink writes byte arrays: leave it"
                    + " out or set " + ByteArraySerializer.class.getName());
        }
        props.remove(key);
    }

    /**
     * {@inheritDoc}
     *
     * @throws DataException if an earlier send failed, or the producer refuses the record
     * @throws IllegalStateException if the sink is closed
     */
    @Override
    public void write(Example e) {
        Objects.requireNonNull(e, "e");
        byte[] key = new byte[ID_BYTES];
        long id = e.id();
        for (int i = ID_BYTES - 1; i >= 0; i--) {
            key[i] = (byte) id;
            id >>>= 8;
        }
        send(key, ExampleCodec.encode(e));
    }

    /**
     * {@inheritDoc} The record is copied and sent without a key.
     *
     * @throws DataException if an earlier send failed, or the producer refuses the record
     * @throws IllegalStateException if the sink is closed
     */
    @Override
    public void writeRecord(byte[] record) {
        Objects.requireNonNull(record, "record");
        send(null, Arrays.copyOf(record, record.length));
    }

    private void send(byte[] key, byte[] value) {
        if (closed) {
            throw new IllegalStateException("sink " + describe() + " is closed");
        }
        throwIfFailed();
        try {
            producer.send(new ProducerRecord<>(topic, key, value), callback);
        } catch (KafkaException e) {
            throw new DataException("could not send record " + (written + 1) + " to " + describe() + ": " + e, e);
        }
        written++;
    }

    private void completed(RecordMetadata metadata, Exception exception) {
        if (exception != null && firstFailure == null) {
            firstFailure = exception;
        }
    }

    private void throwIfFailed() {
        Exception failure = firstFailure;
        if (failure != null) {
            throw new DataException("a record sent to " + describe() + " was not written: " + failure, failure);
        }
    }

    /**
     * Waits until every record written so far is acknowledged by the broker.
     *
     * @throws DataException if a send failed
     * @throws IllegalStateException if the sink is closed
     */
    public void flush() {
        if (closed) {
            throw new IllegalStateException("sink " + describe() + " is closed");
        }
        try {
            producer.flush();
        } catch (KafkaException e) {
            throw new DataException("could not flush " + describe() + ": " + e, e);
        }
        throwIfFailed();
    }

    /** @return records handed to the producer so far (acknowledged or still in flight) */
    @Override
    public long written() {
        return written;
    }

    /** @return {@code "kafka:<bootstrap servers>/<topic>"} */
    @Override
    public String describe() {
        return "kafka:" + bootstrapServers + "/" + topic;
    }

    /**
     * Flushes (waits for every acknowledgement), then closes the producer; idempotent.
     *
     * @throws DataException if a record was not written (after the producer is closed)
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            producer.flush();
        } catch (KafkaException e) {
            if (firstFailure == null) {
                firstFailure = e;
            }
        } finally {
            producer.close();
        }
        throwIfFailed();
    }

    @Override
    public String toString() {
        return "KafkaSink[" + describe() + ", written=" + written + "]";
    }
}
