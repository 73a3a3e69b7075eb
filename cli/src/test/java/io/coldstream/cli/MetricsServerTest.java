package io.coldstream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coldstream.core.ByteSize;
import io.coldstream.core.ConfigurationException;
import io.coldstream.core.Example;
import io.coldstream.core.SeededRandom;
import io.coldstream.core.Shape;
import io.coldstream.core.StreamPosition;
import io.coldstream.learner.TrainerMetrics;
import io.coldstream.replay.EvictionPolicy;
import io.coldstream.replay.ReplayBuffer;
import io.coldstream.replay.ReplayBuffers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricsServerTest {

    private static HttpResponse<String> get(MetricsServer server, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesTheTrainersMetricsAsValidPrometheusText() throws Exception {
        try (MetricsServer server = MetricsServer.start("127.0.0.1", 0)) {
            TrainerMetrics metrics = new TrainerMetrics(server.registry(), "run-1", "idx", "class-balanced",
                    Clock.systemUTC());
            Shape shape = new Shape(1, 4, 4);
            ReplayBuffer replay = ReplayBuffers.create(ByteSize.parse("4KB"), shape, 3, EvictionPolicy.CLASS_BALANCED,
                    new SeededRandom(1));
            metrics.bindReplay(replay);
            metrics.sourceLag(42);
            for (int i = 0; i < 5; i++) {
                replay.offer(new Example(i, i % 3, shape, new byte[16], new StreamPosition("train", i)));
                metrics.step(2_000_000, 0.5);
            }
            metrics.holdout(0.75, 1_000_000);
            metrics.progress(0.6, 0.7, 12.5);
            metrics.badRecord("bad-magic");

            HttpResponse<String> response = get(server, "/metrics");
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).hasValue(MetricsServer.CONTENT_TYPE);
            Map<String, Double> samples = PrometheusText.parse(response.body());
            String tags = "policy=\"class-balanced\",run=\"run-1\",source=\"idx\"";
            assertThat(samples).containsEntry("coldstream_examples_trained_examples_total{" + tags + "}", 5.0)
                    .containsEntry("coldstream_step_seconds_count{" + tags + "}", 5.0)
                    .containsEntry("coldstream_replay_entries{" + tags + "}", 5.0)
                    .containsEntry("coldstream_replay_stored_bytes{codec=\"raw\",kind=\"payload\"," + tags + "}", 80.0)
                    .containsEntry("coldstream_replay_stored_bytes{codec=\"raw\",kind=\"bookkeeping\"," + tags + "}",
                            60.0)
                    .containsEntry("coldstream_replay_stored_bytes{codec=\"raw\",kind=\"fixed\"," + tags + "}",
                            (double) replay.fixedBytes())
                    .containsEntry("coldstream_replay_entry_bytes{codec=\"raw\"," + tags + "}", 28.0)
                    .containsEntry("coldstream_replay_class_entries{class=\"1\"," + tags + "}", 2.0)
                    .containsEntry("coldstream_holdout_accuracy{" + tags + "}", 0.75)
                    .containsEntry("coldstream_prequential_accuracy{" + tags + ",window=\"recent\"}", 0.7)
                    .containsEntry("coldstream_source_lag_examples{" + tags + "}", 42.0)
                    .containsEntry("coldstream_bad_records_total{policy=\"class-balanced\",reason=\"bad-magic\","
                            + "run=\"run-1\",source=\"idx\"}", 1.0);
            assertThat(samples.keySet()).anyMatch(k -> k.startsWith("coldstream_step_seconds{") && k.contains("quantile=\"0.95\""));
            assertThat(samples.keySet()).anyMatch(k -> k.startsWith("jvm_memory_used_bytes{"));
            assertThat(samples.get("coldstream_process_resident_bytes{" + tags + "}")).isGreaterThan(1 << 20);
            assertThat(samples).containsKey("coldstream_networks_open{" + tags + "}");

            assertThat(get(server, "/other").statusCode()).isEqualTo(404);
        }
    }

    @Test
    void aPortInUseIsAClearConfigurationError() {
        try (MetricsServer first = MetricsServer.start("127.0.0.1", 0)) {
            assertThatThrownBy(() -> MetricsServer.start("127.0.0.1", first.port()))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("metrics.port was " + first.port())
                    .hasMessageContaining("choose a free port");
        }
    }

    @Test
    void theCheckerRejectsBrokenExposition() {
        assertThatThrownBy(() -> PrometheusText.parse("# TYPE a gauge\na{b=\"c} 1\n")).isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> PrometheusText.parse("x 1\n")).hasMessageContaining("before any TYPE");
        assertThatThrownBy(() -> PrometheusText.parse("# TYPE a gauge\na 1\na 2\n")).hasMessageContaining("duplicate");
        assertThat(PrometheusText.parse("# HELP a help\n# TYPE a gauge\na{b=\"c\\\"d\"} NaN\n")).hasSize(1);
    }
}
