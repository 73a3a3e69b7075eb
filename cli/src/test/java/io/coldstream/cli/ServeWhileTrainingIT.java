package io.coldstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.coldstream.core.MiniBatch;
import io.coldstream.model.Network;
import io.coldstream.model.NetworkEngine;
import io.coldstream.model.Networks;
import io.coldstream.model.SnapshotStore;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real trainer process publishes snapshots while a real {@code coldstream serve} process answers
 * clients over loopback HTTP: no failed request, versions never backwards per client, every answer
 * from a published version and equal to what that snapshot computes offline; then SIGTERM.
 */
class ServeWhileTrainingIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void servesEverySnapshotOfARunningTrainerWithoutAFailedRequest() throws Exception {
        Path out = dir.resolve("run");
        Files.createDirectories(out);
        Process serve = ServeProcess.launch(dir, "serve", "serve", "--store", out.toString(), "--port", "0");
        int port = ServeProcess.awaitPort(serve, dir.resolve("serve.err"));
        Process train = ServeProcess.launch(dir, "train", "train", "--out", out.toString(), "--limit", "260", "--snapshot-every",
                "10", "--replay-k", "8", "--holdout-every", "0", "--checkpoint-every", "0", "--metrics-every",
                "1000", "--seed", "3");
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (ServeProcess.status(client, port, "/health") != 200) {
            assertThat(System.nanoTime()).as("serve ready: %s", ServeProcess.err(dir, "train")).isLessThan(deadline);
            assertThat(serve.isAlive()).as(ServeProcess.err(dir, "serve")).isTrue();
            Thread.sleep(100);
        }
        byte[] pixels = new byte[784];
        new Random(5).nextBytes(pixels);
                int clients = 4;
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger failed = new AtomicInteger();
        AtomicInteger backwards = new AtomicInteger();
        AtomicInteger answers = new AtomicInteger();
        List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        Map<String, float[]> firstAnswer = new ConcurrentHashMap<>();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            Thread t = new Thread(() -> {
                long last = 0;
                while (!stop.get()) {
                    try {
                        HttpResponse<String> r = client.send(ServeProcess.predict(port, pixels),
                                HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() != 200) {
                            failed.incrementAndGet();
                            failures.add(r.statusCode() + " " + r.body());
                            continue;
                        }
                        JsonNode n = JSON.readTree(r.body());
                        String version = n.get("version").asText();
                        long number = SnapshotStore.versionNumber(version);
                        if (number < last) {
                            backwards.incrementAndGet();
                        }
                        last = number;
                        answers.incrementAndGet();
                        JsonNode probs = n.get("predictions").get(0).get("probabilities");
                        float[] p = new float[probs.size()];
                        for (int i = 0; i < p.length; i++) {
                            p[i] = (float) probs.get(i).asDouble();
                        }
                        firstAnswer.putIfAbsent(version, p);
                    } catch (Exception e) {
                        failed.incrementAndGet();
                        failures.add(e.toString());
                    }
                }
            });
            t.start();
            threads.add(t);
        }
        assertThat(train.waitFor(5, TimeUnit.MINUTES)).as("trainer finished").isTrue();
        assertThat(train.exitValue()).as(ServeProcess.err(dir, "train")).isZero();
        Path store = out.resolve("snapshots");
        String last = SnapshotStore.readLatest(store);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!firstAnswer.containsKey(last) && System.nanoTime() < end) {
            Thread.sleep(50);
        }
        stop.set(true);
        for (Thread t : threads) {
            t.join();
        }
        List<String> published = new SnapshotStore(store).versions();
        assertThat(published).hasSizeGreaterThanOrEqualTo(20);
        assertThat(failed.get()).as("failed requests of %d: %s", answers.get() + failed.get(),
                failures.stream().limit(3).toList()).isZero();
        assertThat(backwards.get()).as("answers from a version older than the one before").isZero();
        assertThat(published).containsAll(firstAnswer.keySet());
        assertThat(firstAnswer).containsKey(last);
        assertThat(firstAnswer.size()).as("versions answered from").isGreaterThanOrEqualTo(5);
        float[] features = new float[784];
        for (int i = 0; i < 784; i++) {
            features[i] = (pixels[i] & 0xff) * MiniBatch.PIXEL_SCALE;
        }
        // the same engine set-up as the serve command (oneDNN layers), so the same kernels run
        Networks.startEngine(NetworkEngine.DL4J, 0, true);
        for (Map.Entry<String, float[]> e : firstAnswer.entrySet()) {
            try (Network net = new SnapshotStore(store).load(e.getKey(), 1)) {
                float[] expected = new float[10];
                net.predictProbabilities(features, 1, expected);
                // serve batches concurrent requests by default, and a row computed among others runs
                // other kernels: equal up to float rounding (ModelHandleIT holds the unbatched path to
                // the last bit)
                for (int c = 0; c < expected.length; c++) {
                    assertThat(e.getValue()[c]).as("%s over HTTP vs offline, class %d", e.getKey(), c)
                            .isCloseTo(expected[c], org.assertj.core.data.Offset.offset(1e-5f));
                }
            }
        }
        System.out.printf("%d answers from %d of %d versions, 0 failed%n", answers.get(), firstAnswer.size(),
                published.size());

        // SIGTERM: the server stops cleanly
        serve.destroy();
        assertThat(serve.waitFor(30, TimeUnit.SECONDS)).as("serve stopped on SIGTERM").isTrue();
        assertThat(serve.exitValue()).isIn(0, 143);
        assertThat(ServeProcess.err(dir, "serve")).doesNotContain("Exception").doesNotContain("ERROR");
    }
}
