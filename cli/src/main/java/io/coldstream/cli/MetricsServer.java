package io.coldstream.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.coldstream.core.ConfigurationException;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A Prometheus scrape endpoint: {@code GET /metrics} on the given address serves the registry in
 * the Prometheus text exposition format (version 0.0.4). Binds to 127.0.0.1 unless told otherwise,
 * so a training box does not expose its metrics to the network by accident. One daemon thread
 * answers requests.
 */
final class MetricsServer implements AutoCloseable {

    /** The content type Prometheus expects for the text format. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry;
    private final HttpServer server;
    private final ExecutorService executor;

    private MetricsServer(PrometheusMeterRegistry registry, HttpServer server, ExecutorService executor) {
        this.registry = registry;
        this.server = server;
        this.executor = executor;
    }

    /**
     * @param host the address to bind, such as 127.0.0.1
     * @param port the port, 1..65535
     * @return a started server with a fresh Prometheus registry
     * @throws ConfigurationException if the address cannot be bound
     */
    static MetricsServer start(String host, int port) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 16);
        } catch (BindException e) {
            throw new ConfigurationException("metrics.port was " + port + " but " + host + ":" + port
                    + " cannot be bound (" + e.getMessage() + "); choose a free port");
        } catch (IOException e) {
            throw new ConfigurationException("metrics.host/port " + host + ":" + port + " cannot be served: "
                    + e.getMessage());
        }
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "coldstream-metrics-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", exchange -> handle(exchange, registry));
        server.start();
        return new MetricsServer(registry, server, executor);
    }

    private static void handle(HttpExchange exchange, PrometheusMeterRegistry registry) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            boolean get = "GET".equals(exchange.getRequestMethod()) || "HEAD".equals(exchange.getRequestMethod());
            if (!"/metrics".equals(path)) {
                respond(exchange, 404, "text/plain; charset=utf-8", "not found: try /metrics\n");
            } else if (!get) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                respond(exchange, 405, "text/plain; charset=utf-8", "only GET and HEAD\n");
            } else {
                respond(exchange, 200, CONTENT_TYPE, registry.scrape());
            }
        }
    }

    private static void respond(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        boolean head = "HEAD".equals(exchange.getRequestMethod());
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    /** @return the registry the endpoint serves */
    PrometheusMeterRegistry registry() {
        return registry;
    }

    /** @return the bound port (useful when 0 asked for any free port) */
    int port() {
        return server.getAddress().getPort();
    }

    /** @return the bound address */
    String host() {
        return server.getAddress().getHostString();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        registry.close();
    }
}
