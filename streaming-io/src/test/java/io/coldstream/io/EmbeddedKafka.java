package io.coldstream.io;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker (KRaft, combined broker and controller roles) inside the test
 * JVM, on two free ports of 127.0.0.1, with its storage in a temporary folder deleted on close.
 * Formats the storage in-process, then starts {@link KafkaRaftServer}; about 2 s.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private final Path dir;
    private final KafkaConfig config;
    private final String bootstrapServers;
    private KafkaRaftServer server;

    private EmbeddedKafka(Path dir, KafkaConfig config, String bootstrapServers) {
        this.dir = dir;
        this.config = config;
        this.bootstrapServers = bootstrapServers;
    }

    /** Formats a fresh storage folder and starts the broker; returns once it accepts clients. */
    public static EmbeddedKafka start() throws Exception {
        quietLogs();
        Path dir = Files.createTempDirectory("coldstream-kafka-");
        int brokerPort = freePort();
        int controllerPort = freePort();
        String logDir = dir.resolve("log").toString();
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", "1");
        p.setProperty("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("inter.broker.listener.name", "PLAINTEXT");
        p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.setProperty("log.dirs", logDir);
        p.setProperty("num.partitions", "1");
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("offsets.topic.num.partitions", "1");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("transaction.state.log.num.partitions", "1");
        p.setProperty("share.coordinator.state.topic.replication.factor", "1");
        p.setProperty("share.coordinator.state.topic.min.isr", "1");
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        p.setProperty("log.flush.interval.messages", "1");
        KafkaConfig config = new KafkaConfig(p, false);

        new Formatter()
                .setPrintStream(new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8))
                .setNodeId(1)
                .setClusterId(Uuid.randomUuid().toString())
                .setControllerListenerName("CONTROLLER")
                .setMetadataLogDirectory(logDir)
                .setDirectories(List.of(logDir))
                .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                .run();

        EmbeddedKafka kafka = new EmbeddedKafka(dir, config, "127.0.0.1:" + brokerPort);
        try {
            kafka.startServer();
        } catch (Exception | Error e) {
            kafka.close();
            throw e;
        }
        return kafka;
    }

    private void startServer() throws Exception {
        server = new KafkaRaftServer(config, Time.SYSTEM);
        server.startup();
        awaitReady();
    }

    /**
     * Stops the broker as an outage would, keeping its storage, ports and cluster: clients see it
     * gone until {@link #restart()}.
     */
    public void stop() {
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
            server = null;
        }
    }

    /** Starts the stopped broker again on the same ports and storage; returns once it accepts clients. */
    public void restart() throws Exception {
        if (server != null) {
            throw new IllegalStateException("the broker at " + bootstrapServers + " is running");
        }
        startServer();
    }

    private void awaitReady() throws Exception {
        try (Admin admin = admin()) {
            admin.describeCluster().nodes().get(30, TimeUnit.SECONDS);
        }
    }

    /** Kafka logs a lot at WARN while a broker starts and stops; tests keep its ERRORs only. */
    private static void quietLogs() {
        for (String name : List.of("kafka", "org.apache.kafka", "state.change.logger")) {
            if (LoggerFactory.getLogger(name) instanceof ch.qos.logback.classic.Logger logger) {
                logger.setLevel(ch.qos.logback.classic.Level.ERROR);
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    /** @return {@code 127.0.0.1:PORT} of the broker's client listener */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** @return a new admin client on this broker; the caller closes it */
    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
    }

    /** Creates a topic with the given partition count (replication factor 1) and waits for it. */
    public void createTopic(String topic, int partitions) throws Exception {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
    }

    /** Stops the broker and deletes its storage. */
    @Override
    public void close() {
        try {
            stop();
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
