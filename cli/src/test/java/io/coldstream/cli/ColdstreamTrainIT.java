package io.coldstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the packaged command through its launcher, bin/coldstream, as a user does. */
class ColdstreamTrainIT {


    @TempDir
    Path dir;

    private record Outcome(int status, String out, String err) {
    }

    private Outcome launch(String... args) throws IOException, InterruptedException {
        Path stdout = dir.resolve("stdout.txt");
        Path stderr = dir.resolve("stderr.txt");
        ProcessBuilder pb = Launcher.command(dir, "", List.of(args));
        pb.redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        Process p = pb.start();
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("launcher finished").isTrue();
        return new Outcome(p.exitValue(), Files.readString(stdout, StandardCharsets.UTF_8),
                Files.readString(stderr, StandardCharsets.UTF_8));
    }

    @Test
    void trainsOnFashionMnistAndWritesResultsAndSnapshots() throws Exception {
        Path out = dir.resolve("run");
        Outcome o = launch("train", "--limit", "150", "--holdout-every", "100", "--holdout-size", "200",
                "--snapshot-every", "100", "--metrics-every", "100", "--out", out.toString());
        assertThat(o.status()).as(o.err()).isZero();
        assertThat(o.out()).contains("trained on 150 examples");
        // not a terminal: plain progress lines and events on stderr
        assertThat(o.err()).contains("holdout at 100 examples").contains("150/150 (100.0%)").doesNotContain("\r");
        JsonNode results = new ObjectMapper().readTree(out.resolve("results.json").toFile());
        assertThat(results.get("examplesSeen").asLong()).isEqualTo(150);
        assertThat(results.get("holdout").size()).isEqualTo(1);
        assertThat(results.get("configuration").get("replay").get("k").asInt()).isEqualTo(50);
        assertThat(Files.readString(out.resolve("snapshots/LATEST")).trim()).isEqualTo("v000002");
        assertThat(out.resolve("snapshots/v000002/model.zip")).isRegularFile();
        // the metrics log and the report
        List<String> lines = Files.readAllLines(out.resolve("metrics.jsonl"));
        assertThat(lines).hasSize(1 + 1 + 1); // interval at 100, holdout at 100, final
        assertThat(new ObjectMapper().readTree(lines.get(lines.size() - 1)).get("kind").asText()).isEqualTo("final");
        assertValidReport(out.resolve("report"));
        // coldstream report rebuilds it from the metrics log
        Files.delete(out.resolve("report/accuracy.png"));
        Outcome rebuilt = launch("report", out.toString());
        assertThat(rebuilt.status()).as(rebuilt.err()).isZero();
        assertValidReport(out.resolve("report"));
    }

    private static void assertValidReport(Path report) throws IOException {
        assertThat(Files.readString(report.resolve("summary.md"))).contains("accuracy.png");
        for (String png : List.of("accuracy.png", "loss.png", "throughput.png", "replay-classes.png")) {
            java.awt.image.BufferedImage image = javax.imageio.ImageIO.read(report.resolve(png).toFile());
            assertThat(image).as(png).isNotNull();
            assertThat(image.getWidth()).isGreaterThan(100);
        }
    }

    @Test
    void backendSaysWhatRunsAndWhy() throws Exception {
        Outcome o = launch("backend");
        assertThat(o.status()).as(o.err()).isZero();
        assertThat(o.out()).contains("backend:     CPU").contains("linux-x86_64-onednn").contains("why:");
    }

    @Test
    void trainsOnThePytorchEngineWithTheSameOutputsAndAQuietStderr() throws Exception {
        Path out = dir.resolve("run");
        Outcome o = launch("train", "--engine", "pytorch", "--threads", "2", "--limit", "150", "--holdout-every", "100",
                "--holdout-size", "200", "--snapshot-every", "100", "--out", out.toString());
        assertThat(o.status()).as(o.err()).isZero();
        assertThat(o.err()).contains("backend:  PyTorch 2.7.1 via DJL", "holdout at 100 examples")
                .doesNotContain("NNPACK"); // libtorch's per-call warning for single-image convolutions
        JsonNode results = new ObjectMapper().readTree(out.resolve("results.json").toFile());
        assertThat(results.get("examplesSeen").asLong()).isEqualTo(150);
        assertThat(results.get("configuration").get("engine").asText()).isEqualTo("pytorch");
        assertThat(results.get("finalAccuracy").asDouble()).isGreaterThan(0.3);
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(out.resolve("snapshots/v000002/model.zip").toFile())) {
            assertThat(zip.getEntry("coldstream-pytorch.json")).isNotNull();
        }
    }

    @Test
    void trainsOnAnImageFolderAndShowsHowFastItDecodes() throws Exception {
        Path data = io.coldstream.testkit.ImageFolderFiles.write(dir.resolve("images"), 3, 20, 4, 40, 30);
        Path out = dir.resolve("run");
        Outcome o = launch("train", "--data", "imagefolder:" + data, "--image-size", "16", "--engine", "pytorch",
                "--limit", "60", "--holdout-every", "0", "--snapshot-every", "0", "--out", out.toString());
        assertThat(o.status()).as(o.err()).isZero();
        assertThat(o.err()).contains("60/60 (100.0%)").containsPattern("decode [0-9,]+ img/s a thread");
        JsonNode results = new ObjectMapper().readTree(out.resolve("results.json").toFile());
        assertThat(results.get("examplesSeen").asLong()).isEqualTo(60);
        assertThat(results.get("finalAccuracy").asDouble()).as("three solid colours").isGreaterThan(0.6);
    }

    @Test
    void benchRunsTheEngineSuiteAndWritesEngineJson() throws Exception {
        Path out = dir.resolve("bench");
        Outcome o = launch("bench", "--suite", "engine", "--cases", "small-cnn-1x28x28", "--seconds", "0.6",
                "--warmup", "0", "--rounds", "2", "--replay-k", "4", "--threads", "2", "--out", out.toString());
        assertThat(o.status()).as(o.err()).isZero();
        assertThat(o.out()).contains("engine.json");
        assertThat(o.err()).doesNotContain("NNPACK");
        JsonNode c = new ObjectMapper().readTree(out.resolve("engine.json").toFile()).get("cases").get(0);
        assertThat(c.get("engines").size()).isEqualTo(4);
        List<String> ratios = new java.util.ArrayList<>();
        c.fieldNames().forEachRemaining(f -> {
            if (f.contains("ratio") || f.contains("Ratio")) {
                ratios.add(f);
            }
        });
        assertThat(ratios).contains("coldstreamToPytorchRatio", "coldstreamPytorchToPytorchRatio", "dl4jToPytorchRatio");
        assertThat(Files.readString(out.resolve("engine.md"))).contains("small-cnn-1x28x28");
    }

    @Test
    void backendDescribesThePytorchEngine() throws Exception {
        Outcome o = launch("backend", "--engine", "pytorch", "--threads", "2");
        assertThat(o.status()).as(o.err()).isZero();
        assertThat(o.out()).contains("backend:     PyTorch").contains("2.7.1").contains("threads:     2");
    }
}
