package io.coldstream.serving;

import static io.coldstream.serving.TestStore.MNIST;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.coldstream.core.MiniBatch;
import io.coldstream.model.Network;
import io.coldstream.model.NetworkEngine;
import io.coldstream.model.SnapshotStore;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link PredictServer} over real HTTP on loopback: every content type, every error path. */
class PredictServerIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final HttpClient client = HttpClient.newHttpClient();
    private PrometheusMeterRegistry registry;
    private ModelHandle handle;
    private PredictServer server;
    private byte[] pixels;

    @BeforeEach
    void start() throws Exception {
        MiniBatch b = TestStore.batch(MNIST, 1, 4);
        pixels = new byte[MNIST.elementCount()];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) Math.round(b.features()[i] * 255f);
        }
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        handle = ModelHandle.openUnwatched(dir, ServingOptions.defaults(), registry);
        server = PredictServer.start(handle, ServerOptions.loopback(0).withMaxBodyBytes(64 * 1024), registry);
    }

    @AfterEach
    void stop() {
        server.close();
        handle.close();
        registry.close();
    }

    private void publish() throws Exception {
        try (Network net = TestStore.smallCnn(NetworkEngine.DL4J, MNIST, 1)) {
            TestStore.publish(dir.resolve("snapshots"), "v000001", net);
        }
        handle.refresh();
    }

    private HttpResponse<String> post(String type, byte[] body) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(uri("/predict")).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (type != null) {
            r.header("Content-Type", type);
        }
        return client.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    private byte[] png(int w, int h, int type) throws Exception {
        BufferedImage img = new BufferedImage(w, h, type);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int v = pixels[(y * w + x) % pixels.length] & 0xff;
                img.getRaster().setSample(x, y, 0, v);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    private byte[] record(int c, int h, int w, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(24 + payload.length);
        b.putInt(0x43534558).put((byte) 1).put((byte) 0).put((byte) 0).put((byte) 0).putInt(3);
        b.putInt(c).putInt(h).putInt(w).put(payload);
        return Arrays.copyOf(b.array(), b.position());
    }

    private String jsonPixels(int n) {
        StringBuilder s = new StringBuilder("{\"pixels\": [");
        for (int i = 0; i < n; i++) {
            s.append(i == 0 ? "" : ",").append(pixels[i % pixels.length] & 0xff);
        }
        return s.append("]}").toString();
    }

    @Test
    void withBatchingABatchFillsFromMoreClientsThanTheDefaultRequestThreads() throws Exception {
        publish();
        ServingOptions batched = ServingOptions.builder().maxBatch(32).maxDelay(java.time.Duration.ofMillis(50))
                .build();
        assertThat(PredictServer.requestThreads(ServerOptions.loopback(0), batched)).isEqualTo(64);
        assertThat(PredictServer.requestThreads(ServerOptions.loopback(0), ServingOptions.builder().noBatching().build()))
                .isEqualTo(16);
        // batching is the default (without waiting), with the default --max-batch 64
        assertThat(ServingOptions.defaults().maxDelay()).isZero();
        assertThat(PredictServer.requestThreads(ServerOptions.loopback(0), ServingOptions.defaults())).isEqualTo(128);
        PrometheusMeterRegistry batchedRegistry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (ModelHandle bh = ModelHandle.openUnwatched(dir, batched, batchedRegistry);
                PredictServer bs = PredictServer.start(bh, ServerOptions.loopback(0), batchedRegistry)) {
            byte[] body = record(1, 28, 28, pixels);
            URI predict = URI.create("http://127.0.0.1:" + bs.port() + "/predict");
            for (int wave = 0; wave < 5; wave++) {
                // 32 requests at once: with 16 request threads (the default, and what the server ran
                // before batching raised it) no batch could hold more than 16 of them
                java.util.List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> answers =
                        new java.util.ArrayList<>();
                for (int c = 0; c < 32; c++) {
                    answers.add(client.sendAsync(HttpRequest.newBuilder(predict)
                            .header("Content-Type", PredictServer.RECORD_TYPE)
                            .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                            HttpResponse.BodyHandlers.ofString()));
                }
                for (var a : answers) {
                    assertThat(a.get().statusCode()).isEqualTo(200);
                }
            }
            assertThat(batchedRegistry.get("coldstream.serving.batch.size").summary().max())
                    .as("the largest batch").isGreaterThan(16);
        } finally {
            batchedRegistry.close();
        }
    }

    @Test
    void isNotReadyUntilASnapshotIsLoaded() throws Exception {
        assertThat(get("/health").statusCode()).isEqualTo(503);
        assertThat(post("application/json", jsonPixels(784).getBytes()).statusCode()).isEqualTo(503);
        publish();
        HttpResponse<String> health = get("/health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(health.body()).get("version").asText()).isEqualTo("v000001");
    }

    @Test
    void everyContentTypeAnswersWhatTheModelComputesForThePixels() throws Exception {
        publish();
        float[] features = new float[784];
        for (int i = 0; i < 784; i++) {
            features[i] = (pixels[i] & 0xff) * MiniBatch.PIXEL_SCALE;
        }
        float[] expectedOne = TestStore.offline(dir.resolve("snapshots"), "v000001", features, 1);
        StringBuilder instances = new StringBuilder("{\"instances\": [");
        String row = jsonPixels(784).replace("{\"pixels\": ", "").replace("}", "");
        instances.append(row).append(",").append(row).append("]}");
        HttpResponse<?>[] answers = {
            post("image/png", png(28, 28, BufferedImage.TYPE_BYTE_GRAY)),
            post(PredictServer.RECORD_TYPE, record(1, 28, 28, pixels)),
            post("application/json; charset=utf-8", jsonPixels(784).getBytes()),
            post("application/json", instances.toString().getBytes()),
        };
        float[] twice = Arrays.copyOf(features, 2 * 784);
        System.arraycopy(features, 0, twice, 784, 784);
        // a batch of two runs other kernels than one row: compare it with the snapshot's own batch of two
        float[] expectedTwice = TestStore.offline(dir.resolve("snapshots"), "v000001", twice, 2);
        for (HttpResponse<?> r : answers) {
            float[] expected = r == answers[3] ? expectedTwice : expectedOne;
            assertThat(r.statusCode()).as("%s", r.body()).isEqualTo(200);
            JsonNode n = JSON.readTree((String) r.body());
            assertThat(n.get("version").asText()).isEqualTo("v000001");
            int r0 = 0;
            for (JsonNode p : n.get("predictions")) {
                JsonNode probs = p.get("probabilities");
                assertThat(probs).hasSize(10);
                for (int c = 0; c < 10; c++) {
                    assertThat(Float.parseFloat(probs.get(c).asText())).as("row %d class %d", r0, c)
                            .isEqualTo(expected[(r0 * 10 + c) % expected.length]);
                }
                r0++;
                assertThat(p.get("topK")).hasSize(5);
                assertThat(p.get("topK").get(0).get("class").asInt()).isEqualTo(p.get("class").asInt());
            }
        }
        assertThat(JSON.readTree((String) answers[3].body()).get("predictions")).hasSize(2);
        // JPEG is lossy: only check that it is read and answered
        BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
        ImageIO.write(img, "jpeg", jpeg);
        assertThat(post("image/jpeg", jpeg.toByteArray()).statusCode()).isEqualTo(200);
    }

    @Test
    void badInputIsA4xxWithAMessageNeverA5xx() throws Exception {
        publish();
        byte[] good = record(1, 28, 28, pixels);
        Object[][] cases = {
            {"image/png", "not a png".getBytes(), 400, "neither PNG nor JPEG"},
            {"image/png", Arrays.copyOf(png(28, 28, BufferedImage.TYPE_BYTE_GRAY), 60), 400, "could not be decoded"},
            {"image/png", png(10, 10, BufferedImage.TYPE_BYTE_GRAY), 400, "10x10"},
            {"image/png", png(28, 28, BufferedImage.TYPE_INT_RGB), 400, "grey"},
            {"image/jpeg", new byte[] {(byte) 0xff, (byte) 0xd8, (byte) 0xff, 0, 1, 2}, 400, ""},
            {PredictServer.RECORD_TYPE, "XXXX0000000000000000".getBytes(), 400, "CSEX"},
            {PredictServer.RECORD_TYPE, Arrays.copyOf(good, good.length - 1), 400, "truncated"},
            {PredictServer.RECORD_TYPE, Arrays.copyOf(good, good.length + 1), 400, "after its end"},
            {PredictServer.RECORD_TYPE, record(3, 32, 32, new byte[3072]), 400, "3x32x32"},
            {"application/json", "{\"pixels\": [1, 2".getBytes(), 400, "not JSON"},
            {"application/json", "[1, 2]".getBytes(), 400, "object"},
            {"application/json", jsonPixels(100).getBytes(), 400, "784"},
            {"application/json", jsonPixels(784).replace("[", "[300,").replaceFirst(",\\d+]", "]").getBytes(), 400,
                "[0, 255]"},
            {"application/json", "{\"instances\": []}".getBytes(), 400, "non-empty"},
            {"application/json", "{\"image\": 1}".getBytes(), 400, "instances"},
            {"text/plain", "hello".getBytes(), 415, "image/png"},
            {null, "hello".getBytes(), 415, "Content-Type"},
            {"application/json", new byte[64 * 1024 + 1], 413, "--max-body"},
        };
        for (Object[] c : cases) {
            HttpResponse<String> r = post((String) c[0], (byte[]) c[1]);
            assertThat(r.statusCode()).as("%s %s", c[0], r.body()).isEqualTo(c[2]);
            assertThat(JSON.readTree(r.body()).get("error").asText()).contains((String) c[3]);
        }
        assertThat(get("/nowhere").statusCode()).isEqualTo(404);
        assertThat(get("/predict").statusCode()).isEqualTo(405);
        assertThat(client.send(HttpRequest.newBuilder(uri("/versions")).DELETE().build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(405);
        // after all that, the server still answers
        assertThat(post(PredictServer.RECORD_TYPE, good).statusCode()).isEqualTo(200);
        String metrics = get("/metrics").body();
        assertThat(metrics).contains("coldstream_serving_requests_total{route=\"predict\",status=\"400\"}")
                .contains("coldstream_serving_requests_total{route=\"predict\",status=\"413\"}")
                .doesNotContain("status=\"500\"");
    }

    @Test
    void versionsListsTheStoreTheServedVersionAndWhyOnesWereRefused() throws Exception {
        publish();
        try (Network net = TestStore.smallCnn(NetworkEngine.DL4J, MNIST, 2)) {
            Path v2 = TestStore.publish(dir.resolve("snapshots"), "v000002", net);
            Files.write(v2.resolve(SnapshotStore.MODEL_FILE), new byte[] {1, 2, 3});
        }
        handle.refresh();
        JsonNode v = JSON.readTree(get("/versions").body());
        assertThat(v.get("serving").asText()).isEqualTo("v000001");
        assertThat(v.get("latest").asText()).isEqualTo("v000002");
        assertThat(v.get("policy").asText()).isEqualTo("latest");
        assertThat(v.get("versions")).hasSize(2);
        assertThat(v.get("refused").get("v000002").asText()).startsWith("checksum:");
        String metrics = get("/metrics").body();
        assertThat(metrics).contains("coldstream_serving_refused_total{reason=\"checksum\"} 1.0")
                .contains("coldstream_serving_model_version 1.0").contains("coldstream_serving_swaps_total 1.0");
    }
}
