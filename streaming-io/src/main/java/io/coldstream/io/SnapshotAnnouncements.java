package io.coldstream.io;

import io.coldstream.core.ConfigurationException;
import io.coldstream.core.DataException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Announcements of published snapshots on a compacted Kafka topic ({@code train --announce
 * kafka:HOST:PORT/TOPIC}, {@code serve --follow kafka:HOST:PORT/TOPIC}): each record is one
 * snapshot's manifest (its JSON, as {@code manifest.json} holds it), keyed by the run that
 * published it, written only after the snapshot and {@code LATEST} are durable. Compaction keeps the
 * newest announcement per run, so a follower that starts late reads the topic from its beginning and
 * still learns the newest version in a few records.
 *
 * <p>An announcement only says that a version exists; a follower still loads and verifies the files
 * from its store. So an announcement that is lost (the broker away longer than the producer waits)
 * costs a follower time, never a wrong model: the next announcement supersedes it.
 *
 * <p>Bytes in, bytes out: this class knows nothing of manifests, which keeps Kafka out of the model
 * and serving modules.
 */
public final class SnapshotAnnouncements {

    private static final Logger LOG = LoggerFactory.getLogger(SnapshotAnnouncements.class);
    /** How long opening waits for the broker to answer (topic check and creation). */
    static final Duration OPEN_TIMEOUT = Duration.ofSeconds(10);

    private SnapshotAnnouncements() {
    }

    /**
     * @param text {@code kafka:HOST:PORT/TOPIC}
     * @return the spec
     * @throws ConfigurationException if it is not a Kafka spec
     */
    public static SourceSpec parse(String text) {
        SourceSpec spec = SourceSpec.parse(text);
        if (spec.kind() != SourceSpec.Kind.KAFKA) {
            throw new ConfigurationException("snapshot announcements go to a Kafka topic, written kafka:HOST:PORT/TOPIC"
                    + " (such as kafka:localhost:9092/coldstream-snapshots), but was '" + text + "'");
        }
        return spec;
    }

    /**
     * Writes announcements. Sends are asynchronous (the producer waits for a broker that is away up
     * to {@link #DELIVERY_TIMEOUT}); a failed delivery is logged at WARN, and the next announcement
     * supersedes it. Thread-safe.
     */
    public static final class Publisher implements AutoCloseable {

        /** How long one announcement may wait for the broker before it is given up. */
        static final Duration DELIVERY_TIMEOUT = Duration.ofMinutes(2);

        private final SourceSpec spec;
        private final String key;
        private final KafkaProducer<byte[], byte[]> producer;
        private final AtomicLong delivered = new AtomicLong();
        private final AtomicLong failed = new AtomicLong();

        private Publisher(SourceSpec spec, String key, KafkaProducer<byte[], byte[]> producer) {
            this.spec = spec;
            this.key = key;
            this.producer = producer;
        }

        /**
         * Opens a publisher; creates the topic, compacted with one partition, if it does not exist,
         * and warns if an existing one is not compacted.
         *
         * @param spec {@code kafka:HOST:PORT/TOPIC}
         * @param key the key of every announcement: the publishing run
         * @param extra Kafka settings whose connection ones (security.*, sasl.*, ssl.*) are used, or {@code null}
         * @return the publisher
         * @throws DataException if the broker does not answer within {@link #OPEN_TIMEOUT}
         */
        public static Publisher open(SourceSpec spec, String key, Properties extra) {
            ensureCompactedTopic(spec, extra);
            Properties props = new Properties();
            props.setProperty(ProducerConfig.ACKS_CONFIG, "all");
            props.setProperty(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
            copyConnection(extra, props);
            props.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, spec.location());
            props.setProperty(ProducerConfig.MAX_BLOCK_MS_CONFIG, String.valueOf(OPEN_TIMEOUT.toMillis()));
            props.setProperty(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, String.valueOf(DELIVERY_TIMEOUT.toMillis()));
            props.remove(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG);
            props.remove(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG);
            try {
                return new Publisher(spec, key, new KafkaProducer<>(props, new ByteArraySerializer(),
                        new ByteArraySerializer()));
            } catch (KafkaException e) {
                throw new ConfigurationException("could not create a Kafka producer for the announcements on " + spec
                        + ": " + e.getMessage());
            }
        }

        /**
         * Sends one announcement; returns at once.
         *
         * @param version the version announced, for the log lines
         * @param value the manifest's JSON
         */
        public void announce(String version, byte[] value) {
            ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(spec.topic(),
                    key.getBytes(java.nio.charset.StandardCharsets.UTF_8), value);
            try {
                producer.send(record, (meta, e) -> {
                    if (e == null) {
                        delivered.incrementAndGet();
                        LOG.debug("announced {} on {} at offset {}", version, spec, meta.offset());
                    } else {
                        failed.incrementAndGet();
                        LOG.warn("the announcement of snapshot {} on {} was not delivered ({}); the snapshot itself is"
                                + " published, and the next announcement supersedes this one", version, spec,
                                e.getMessage());
                    }
                });
            } catch (KafkaException e) {
                failed.incrementAndGet();
                LOG.warn("could not announce snapshot {} on {} ({}); the snapshot itself is published, and the next"
                        + " announcement supersedes this one", version, spec, e.getMessage());
            }
        }

        /** @return announcements the broker acknowledged */
        public long delivered() {
            return delivered.get();
        }

        /** @return announcements given up */
        public long failed() {
            return failed.get();
        }

        /** @return the key of this publisher's announcements */
        public String key() {
            return key;
        }

        /** Waits up to 10 s for announcements still on their way, then closes the producer. */
        @Override
        public void close() {
            try {
                producer.close(OPEN_TIMEOUT);
            } catch (KafkaException e) {
                LOG.warn("closing the announcement producer for {}: {}", spec, e.getMessage());
            }
        }
    }

    /** What a follower hands on for each record. */
    @FunctionalInterface
    public interface Listener {
        /**
         * @param key the publishing run's key, or {@code null}
         * @param value the record's bytes (a manifest's JSON from a Coldstream publisher)
         * @param where topic, partition and offset, for messages
         */
        void announced(String key, byte[] value, String where);
    }

    /**
     * Reads a topic of announcements from its beginning on a daemon thread and hands each record to a
     * listener, in order per partition. Uses no consumer group (it commits nothing: every follower
     * reads the whole compacted topic). Waits for a topic that does not exist yet, and for a broker
     * that is away, without creating anything.
     */
    public static final class Follower implements AutoCloseable {

        private final SourceSpec spec;
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final Listener listener;
        private final Thread thread;
        private final AtomicLong received = new AtomicLong();
        private volatile boolean stopping;

        private Follower(SourceSpec spec, KafkaConsumer<byte[], byte[]> consumer, Listener listener) {
            this.spec = spec;
            this.consumer = consumer;
            this.listener = listener;
            this.thread = new Thread(this::run, "coldstream-announcements");
            this.thread.setDaemon(true);
        }

        /**
         * @param spec {@code kafka:HOST:PORT/TOPIC}
         * @param extra Kafka settings whose connection ones (security.*, sasl.*, ssl.*) are used, or {@code null}
         * @param listener called on the follower's thread for each record
         * @return the follower, started
         */
        public static Follower start(SourceSpec spec, Properties extra, Listener listener) {
            Properties props = new Properties();
            copyConnection(extra, props);
            props.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, spec.location());
            props.setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            props.setProperty(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
            props.setProperty(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            props.remove(ConsumerConfig.GROUP_ID_CONFIG);
            props.remove(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG);
            props.remove(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG);
            KafkaConsumer<byte[], byte[]> consumer;
            try {
                consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            } catch (KafkaException e) {
                throw new ConfigurationException("could not create a Kafka consumer for the announcements on " + spec
                        + ": " + e.getMessage());
            }
            Follower f = new Follower(spec, consumer, listener);
            f.thread.start();
            return f;
        }

        /** @return records handed to the listener so far */
        public long received() {
            return received.get();
        }

        private void run() {
            boolean toldWaiting = false;
            try {
                List<TopicPartition> assigned = null;
                while (!stopping) {
                    if (assigned == null) {
                        List<PartitionInfo> partitions;
                        try {
                            partitions = consumer.partitionsFor(spec.topic(), Duration.ofSeconds(5));
                        } catch (org.apache.kafka.common.errors.TimeoutException e) {
                            partitions = List.of();
                        }
                        if (partitions == null || partitions.isEmpty()) {
                            if (!toldWaiting) {
                                LOG.info("waiting for the announcement topic {} (it does not exist yet, or the broker"
                                        + " does not answer)", spec);
                                toldWaiting = true;
                            }
                            Thread.sleep(1000);
                            continue;
                        }
                        assigned = new ArrayList<>();
                        for (PartitionInfo p : partitions) {
                            assigned.add(new TopicPartition(p.topic(), p.partition()));
                        }
                        consumer.assign(assigned);
                        consumer.seekToBeginning(assigned);
                        LOG.info("following snapshot announcements on {} ({} partition{})", spec, assigned.size(),
                                assigned.size() == 1 ? "" : "s");
                    }
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(250))) {
                        received.incrementAndGet();
                        String where = spec + " partition " + r.partition() + " offset " + r.offset();
                        try {
                            listener.announced(r.key() == null ? null
                                    : new String(r.key(), java.nio.charset.StandardCharsets.UTF_8), r.value(), where);
                        } catch (RuntimeException e) {
                            LOG.warn("the announcement at {} could not be handled: {}", where, e.toString());
                        }
                    }
                }
            } catch (WakeupException | InterruptedException e) {
                // closing
            } catch (RuntimeException e) {
                if (!stopping) {
                    LOG.error("following the announcements on {} stopped: {}", spec, e.toString());
                }
            } finally {
                Thread.interrupted();
                consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(2)));
            }
        }

        /** Stops the follower's thread. */
        @Override
        public void close() {
            // wakeup ends a poll or a metadata wait; an interrupt would make the consumer's own close
            // fail (it talks to the broker to end its fetch session)
            stopping = true;
            consumer.wakeup();
            try {
                thread.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void ensureCompactedTopic(SourceSpec spec, Properties extra) {
        Properties props = new Properties();
        copyConnection(extra, props);
        props.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, spec.location());
        props.setProperty(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, String.valueOf(OPEN_TIMEOUT.toMillis()));
        props.setProperty(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, String.valueOf(OPEN_TIMEOUT.toMillis()));
        Admin admin = null;
        try {
            admin = Admin.create(props);
            long timeout = OPEN_TIMEOUT.toMillis();
            boolean exists = admin.listTopics().names().get(timeout, TimeUnit.MILLISECONDS).contains(spec.topic());
            if (!exists) {
                NewTopic topic = new NewTopic(spec.topic(), Optional.of(1), Optional.empty())
                        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
                try {
                    admin.createTopics(List.of(topic)).all().get(timeout, TimeUnit.MILLISECONDS);
                    LOG.info("created the compacted announcement topic {}", spec);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
                return;
            }
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, spec.topic());
            Config config = admin.describeConfigs(List.of(resource)).all().get(timeout, TimeUnit.MILLISECONDS)
                    .get(resource);
            String policy = config == null || config.get(TopicConfig.CLEANUP_POLICY_CONFIG) == null ? ""
                    : config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value();
            if (!policy.contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
                LOG.warn("the announcement topic {} has cleanup.policy={}, not compact: a follower that starts late"
                        + " reads every announcement ever made, or misses the newest once retention deletes it", spec,
                        policy);
            }
        } catch (TimeoutException e) {
            throw new DataException("the broker of " + spec + " did not answer within " + OPEN_TIMEOUT.toSeconds()
                    + " s; snapshot announcements need it at the start of the run");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
                throw new DataException("the broker of " + spec + " did not answer within " + OPEN_TIMEOUT.toSeconds()
                        + " s; snapshot announcements need it at the start of the run");
            }
            throw new DataException("could not prepare the announcement topic " + spec + ": "
                    + (e.getCause() == null ? e.getMessage() : e.getCause().getMessage()), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DataException("interrupted while preparing the announcement topic " + spec);
        } catch (KafkaException e) {
            throw new ConfigurationException("could not reach " + spec + " to announce snapshots: " + e.getMessage());
        } finally {
            if (admin != null) {
                admin.close(Duration.ofSeconds(2));
            }
        }
    }

    /**
     * The connection settings of a user's Kafka properties (security, SASL, TLS, DNS lookup): the same
     * file configures the trainer's consumer, whose other settings (group, offsets) have no meaning
     * for announcements.
     */
    private static void copyConnection(Properties from, Properties to) {
        if (from == null) {
            return;
        }
        for (String name : from.stringPropertyNames()) {
            if (name.startsWith("security.") || name.startsWith("sasl.") || name.startsWith("ssl.")
                    || name.equals("client.dns.lookup")) {
                to.setProperty(name, from.getProperty(name));
            }
        }
    }
}
