package io.coldstream.serving;

import static io.coldstream.serving.TestStore.MNIST;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coldstream.core.AtomicFiles;
import io.coldstream.core.MiniBatch;
import io.coldstream.core.Shape;
import io.coldstream.model.Network;
import io.coldstream.model.NetworkEngine;
import io.coldstream.model.SnapshotStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@link ModelHandle} on real snapshots of both engines, written as the trainer writes them. */
class ModelHandleIT {

    @TempDir
    Path dir;

    private Path store() {
        return dir.resolve("snapshots");
    }

    @ParameterizedTest
    @EnumSource(NetworkEngine.class)
    void servesLatestAndAnswersExactlyWhatTheSnapshotComputesOffline(NetworkEngine engine) throws Exception {
        MiniBatch train = TestStore.batch(MNIST, 8, 1);
        MiniBatch ask = TestStore.batch(MNIST, 3, 2);
        float[] features = Arrays.copyOf(ask.features(), 3 * MNIST.elementCount());
        try (Network net = TestStore.smallCnn(engine, MNIST, 7)) {
            net.fit(train);
            TestStore.publish(store(), "v000001", net);
            try (ModelHandle handle = ModelHandle.openUnwatched(dir, ServingOptions.defaults(),
                    new SimpleMeterRegistry())) {
                assertThat(handle.ready()).isTrue();
                Prediction p = handle.predict(features, 3);
                assertThat(p.version()).isEqualTo("v000001");
                assertThat(handle.manifest().orElseThrow().engine()).isEqualTo(engine);
                assertProbabilities(p, TestStore.offline(store(), "v000001", features, 3));
                assertThat(p.topK(0)).hasSize(5);
                assertThat(p.topK(0).get(0).label()).isEqualTo(p.predictedClass(0));

                net.fit(train);
                TestStore.publish(store(), "v000002", net);
                assertThat(handle.predict(features, 3).version()).as("no swap before the store is read")
                        .isEqualTo("v000001");
                handle.refresh();
                Prediction q = handle.predict(features, 3);
                assertThat(q.version()).isEqualTo("v000002");
                assertProbabilities(q, TestStore.offline(store(), "v000002", features, 3));
                assertThat(handle.registry().get("coldstream.serving.swaps").counter().count()).isEqualTo(2.0);
            }
        }
    }

    private static void assertProbabilities(Prediction p, float[] expected) {
        int classes = p.numClasses();
        for (int row = 0; row < p.rows(); row++) {
            assertThat(p.probabilities(row)).containsExactly(Arrays.copyOfRange(expected, row * classes,
                    (row + 1) * classes));
        }
    }

    @Test
    void refusesCorruptTruncatedWrongShapeAndUnknownEngineSnapshotsAndKeepsServingTheOldModel() throws Exception {
        float[] one = Arrays.copyOf(TestStore.batch(MNIST, 1, 3).features(), MNIST.elementCount());
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (Network net = TestStore.smallCnn(NetworkEngine.DL4J, MNIST, 1);
             Network cifar = TestStore.smallCnn(NetworkEngine.DL4J, new Shape(3, 32, 32), 1)) {
            TestStore.publish(store(), "v000001", net);
            try (ModelHandle handle = ModelHandle.openUnwatched(dir, ServingOptions.defaults(), registry)) {
                float[] before = handle.predict(one, 1).probabilities(0);

                // a bit flipped in the model file after publishing
                Path v2 = TestStore.publish(store(), "v000002", net);
                flipAByte(v2.resolve(SnapshotStore.MODEL_FILE));
                handle.refresh();
                assertServesV1(handle, one, before);

                // a truncated zip whose manifest carries the truncated file's checksum
                Path v3 = TestStore.write(store(), "v000003", net);
                Path zip = v3.resolve(SnapshotStore.MODEL_FILE);
                byte[] bytes = Files.readAllBytes(zip);
                Files.write(zip, Arrays.copyOf(bytes, bytes.length / 3));
                rewriteManifest(v3, "\"sha256\" : \"[0-9a-f]+\"", "\"sha256\" : \"" + AtomicFiles.sha256(zip) + "\"");
                AtomicFiles.writeAtomically(store().resolve(SnapshotStore.LATEST), "v000003\n");
                handle.refresh();
                assertServesV1(handle, one, before);

                // another input shape
                TestStore.publish(store(), "v000004", cifar);
                handle.refresh();
                assertServesV1(handle, one, before);

                // an engine this version does not know
                Path v5 = TestStore.write(store(), "v000005", net);
                rewriteManifest(v5, "\"engine\" : \"dl4j\"", "\"engine\" : \"tensorflow\"");
                AtomicFiles.writeAtomically(store().resolve(SnapshotStore.LATEST), "v000005\n");
                handle.refresh();
                assertServesV1(handle, one, before);

                Map<String, String> refused = handle.status().refused();
                assertThat(refused).containsOnlyKeys("v000002", "v000003", "v000004", "v000005");
                assertThat(refused.get("v000002")).startsWith("checksum:").contains("SHA-256");
                assertThat(refused.get("v000003")).startsWith("unreadable-model:");
                assertThat(refused.get("v000004")).startsWith("wrong-shape:").contains("3x32x32");
                assertThat(refused.get("v000005")).startsWith("unknown-engine:").contains("tensorflow");
                for (String reason : List.of("checksum", "unreadable-model", "wrong-shape", "unknown-engine")) {
                    assertThat(registry.get("coldstream.serving.refused").tag("reason", reason).counter().count())
                            .as(reason).isEqualTo(1.0);
                }
                handle.refresh(); // a refused version is not retried
                assertThat(registry.get("coldstream.serving.refused").tag("reason", "checksum").counter().count())
                        .isEqualTo(1.0);

                // the next good snapshot is taken
                TestStore.publish(store(), "v000006", net);
                handle.refresh();
                assertThat(handle.predict(one, 1).version()).isEqualTo("v000006");
            }
        }
    }

    private static void assertServesV1(ModelHandle handle, float[] one, float[] before) {
        Prediction p = handle.predict(one, 1);
        assertThat(p.version()).isEqualTo("v000001");
        assertThat(p.probabilities(0)).containsExactly(before);
    }

    private static void flipAByte(Path file) throws Exception {
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 0x10;
        Files.write(file, bytes);
    }

    private static void rewriteManifest(Path folder, String regex, String replacement) throws Exception {
        Path m = folder.resolve(SnapshotStore.MANIFEST_FILE);
        String text = Files.readString(m, StandardCharsets.UTF_8);
        String changed = text.replaceFirst(regex, replacement);
        assertThat(changed).as("manifest rewritten").isNotEqualTo(text);
        Files.writeString(m, changed, StandardCharsets.UTF_8);
    }

    @Test
    void aPinnedVersionIsServedAndNeverSwapped() throws Exception {
        float[] one = Arrays.copyOf(TestStore.batch(MNIST, 1, 3).features(), MNIST.elementCount());
        try (Network net = TestStore.smallCnn(NetworkEngine.DL4J, MNIST, 1)) {
            TestStore.publish(store(), "v000001", net);
            ServingOptions pinned = ServingOptions.builder().policy(VersionPolicy.parse("pinned:v000002")).build();
            try (ModelHandle handle = ModelHandle.openUnwatched(dir, pinned, new SimpleMeterRegistry())) {
                assertThat(handle.ready()).isFalse();
                assertThatThrownBy(() -> handle.predict(one, 1)).isInstanceOf(ServingException.class)
                        .hasMessageContaining("v000002");
                TestStore.publish(store(), "v000002", net);
                TestStore.publish(store(), "v000003", net);
                handle.refresh();
                assertThat(handle.predict(one, 1).version()).isEqualTo("v000002");
                TestStore.publish(store(), "v000004", net);
                handle.refresh();
                assertThat(handle.predict(one, 1).version()).isEqualTo("v000002");
            }
        }
        assertThatThrownBy(() -> VersionPolicy.parse("pinned:latest")).hasMessageContaining("pinned:v000042");
        assertThatThrownBy(() -> VersionPolicy.parse("newest")).hasMessageContaining("latest, pinned:<version>");
    }

    @Test
    void inputOfTheWrongSizeIsABadInputAndNothingIsServedBeforeASnapshotExists() throws Exception {
        try (ModelHandle handle = ModelHandle.openUnwatched(dir, ServingOptions.defaults(),
                new SimpleMeterRegistry())) {
            assertThatThrownBy(() -> handle.predict(new float[784], 1)).isInstanceOf(ServingException.class)
                    .hasMessageContaining("nothing has been published");
            try (Network net = TestStore.smallCnn(NetworkEngine.DL4J, MNIST, 1)) {
                TestStore.publish(store(), "v000001", net);
            }
            handle.refresh();
            assertThatThrownBy(() -> handle.predict(new float[100], 1)).isInstanceOf(BadInputException.class)
                    .hasMessageContaining("784");
        }
    }

    @ParameterizedTest
    @EnumSource(value = Watch.class)
    void theWatcherSwapsWithinASecondOfANewLatest(Watch watch) throws Exception {
        float[] one = Arrays.copyOf(TestStore.batch(MNIST, 1, 3).features(), MNIST.elementCount());
        ServingOptions options = ServingOptions.builder().watch(watch == Watch.EVENTS_AND_POLLING)
                .pollInterval(Duration.ofMillis(watch == Watch.EVENTS_AND_POLLING ? 5_000 : 250)).build();
        try (Network net = TestStore.smallCnn(NetworkEngine.DL4J, MNIST, 1);
             ModelHandle handle = ModelHandle.open(dir, options)) {
            TestStore.publish(store(), "v000001", net);
            assertThat(handle.awaitReady(Duration.ofSeconds(20))).isTrue();
            Thread.sleep(300); // the watcher registered the folder that now exists
            for (int v = 2; v <= 4; v++) {
                String version = String.format("v%06d", v);
                TestStore.write(store(), version, net);
                long t0 = System.nanoTime();
                AtomicFiles.writeAtomically(store().resolve(SnapshotStore.LATEST), version + "\n");
                while (!handle.version().orElse("").equals(version)) {
                    assertThat((System.nanoTime() - t0) / 1e9).as("seconds from LATEST to %s answering", version)
                            .isLessThan(1.0);
                    Thread.sleep(5);
                }
                assertThat(handle.predict(one, 1).version()).isEqualTo(version);
                System.out.printf("%s: %s answered %.0f ms after LATEST named it%n", watch, version,
                        (System.nanoTime() - t0) / 1e6);
            }
        }
    }

    /** How the watcher learns of changes. */
    enum Watch {
        /** file-system events (the poll every 5 s could not make the second) */
        EVENTS_AND_POLLING,
        /** polling every 250 ms only, as on a volume without events */
        POLLING_ONLY
    }

    @ParameterizedTest
    @EnumSource(NetworkEngine.class)
    void dynamicBatchingGathersConcurrentCallsIntoSharedForwardPasses(NetworkEngine engine) throws Exception {
        float[] one = Arrays.copyOf(TestStore.batch(MNIST, 1, 9).features(), MNIST.elementCount());
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ServingOptions batching = ServingOptions.builder().maxBatch(32).maxDelay(Duration.ofMillis(2)).build();
        try (Network net = TestStore.smallCnn(engine, MNIST, 3)) {
            TestStore.publish(store(), "v000001", net);
        }
        float[] expected = TestStore.offline(store(), "v000001", one, 1);
        AtomicInteger failures = new AtomicInteger();
        List<float[]> answers = java.util.Collections.synchronizedList(new ArrayList<>());
        try (ModelHandle handle = ModelHandle.openUnwatched(dir, batching, registry)) {
            List<Thread> threads = new ArrayList<>();
            for (int c = 0; c < 8; c++) {
                Thread t = new Thread(() -> {
                    for (int i = 0; i < 40; i++) {
                        try {
                            Prediction p = handle.predict(one, 1);
                            assertThat(p.rows()).isEqualTo(1);
                            assertThat(p.version()).isEqualTo("v000001");
                            answers.add(p.probabilities(0));
                        } catch (RuntimeException | AssertionError e) {
                            failures.incrementAndGet();
                        }
                    }
                });
                t.start();
                threads.add(t);
            }
            for (Thread t : threads) {
                t.join();
            }
            assertThatThrownBy(() -> handle.predict(new float[10], 1)).isInstanceOf(BadInputException.class);
        }
        assertThat(failures.get()).isZero();
        assertThat(answers).hasSize(320);
        io.micrometer.core.instrument.DistributionSummary rows = registry.get("coldstream.serving.batch.size")
                .summary();
        assertThat(rows.totalAmount()).isEqualTo(320.0);
        assertThat(rows.max()).as("rows in the largest forward pass").isGreaterThan(1.0);
        assertThat(rows.count()).as("forward passes for 320 calls").isLessThan(320);
        for (float[] a : answers) {
            for (int c = 0; c < 10; c++) {
                assertThat(a[c]).isCloseTo(expected[c], org.assertj.core.data.Offset.offset(1e-5f));
            }
        }
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"DL4J, false", "PYTORCH, false", "DL4J, true", "PYTORCH, true"})
    void swapsUnderLoadWithNoFailedRequestAndVersionsThatNeverGoBackwards(NetworkEngine engine, boolean batching)
            throws Exception {
        int clients = 4;
        int snapshots = 20;
        MiniBatch train = TestStore.batch(MNIST, 16, 5);
        float[] one = Arrays.copyOf(TestStore.batch(MNIST, 1, 9).features(), MNIST.elementCount());
        Map<String, float[]> answered = new ConcurrentHashMap<>();
        Set<String> published = ConcurrentHashMap.newKeySet();
        AtomicInteger failures = new AtomicInteger();
        AtomicInteger backwards = new AtomicInteger();
        AtomicInteger requests = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        ServingOptions.Builder builder = ServingOptions.builder().pollInterval(Duration.ofMillis(50));
        ServingOptions options = batching ? builder.build() : builder.noBatching().build(); // batching: the default
        try (Network net = TestStore.smallCnn(engine, MNIST, 3)) {
            TestStore.publish(store(), "v000001", net);
            published.add("v000001");
            try (ModelHandle handle = ModelHandle.open(dir, options)) {
                CountDownLatch started = new CountDownLatch(clients);
                List<Thread> threads = new ArrayList<>();
                for (int c = 0; c < clients; c++) {
                    Thread t = new Thread(() -> {
                        long last = 0;
                        started.countDown();
                        while (!stop.get()) {
                            try {
                                Prediction p = handle.predict(one, 1);
                                requests.incrementAndGet();
                                long n = SnapshotStore.versionNumber(p.version());
                                if (n < last || !published.contains(p.version())) {
                                    backwards.incrementAndGet();
                                }
                                last = n;
                                answered.putIfAbsent(p.version(), p.probabilities(0));
                            } catch (RuntimeException e) {
                                failures.incrementAndGet();
                            }
                        }
                    });
                    t.start();
                    threads.add(t);
                }
                started.await();
                for (int v = 2; v <= snapshots + 1; v++) {
                    net.fit(train);
                    String version = String.format("v%06d", v);
                    published.add(version); // before LATEST names it
                    TestStore.publish(store(), version, net);
                    Thread.sleep(100);
                }
                long deadline = System.nanoTime() + 5_000_000_000L;
                while (!handle.version().orElse("").equals(String.format("v%06d", snapshots + 1))
                        && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                Thread.sleep(100);
                stop.set(true);
                for (Thread t : threads) {
                    t.join();
                }
                assertThat(handle.version()).contains(String.format("v%06d", snapshots + 1));
                assertThat(handle.registry().get("coldstream.serving.swaps").counter().count())
                        .isGreaterThanOrEqualTo(5);
            }
        }
        assertThat(failures.get()).as("failed requests of %d", requests.get()).isZero();
        assertThat(backwards.get()).as("answers from an earlier or an unpublished version").isZero();
        assertThat(answered.size()).isGreaterThanOrEqualTo(5);
        for (Map.Entry<String, float[]> e : answered.entrySet()) {
            float[] offline = TestStore.offline(store(), e.getKey(), one, 1);
            if (batching) {
                // a row computed among others runs other kernels: equal up to float rounding
                for (int c = 0; c < offline.length; c++) {
                    assertThat(e.getValue()[c]).as("what %s answered for class %d", e.getKey(), c)
                            .isCloseTo(offline[c], org.assertj.core.data.Offset.offset(1e-5f));
                }
            } else {
                assertThat(e.getValue()).as("what %s answered", e.getKey()).containsExactly(offline);
            }
        }
    }
}
