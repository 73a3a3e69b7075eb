package io.coldstream.serving;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.coldstream.core.ConfigurationException;
import io.coldstream.core.Shape;
import io.coldstream.serving.internal.Inputs;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP face of a {@link ModelHandle}, on the JDK's {@code com.sun.net.httpserver} (no extra
 * dependency; a fixed pool of request threads; keep-alive; it holds the load measured in
 * {@code benchmarks/}, where the forward pass, not the server, is the bottleneck).
 *
 * <ul>
 *   <li>{@code POST /predict}: body {@code image/png} or {@code image/jpeg} (one example),
 *       {@code application/x-coldstream-record} (one stream record, format 1), or
 *       {@code application/json} ({@code {"pixels": [...]}} or {@code {"instances": [[...], ...]}},
 *       pixel values 0-255, channels first). Answers {@code {"version", "predictions": [{"class",
 *       "probability", "topK": [{"class", "probability"}], "probabilities"}]}}. Bad input is 400
 *       (415 for an unknown content type, 413 over the body limit), never 5xx; 503 until a model is
 *       loaded.</li>
 *   <li>{@code GET /health}: 200 once a model is loaded, 503 before.</li>
 *   <li>{@code GET /versions}: the store's versions, the one serving, the refused ones and why.</li>
 *   <li>{@code GET /metrics}: the Prometheus text format of the registry (requests by route and
 *       status, latency histograms, rows per forward pass, the served version, swaps, refusals).</li>
 * </ul>
 *
 * <p>Nothing received is Java-deserialised. Thread-safe; {@link #close()} stops accepting, lets
 * in-flight requests finish (up to {@link ServerOptions#drain()}), then stops the threads.
 */
public final class PredictServer implements AutoCloseable {

    /** The content type of a Coldstream stream record. */
    public static final String RECORD_TYPE = "application/x-coldstream-record";
    /** The content type Prometheus expects for the text format. */
    public static final String PROMETHEUS_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private static final Logger LOG = LoggerFactory.getLogger(PredictServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String JSON_TYPE = "application/json";
    private static final String NODELAY = "sun.net.httpserver.nodelay";

    private final ModelHandle handle;
    private final ServerOptions options;
    private final PrometheusMeterRegistry registry;
    private final HttpServer server;
    private final ExecutorService executor;

    private PredictServer(ModelHandle handle, ServerOptions options, PrometheusMeterRegistry registry,
            HttpServer server, ExecutorService executor) {
        this.handle = handle;
        this.options = options;
        this.registry = registry;
        this.server = server;
        this.executor = executor;
    }

    /**
     * Binds and starts serving.
     *
     * @param handle the model handle to answer from
     * @param options address, port, body limit, threads
     * @param registry the registry {@code /metrics} serves (give the handle the same one)
     * @return the started server
     * @throws ConfigurationException if the address cannot be bound
     */
    public static PredictServer start(ModelHandle handle, ServerOptions options, PrometheusMeterRegistry registry) {
        // The JDK server writes a response's headers and body separately; without TCP_NODELAY, Nagle's
        // algorithm and the client's delayed ACK add about 40 ms to every request (measured: p50 48 ms).
        // Read once, when the JDK's server configuration first loads.
        if (System.getProperty(NODELAY) == null) {
            System.setProperty(NODELAY, "true");
        }
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(options.host(), options.port()), 128);
        } catch (BindException e) {
            throw new ConfigurationException("port was " + options.port() + " but " + options.host() + ":"
                    + options.port() + " cannot be bound (" + e.getMessage() + "); choose a free port");
        } catch (IOException e) {
            throw new ConfigurationException("host/port " + options.host() + ":" + options.port()
                    + " cannot be served: " + e.getMessage());
        }
        AtomicInteger n = new AtomicInteger();
        int threads = requestThreads(options, handle.options());
        ThreadPoolExecutor executor = new ThreadPoolExecutor(threads, threads, 0L,
                TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "coldstream-serve-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        server.setExecutor(executor);
        PredictServer ps = new PredictServer(handle, options, registry, server, executor);
        server.createContext("/", ps::handle);
        server.start();
        return ps;
    }

    /**
     * A request thread waits while its row is in a batch. With fewer threads than {@code maxBatch}
     * no batch could fill (measured: 16 threads held every batch of 32 clients to 16 rows), and with
     * fewer than twice it the next batch could not gather while one runs.
     *
     * @return the request threads to run: {@code options.threads()}, and with batching at least
     *     {@code 2 x maxBatch}
     */
    public static int requestThreads(ServerOptions options, ServingOptions serving) {
        return serving.batching() ? Math.max(options.threads(), 2 * serving.maxBatch()) : options.threads();
    }

    /** @return the bound port */
    public int port() {
        return server.getAddress().getPort();
    }

    /** @return the bound address */
    public String host() {
        return server.getAddress().getHostString();
    }

    private void handle(HttpExchange exchange) throws IOException {
        long t0 = System.nanoTime();
        String path = exchange.getRequestURI().getPath();
        String route = switch (path) {
            case "/predict", "/health", "/versions", "/metrics" -> path.substring(1);
            default -> "other";
        };
        int status = 500;
        try (exchange) {
            status = route(exchange, route);
        } catch (IOException e) {
            LOG.debug("request to {} ended early: {}", path, e.getMessage());
            status = 499; // the client went away
        } catch (RuntimeException e) {
            LOG.error("request to {} failed: {}", path, e.getMessage(), e);
            status = 500;
        } finally {
            Counter.builder("coldstream.serving.requests").tag("route", route).tag("status", String.valueOf(status))
                    .description("HTTP requests answered, by route and status").register(registry).increment();
            Timer.builder("coldstream.serving.request").tag("route", route)
                    .description("HTTP request time, body read to answer written").publishPercentileHistogram()
                    .register(registry).record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
        }
    }

    private int route(HttpExchange exchange, String route) throws IOException {
        String method = exchange.getRequestMethod();
        switch (route) {
            case "predict":
                if (!"POST".equals(method)) {
                    return methodNotAllowed(exchange, "POST");
                }
                return predict(exchange);
            case "health":
            case "versions":
            case "metrics":
                if (!"GET".equals(method) && !"HEAD".equals(method)) {
                    return methodNotAllowed(exchange, "GET, HEAD");
                }
                if (route.equals("metrics")) {
                    return respond(exchange, 200, PROMETHEUS_TYPE, registry.scrape().getBytes(StandardCharsets.UTF_8));
                }
                return route.equals("health") ? health(exchange) : versions(exchange);
            default:
                return error(exchange, 404, "no route " + exchange.getRequestURI().getPath()
                        + ": try POST /predict, GET /health, /versions or /metrics");
        }
    }

    private int predict(HttpExchange exchange) throws IOException {
        String length = exchange.getRequestHeaders().getFirst("Content-Length");
        if (length != null) {
            long declared;
            try {
                declared = Long.parseLong(length.trim());
            } catch (NumberFormatException e) {
                return error(exchange, 400, "Content-Length was '" + length + "' but it must be a whole number");
            }
            if (declared > options.maxBodyBytes()) {
                return error(exchange, 413, "the body is " + declared + " bytes but at most " + options.maxBodyBytes()
                        + " are accepted (--max-body)");
            }
        }
        byte[] body = readBody(exchange.getRequestBody(), options.maxBodyBytes());
        if (body == null) {
            return error(exchange, 413, "the body is over " + options.maxBodyBytes() + " bytes, the most accepted"
                    + " (--max-body)");
        }
        if (!handle.ready()) {
            exchange.getResponseHeaders().set("Retry-After", "1");
            return error(exchange, 503, "no model is loaded yet: " + handle.status().latest());
        }
        String type = mediaType(exchange.getRequestHeaders().getFirst("Content-Type"));
        Shape shape = handle.inputShape();
        Inputs.Rows rows;
        try {
            rows = switch (type) {
                case "image/png", "image/jpeg" -> new Inputs.Rows(Inputs.image(body, shape), 1);
                case RECORD_TYPE -> new Inputs.Rows(Inputs.record(body, shape), 1);
                case JSON_TYPE -> Inputs.json(body, shape, Math.max(handle.options().maxBatch(), 1024));
                default -> null;
            };
        } catch (BadInputException e) {
            return error(exchange, 400, e.getMessage());
        }
        if (rows == null) {
            return error(exchange, 415, "Content-Type was '" + type + "' but /predict takes image/png, image/jpeg, "
                    + RECORD_TYPE + " or " + JSON_TYPE);
        }
        Prediction p;
        try {
            p = handle.predict(rows.features(), rows.count());
        } catch (BadInputException e) {
            return error(exchange, 400, e.getMessage());
        } catch (ServingException e) {
            return error(exchange, 503, e.getMessage());
        }
        return respond(exchange, 200, JSON_TYPE, JSON.writeValueAsBytes(answer(p)));
    }

    private static ObjectNode answer(Prediction p) {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", p.version());
        ArrayNode predictions = root.putArray("predictions");
        for (int row = 0; row < p.rows(); row++) {
            ObjectNode r = predictions.addObject();
            int best = p.predictedClass(row);
            r.put("class", best);
            r.put("probability", p.probability(row, best));
            ArrayNode top = r.putArray("topK");
            for (ScoredClass s : p.topK(row)) {
                top.addObject().put("class", s.label()).put("probability", s.probability());
            }
            ArrayNode all = r.putArray("probabilities");
            for (float v : p.probabilities(row)) {
                all.add(v);
            }
        }
        return root;
    }

    private int health(HttpExchange exchange) throws IOException {
        ObjectNode n = JSON.createObjectNode();
        boolean ready = handle.ready();
        n.put("status", ready ? "ready" : "loading");
        n.put("version", handle.version().orElse(null));
        return respond(exchange, ready ? 200 : 503, JSON_TYPE, JSON.writeValueAsBytes(n));
    }

    private int versions(HttpExchange exchange) throws IOException {
        ServingStatus s = handle.status();
        ObjectNode n = JSON.createObjectNode();
        n.put("serving", s.serving());
        n.put("policy", s.policy().toString());
        n.put("latest", s.latest());
        ArrayNode versions = n.putArray("versions");
        s.versions().forEach(versions::add);
        ObjectNode refused = n.putObject("refused");
        for (Map.Entry<String, String> e : s.refused().entrySet()) {
            refused.put(e.getKey(), e.getValue());
        }
        return respond(exchange, 200, JSON_TYPE, JSON.writeValueAsBytes(n));
    }

    /** @return the body, or {@code null} if it is longer than {@code max} */
    private static byte[] readBody(InputStream in, long max) throws IOException {
        byte[] buf = new byte[(int) Math.min(max + 1, 64 * 1024)];
        int size = 0;
        while (true) {
            if (size == buf.length) {
                if (size > max) {
                    return null;
                }
                buf = Arrays.copyOf(buf, (int) Math.min(max + 1, (long) buf.length * 2));
            }
            int n = in.read(buf, size, buf.length - size);
            if (n < 0) {
                break;
            }
            size += n;
            if (size > max) {
                return null;
            }
        }
        return Arrays.copyOf(buf, size);
    }

    private static String mediaType(String header) {
        if (header == null) {
            return "";
        }
        int semi = header.indexOf(';');
        return (semi < 0 ? header : header.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
    }

    private static int methodNotAllowed(HttpExchange exchange, String allow) throws IOException {
        exchange.getResponseHeaders().set("Allow", allow);
        return error(exchange, 405, exchange.getRequestMethod() + " is not allowed here; use " + allow);
    }

    private static int error(HttpExchange exchange, int status, String message) throws IOException {
        ObjectNode n = JSON.createObjectNode();
        n.put("status", status);
        n.put("error", message);
        return respond(exchange, status, JSON_TYPE, JSON.writeValueAsBytes(n));
    }

    private static int respond(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        boolean head = "HEAD".equals(exchange.getRequestMethod());
        exchange.sendResponseHeaders(status, head ? -1 : body.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
        return status;
    }

    /**
     * Stops accepting connections, waits up to {@link ServerOptions#drain()} for in-flight requests
     * to finish, then stops the request threads. The handle and the registry stay open.
     */
    @Override
    public void close() {
        server.stop((int) Math.max(0, Math.min(Integer.MAX_VALUE, options.drain().toSeconds())));
        executor.shutdown();
        try {
            if (!executor.awaitTermination(options.drain().toMillis() + 1000, TimeUnit.MILLISECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
