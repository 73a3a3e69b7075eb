package io.coldstream.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.coldstream.backend.Backend;
import io.coldstream.backend.BackendReport;
import io.coldstream.backend.BackendSettings;
import io.coldstream.core.ConfigurationException;
import io.coldstream.model.NetworkKind;
import io.coldstream.core.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EngineBenchTest {

    private static BackendReport backend;

    @BeforeAll
    static void start() {
        backend = Backend.start(BackendSettings.defaults());
    }

    @Test
    void writesEveryEngineTheRatiosAndWhereColdstreamsStepSpendsItsTime(@TempDir Path out) throws Exception {
        List<String> lines = new ArrayList<>();
        EngineBench.Options options = new EngineBench.Options(List.of("small-cnn-1x28x28"), List.of(), 0, 0.3, 2, 2, 8,
                7);
        EngineBench.run(options, backend, out, lines::add);

        JsonNode report = new ObjectMapper().readTree(out.resolve("engine.json").toFile());
        assertThat(report.get("suite").asText()).isEqualTo("engine");
        assertThat(report.get("pytorch").asText()).startsWith("PyTorch 2.7.1 through DJL");
        assertThat(report.get("settings").get("batch").asInt()).isEqualTo(9);
        JsonNode c = report.get("cases").get(0);
        assertThat(c.get("case").asText()).isEqualTo("small-cnn-1x28x28");
        for (String engine : EngineBench.ENGINES) {
            JsonNode e = c.get("engines").get(engine);
            assertThat(e.get("stepsPerSecond").asDouble()).as(engine).isPositive();
            assertThat(e.get("rounds")).as(engine).hasSize(2);
            assertThat(e.get("timedSteps").asLong()).as(engine).isGreaterThanOrEqualTo(4);
        }
        // the same architecture in both engines: DL4J counts batch-norm running statistics as parameters
        long dl4j = c.get("engines").get("dl4j").get("parameters").asLong();
        long pytorch = c.get("engines").get("pytorch").get("parameters").asLong();
        assertThat(dl4j).isEqualTo(431_626L);
        assertThat(dl4j - pytorch).isEqualTo(2L * (32 + 64));
        assertThat(c.get("engines").get("coldstream-pytorch").get("parameters").asLong()).isEqualTo(pytorch);
        // with two rounds the median of the per-round ratios is their mean
        JsonNode cs = c.get("engines").get("coldstream").get("rounds");
        JsonNode pt = c.get("engines").get("pytorch").get("rounds");
        double expected = (cs.get(0).asDouble() / pt.get(0).asDouble() + cs.get(1).asDouble() / pt.get(1).asDouble()) / 2;
        assertThat(c.get("coldstreamToPytorchRatio").asDouble()).isCloseTo(expected, org.assertj.core.data.Offset.offset(0.01));
        assertThat(c.has("dl4jToPytorchRatio")).isTrue();
        assertThat(c.has("frameworkOverhead")).isTrue();
        for (String engine : List.of("coldstream", "coldstream-pytorch")) {
            JsonNode phases = c.get("engines").get(engine).get("phases");
            double shares = 0;
            for (String p : List.of("predict", "assemble", "fit", "offer")) {
                shares += phases.get(p).get("share").asDouble();
            }
            assertThat(shares).as(engine).isCloseTo(1.0, org.assertj.core.data.Offset.offset(0.01));
            assertThat(phases.get("fit").get("share").asDouble()).as(engine)
                    .isGreaterThan(phases.get("assemble").get("share").asDouble());
        }
        assertThat(c.has("coldstreamPytorchToPytorchRatio")).isTrue();
        assertThat(c.has("frameworkOverheadPytorch")).isTrue();
        assertThat(Files.readString(out.resolve("engine.md"))).contains("| small-cnn-1x28x28 |");
        assertThat(lines).hasSize(EngineBench.ENGINES.size());
    }

    @Test
    void theReferenceAndTheBareEngineReallyLearn() {
        BenchCase c = new BenchCase(NetworkKind.SMALL_CNN, new Shape(1, 28, 28), 10);
        try (StepRunner dl4j = new Dl4jBareRunner(c, 16, 3); StepRunner pytorch = new PytorchRunner(c, 16, 3)) {
            for (StepRunner r : List.of(dl4j, pytorch)) {
                double first = r.step();
                double last = first;
                for (int i = 0; i < 60; i++) {
                    last = r.step();
                }
                // sixteen random images with random labels: memorised within a few dozen steps
                assertThat(last).as(r.getClass().getSimpleName()).isLessThan(first * 0.5);
            }
        }
    }

    @Test
    void refusesUnknownCasesAndEnginesAllAtOnce() {
        assertThatThrownBy(() -> new EngineBench.Options(List.of("vgg"), List.of("tensorflow"), 0, 1, 0, 1, 32, 1))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("case was 'vgg'")
                .hasMessageContaining("engine was 'tensorflow'")
                .hasMessageContaining("rounds was 0");
    }

    @Test
    void medianOfRounds() {
        assertThat(EngineBench.median(new double[] {3, 1, 2})).isEqualTo(2);
        assertThat(EngineBench.median(new double[] {4, 1, 2, 3})).isEqualTo(2.5);
    }
}
