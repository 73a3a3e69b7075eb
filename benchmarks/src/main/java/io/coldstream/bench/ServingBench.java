package io.coldstream.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.coldstream.core.AtomicFiles;
import io.coldstream.core.MiniBatch;
import io.coldstream.core.SeededRandom;
import io.coldstream.core.Shape;
import io.coldstream.learner.NetworkCopies;
import io.coldstream.learner.SnapshotPublisher;
import io.coldstream.model.Network;
import io.coldstream.model.NetworkEngine;
import io.coldstream.model.NetworkKind;
import io.coldstream.model.Networks;
import io.coldstream.model.OptimizerSettings;
import io.coldstream.serving.ModelHandle;
import io.coldstream.serving.PredictServer;
import io.coldstream.serving.ServerOptions;
import io.coldstream.serving.ServingOptions;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The serving benchmarks of the small CNN (1x28x28, 10 classes) on both engines: predict latency at
 * batch 1 in-process and over loopback HTTP (p50, p99), the forward pass's time per row at 1, 8 and 32
 * rows, throughput of 32 in-process threads and of 1, 8 and 32 HTTP clients, the
 * time from a new {@code LATEST} to the first answer from it, and how a training step's time changes
 * while a snapshot is being published. Writes JSON to the file given as the first argument.
 *
 * <p>Run: {@code java -cp ... io.coldstream.bench.ServingBench serving.json [seconds-per-case]}.
 */
public final class ServingBench {

    private static final Shape SHAPE = new Shape(1, 28, 28);

    private ServingBench() {
    }

    /**
     * @param args output file, then optionally seconds per throughput case (default 5)
     * @throws Exception on any failure
     */
    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "serving.json");
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 5;
        Networks.startEngine(NetworkEngine.DL4J, 0, true);
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("OMP_NUM_THREADS", System.getenv("OMP_NUM_THREADS")); // both engines size their pools from it
        results.put("OMP_WAIT_POLICY", System.getenv("OMP_WAIT_POLICY"));
        for (NetworkEngine engine : NetworkEngine.values()) {
            results.put(engine.cliName(), engine(engine, seconds));
        }
        results.put("stepWhilePublishing", stepWhilePublishing(NetworkEngine.DL4J));
        results.put("stepWhilePublishingPytorch", stepWhilePublishing(NetworkEngine.PYTORCH));
        byte[] json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(results);
        Files.write(out, json);
        System.out.println(new String(json, java.nio.charset.StandardCharsets.UTF_8));
    }

    private static Map<String, Object> engine(NetworkEngine engine, double seconds) throws Exception {
        Map<String, Object> r = new LinkedHashMap<>();
        Path dir = Files.createTempDirectory("coldstream-serving-bench");
        Path store = dir.resolve("snapshots");
        MiniBatch batch = batch(33, 1);
        try (Network net = Networks.create(engine, NetworkKind.SMALL_CNN, SHAPE, 10, OptimizerSettings.defaults(), 1,
                33); SnapshotPublisher publisher = new SnapshotPublisher(store, Clock.systemUTC())) {
            net.fit(batch);
            publisher.publish(net.copy(), 1, null, Map.of(), Map.of());
            publisher.awaitAll();
            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            try (ModelHandle handle = ModelHandle.open(dir, ServingOptions.builder().noBatching().build(), registry)) {
                handle.awaitReady(Duration.ofSeconds(30));
                float[] one = Arrays.copyOf(batch(1, 2).features(), SHAPE.elementCount());
                // in-process latency at batch 1
                r.put("inProcessBatch1Ms", percentiles(latencies(() -> handle.predict(one, 1))));
                // what batching saves in the engine: one forward pass's time per row at 1, 8 and 32 rows
                r.put("forwardMsPerRow", forwardPerRow(net));
                // in-process throughput from 32 threads, one model behind a lock: no HTTP in the way
                r.put("inProcessThroughputPerSecond", inProcessThroughput(handle, one, 32, seconds));
                try (PredictServer server = PredictServer.start(handle, ServerOptions.loopback(0), registry)) {
                    byte[] record = record(one);
                    URI uri = URI.create("http://127.0.0.1:" + server.port() + "/predict");
                    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                    HttpRequest request = HttpRequest.newBuilder(uri)
                            .header("Content-Type", PredictServer.RECORD_TYPE)
                            .POST(HttpRequest.BodyPublishers.ofByteArray(record)).build();
                    r.put("httpClientBatch1Ms", percentiles(latencies(() -> send(client, request))));
                    // the same requests from a blocking socket: the server's latency without the JDK
                    // client's selector thread and futures, which on 2 cores dominate the tail
                    try (PlainClient plain = new PlainClient(server.port(), record)) {
                        r.put("httpBatch1Ms", percentiles(latencies(plain::predict)));
                    }
                    Map<String, Object> throughput = new LinkedHashMap<>();
                    for (int clients : new int[] {1, 8, 32}) {
                        throughput.put(String.valueOf(clients), throughput(server.port(), record, clients, seconds));
                    }
                    r.put("httpThroughputPerSecond", throughput);
                }
                // the same with dynamic batching of up to 32 rows: waiting at most 2 ms for a batch to
                // fill, and not waiting at all (a pass takes what queued while the last one ran)
                r.put("batchedMaxDelay2ms", batched(dir, one, Duration.ofMillis(2), seconds));
                r.put("batchedMaxDelay0", batched(dir, one, Duration.ZERO, seconds));
                // time from a new LATEST to the first answer from it
                List<Double> swapMs = new ArrayList<>();
                for (int v = 2; v <= 11; v++) {
                    net.fit(batch);
                    String version = publisher.publish(net.copy(), v, null, Map.of(), Map.of());
                    publisher.awaitAll();
                    long t0 = System.nanoTime(); // LATEST was just written
                    while (!handle.predict(one, 1).version().equals(version)) {
                        Thread.sleep(1);
                    }
                    swapMs.add((System.nanoTime() - t0) / 1e6);
                }
                r.put("latestToFirstAnswerMs", swapMs);
            }
        } finally {
            AtomicFiles.deleteRecursively(dir);
        }
        return r;
    }

    /** HTTP throughput at 1, 8 and 32 clients, in-process throughput of 32 threads and batch fill, batched. */
    private static Map<String, Object> batched(Path dir, float[] one, Duration maxDelay, double seconds)
            throws Exception {
        Map<String, Object> r = new LinkedHashMap<>();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        ServingOptions batched = ServingOptions.builder().maxBatch(32).maxDelay(maxDelay).build();
        try (ModelHandle handle = ModelHandle.open(dir, batched, registry);
             PredictServer server = PredictServer.start(handle, ServerOptions.loopback(0), registry)) {
            handle.awaitReady(Duration.ofSeconds(30));
            // a lone caller's latency: what the hand-off to the batching thread (and any wait) costs
            r.put("inProcessBatch1Ms", percentiles(latencies(() -> handle.predict(one, 1))));
            try (PlainClient plain = new PlainClient(server.port(), record(one))) {
                r.put("httpBatch1Ms", percentiles(latencies(plain::predict)));
            }
            Map<String, Object> throughput = new LinkedHashMap<>();
            Map<String, Object> rows = new LinkedHashMap<>();
            io.micrometer.core.instrument.DistributionSummary passes =
                    registry.get("coldstream.serving.batch.size").summary();
            for (int clients : new int[] {1, 8, 32}) {
                long passesBefore = passes.count();
                double rowsBefore = passes.totalAmount();
                throughput.put(String.valueOf(clients), throughput(server.port(), record(one), clients, seconds));
                rows.put(String.valueOf(clients), (passes.totalAmount() - rowsBefore)
                        / Math.max(1, passes.count() - passesBefore));
            }
            r.put("httpThroughputPerSecond", throughput);
            r.put("inProcessThroughputPerSecond", inProcessThroughput(handle, one, 32, seconds));
            r.put("meanRowsPerPass", rows); // by clients: how full the batches were
        }
        return r;
    }

    private static Map<String, Object> stepWhilePublishing(NetworkEngine engine) throws Exception {
        Path dir = Files.createTempDirectory("coldstream-serving-bench");
        MiniBatch batch = batch(51, 3);
        List<Long> quiet = new ArrayList<>();
        List<Long> publishing = new ArrayList<>();
        try (Network net = Networks.create(engine, NetworkKind.SMALL_CNN, SHAPE, 10, OptimizerSettings.defaults(), 1,
                51); NetworkCopies copies = new NetworkCopies(net, 2);
                SnapshotPublisher publisher = new SnapshotPublisher(dir, Clock.systemUTC())) {
            for (int i = 0; i < 20; i++) {
                net.fit(batch);
            }
            for (int round = 0; round < 10; round++) {
                for (int i = 0; i < 10; i++) {
                    long t0 = System.nanoTime();
                    net.fit(batch);
                    quiet.add(System.nanoTime() - t0);
                }
                long c0 = System.nanoTime();
                // the copy is on the step's thread, as the trainer makes it
                publisher.publish(copies.copyOf(), round, null, Map.of(), Map.of());
                long copy = System.nanoTime() - c0;
                List<Long> during = new ArrayList<>();
                boolean first = true;
                while (publisher.latest() == null || !publisher.latest().version().equals(String.format("v%06d",
                        round + 1))) {
                    long t0 = System.nanoTime();
                    net.fit(batch);
                    during.add(System.nanoTime() - t0 + (first ? copy : 0));
                    first = false;
                }
                publishing.addAll(during);
            }
            publisher.awaitAll();
        } finally {
            AtomicFiles.deleteRecursively(dir);
        }
        Map<String, Object> r = new LinkedHashMap<>();
        double quietMedian = median(quiet);
        r.put("batch", 51);
        r.put("medianStepMs", quietMedian / 1e6);
        r.put("medianStepWhilePublishingMs", median(publishing) / 1e6);
        r.put("maxStepWhilePublishingMs", publishing.stream().mapToLong(Long::longValue).max().orElse(0) / 1e6);
        r.put("stepsWhilePublishing", publishing.size());
        r.put("medianRatio", median(publishing) / quietMedian);
        return r;
    }

    private static double median(List<Long> values) {
        long[] a = values.stream().mapToLong(Long::longValue).sorted().toArray();
        return a.length == 0 ? 0 : a[a.length / 2];
    }

    /**
     * Requests per second from {@code clients} threads, each with its own keep-alive connection and a blocking
     * socket ({@link PlainClient}): on 2 cores the JDK client's selector thread and futures took CPU from the
     * server and capped the figure below what the server answers.
     */
    private static Map<String, Object> throughput(int port, byte[] record, int clients, double seconds)
            throws Exception {
        List<PlainClient> connections = new ArrayList<>();
        try {
            for (int c = 0; c < clients; c++) {
                connections.add(new PlainClient(port, record));
            }
            return callsPerSecond(connections.stream().<Request>map(c -> c::predict).toList(), seconds);
        } finally {
            for (PlainClient c : connections) {
                c.close();
            }
        }
    }

    /**
     * Runs each request in a loop on a thread of its own, and counts the calls after a second of warm-up.
     * A request that throws ends its thread (a connection is then in an unknown state) and is counted.
     *
     * @return {@code requestsPerSecond} and {@code failed}
     */
    private static Map<String, Object> callsPerSecond(List<Request> requests, double seconds)
            throws InterruptedException {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong done = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (Request request : requests) {
            Thread t = new Thread(() -> {
                while (!stop.get()) {
                    try {
                        request.run();
                        done.incrementAndGet();
                    } catch (Exception e) {
                        failed.incrementAndGet();
                        return;
                    }
                }
            });
            t.start();
            threads.add(t);
        }
        Thread.sleep(1000); // warm-up
        long d0 = done.get();
        long t0 = System.nanoTime();
        Thread.sleep((long) (seconds * 1000));
        long d1 = done.get();
        double elapsed = (System.nanoTime() - t0) / 1e9;
        stop.set(true);
        for (Thread t : threads) {
            t.join();
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("requestsPerSecond", (d1 - d0) / elapsed);
        r.put("failed", failed.get());
        return r;
    }

    /**
     * Median time of one forward pass divided by its rows, at 1, 8 and 32 rows: the engine's share of what
     * batching wins. It is not a bound on the throughput ratio: unbatched callers also queue on the
     * model's lock, which batching replaces with one hand-off per pass (measured above the ratio).
     */
    private static Map<String, Object> forwardPerRow(Network net) {
        Map<String, Object> r = new LinkedHashMap<>();
        for (int rows : new int[] {1, 8, 32}) {
            float[] in = batch(rows, 7).features();
            float[] features = Arrays.copyOf(in, rows * SHAPE.elementCount());
            float[] out = new float[rows * net.numClasses()];
            int passes = Math.max(50, 2000 / rows);
            for (int i = 0; i < passes / 5; i++) {
                net.predictProbabilities(features, rows, out); // warm-up
            }
            List<Long> times = new ArrayList<>();
            for (int i = 0; i < passes; i++) {
                long t0 = System.nanoTime();
                net.predictProbabilities(features, rows, out);
                times.add(System.nanoTime() - t0);
            }
            r.put(String.valueOf(rows), median(times) / 1e6 / rows);
        }
        return r;
    }

    /** Predictions per second from {@code clients} threads calling the handle directly. */
    private static Map<String, Object> inProcessThroughput(ModelHandle handle, float[] one, int clients,
            double seconds) throws InterruptedException {
        List<Request> requests = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            requests.add(() -> handle.predict(one, 1));
        }
        return callsPerSecond(requests, seconds);
    }

    private static int send(HttpClient client, HttpRequest request) throws Exception {
        HttpResponse<byte[]> r = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        return r.statusCode();
    }

    /** HTTP/1.1 keep-alive over one blocking socket: request written whole, answer read to its length. */
    private static final class PlainClient implements AutoCloseable {
        private final java.net.Socket socket;
        private final java.io.OutputStream out;
        private final java.io.InputStream in;
        private final byte[] request;
        private final byte[] buffer = new byte[64 * 1024];

        PlainClient(int port, byte[] body) throws java.io.IOException {
            socket = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), port);
            socket.setTcpNoDelay(true);
            out = new java.io.BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
            in = socket.getInputStream();
            byte[] head = ("POST /predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + PredictServer.RECORD_TYPE
                    + "\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(
                    java.nio.charset.StandardCharsets.US_ASCII);
            request = Arrays.copyOf(head, head.length + body.length);
            System.arraycopy(body, 0, request, head.length, body.length);
        }

        void predict() throws java.io.IOException {
            out.write(request);
            out.flush();
            int have = 0;
            int headerEnd = -1;
            while (headerEnd < 0) {
                int n = in.read(buffer, have, buffer.length - have);
                if (n < 0) {
                    throw new java.io.EOFException("the server closed the connection");
                }
                have += n;
                for (int i = 3; i < have; i++) {
                    if (buffer[i - 3] == '\r' && buffer[i - 2] == '\n' && buffer[i - 1] == '\r' && buffer[i] == '\n') {
                        headerEnd = i + 1;
                        break;
                    }
                }
            }
            String head = new String(buffer, 0, headerEnd, java.nio.charset.StandardCharsets.US_ASCII);
            if (!head.startsWith("HTTP/1.1 200")) {
                throw new java.io.IOException("answer was " + head.lines().findFirst().orElse(""));
            }
            int at = head.toLowerCase(java.util.Locale.ROOT).indexOf("content-length:");
            if (at < 0) {
                throw new java.io.IOException("answer without Content-Length: " + head);
            }
            int length = Integer.parseInt(head.substring(at + 15, head.indexOf('\r', at)).strip());
            int missing = headerEnd + length - have;
            while (missing > 0) {
                int n = in.read(buffer, 0, Math.min(buffer.length, missing));
                if (n < 0) {
                    throw new java.io.EOFException("the server closed the connection mid-answer");
                }
                missing -= n;
            }
        }

        @Override
        public void close() throws java.io.IOException {
            socket.close();
        }
    }

    /** One request at batch 1, as the latency loops time it. */
    private interface Request {
        void run() throws Exception;
    }

    /** @return the nanoseconds of 2,000 calls of {@code request}, after 300 untimed ones */
    private static long[] latencies(Request request) throws Exception {
        for (int i = 0; i < 300; i++) {
            request.run();
        }
        long[] nanos = new long[2000];
        for (int i = 0; i < nanos.length; i++) {
            long t0 = System.nanoTime();
            request.run();
            nanos[i] = System.nanoTime() - t0;
        }
        return nanos;
    }

    private static Map<String, Object> percentiles(long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("p50", s[s.length / 2] / 1e6);
        r.put("p99", s[(int) (s.length * 0.99)] / 1e6);
        r.put("max", s[s.length - 1] / 1e6);
        r.put("n", s.length);
        return r;
    }

    private static MiniBatch batch(int rows, long seed) {
        MiniBatch batch = new MiniBatch(rows, SHAPE, 10);
        SeededRandom random = new SeededRandom(seed);
        byte[] pixels = new byte[SHAPE.elementCount()];
        for (int row = 0; row < rows; row++) {
            for (int i = 0; i < pixels.length; i++) {
                pixels[i] = (byte) random.nextInt(256);
            }
            batch.setRow(row, pixels, 0, random.nextInt(10));
        }
        batch.setSize(rows);
        return batch;
    }

    private static byte[] record(float[] features) {
        ByteBuffer b = ByteBuffer.allocate(24 + features.length);
        b.putInt(0x43534558).put((byte) 1).put((byte) 0).put((byte) 0).put((byte) 0).putInt(0);
        b.putInt(SHAPE.channels()).putInt(SHAPE.height()).putInt(SHAPE.width());
        for (float f : features) {
            b.put((byte) Math.round(f * 255f));
        }
        return b.array();
    }
}
