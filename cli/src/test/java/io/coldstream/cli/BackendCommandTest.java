package io.coldstream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.coldstream.backend.Backend;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code coldstream backend} and the GPU-related train flags, on a host (or build) without a usable GPU. */
class BackendCommandTest {

    @TempDir
    Path dir;

    @Test
    void printsTheCpuReportWithTheReasonThereIsNoGpuAndExitsZero() {
        String why = Backend.whyNoGpu().orElse(null);
        assumeTrue(why != null, "a usable GPU is here");
        CliRun o = CliRun.of("backend", "--device", "1");
        assertThat(o.status()).isZero();
        assertThat(o.out()).contains("backend:     CPU\n", "device name: CPU\n", "compute cap: n/a\n",
                "data type:   FLOAT\n", "workspaces:  ENABLED (training and inference), cache mode DEVICE\n",
                "gpu:         none: " + why + "\n", "  - device 1: ignored, the CPU backend has no devices\n");
    }

    @Test
    void trainStopsWithOneLineWhenAGpuIsRequiredAndNoneIsUsable() throws IOException {
        String why = Backend.whyNoGpu().orElse(null);
        assumeTrue(why != null, "a usable GPU is here");
        Path data = dir.resolve("data");
        ColdstreamCliTest.writeIdx(data, 20, 10);
        CliRun o = CliRun.of("train", "--data", data.toString(), "--require-gpu", "--limit", "5",
                "--out", dir.resolve("out").toString());
        assertThat(o.status()).isEqualTo(2);
        assertThat(o.err().strip()).isEqualTo("coldstream: --require-gpu was given but there is no usable GPU: " + why);
    }

    @Test
    void thePytorchEngineStopsWhenAGpuIsRequired() throws IOException {
        Path data = dir.resolve("data");
        ColdstreamCliTest.writeIdx(data, 20, 10);
        CliRun o = CliRun.of("train", "--data", data.toString(), "--engine", "pytorch", "--require-gpu", "true",
                "--limit", "5", "--out", dir.resolve("out").toString());
        assertThat(o.status()).isEqualTo(2);
        assertThat(o.err()).startsWith("coldstream: --require-gpu was given but the PyTorch engine runs on the CPU"
                + " only: no CUDA build of libtorch 2.7.1 for DJL is served from Maven Central");
    }

    @Test
    void trainRefusesHalfPrecisionBeforeWritingAnything() {
        Path out = dir.resolve("out");
        CliRun o = CliRun.of("train", "--dtype", "float16", "--out", out.toString());
        assertThat(o.status()).isEqualTo(2);
        assertThat(o.err()).contains("--dtype").contains("half precision ('float16') is refused: only float32 is"
                + " supported");
        assertThat(out).doesNotExist();
    }
}
