package io.coldstream.serving;

import io.coldstream.core.ConfigurationException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Where and how {@link PredictServer} listens.
 *
 * @param host the address to bind; {@code 127.0.0.1} by default, so nothing is exposed by accident
 * @param port the port, {@code 0} for any free one; default 8080
 * @param maxBodyBytes the largest request body accepted; larger ones get 413. Default 1 MiB
 * @param threads request threads; default 16 (forward passes still run one at a time per model). With
 *     dynamic batching on, the server runs at least {@code 2 x maxBatch}: a request thread waits for
 *     its batch, so fewer threads than that would cap the batch below {@code maxBatch}
 * @param drain on close, how long in-flight requests may take to finish; default 10 s
 */
public record ServerOptions(String host, int port, long maxBodyBytes, int threads, Duration drain) {

    /** Validates every value at once. */
    public ServerOptions {
        List<String> problems = new ArrayList<>();
        if (host == null || host.isBlank()) {
            problems.add("host was '" + host + "' but it must be an address such as 127.0.0.1");
        }
        if (port < 0 || port > 65535) {
            problems.add("port was " + port + " but it must be in [0, 65535] (0 = any free port)");
        }
        if (maxBodyBytes < 1 || maxBodyBytes > Integer.MAX_VALUE - 8) {
            problems.add("max-body was " + maxBodyBytes + " bytes but it must be in [1, 2 GB)");
        }
        if (threads < 1) {
            problems.add("threads was " + threads + " but it must be >= 1");
        }
        if (drain == null || drain.isNegative()) {
            problems.add("drain was " + drain + " but it must be zero or positive");
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException(String.join("; ", problems));
        }
    }

    /**
     * @param port the port, 0 for any free one
     * @return loopback, that port, 1 MiB bodies, 16 threads, 10 s drain
     */
    public static ServerOptions loopback(int port) {
        return new ServerOptions("127.0.0.1", port, 1L << 20, 16, Duration.ofSeconds(10));
    }

    /** @param v the address @return a copy with it */
    public ServerOptions withHost(String v) {
        return new ServerOptions(v, port, maxBodyBytes, threads, drain);
    }

    /** @param v the body limit in bytes @return a copy with it */
    public ServerOptions withMaxBodyBytes(long v) {
        return new ServerOptions(host, port, v, threads, drain);
    }

    /** @param v request threads @return a copy with it */
    public ServerOptions withThreads(int v) {
        return new ServerOptions(host, port, maxBodyBytes, v, drain);
    }
}
