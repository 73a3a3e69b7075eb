package io.coldstream.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.coldstream.core.ConfigurationException;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class BackendTest {

    @Test
    void startsTheOneDnnCpuBuildWithFloatAndReportsIt() {
        BackendReport report = Backend.start(BackendSettings.defaults());
        assertThat(report.backend()).isEqualTo("CPU");
        assertThat(report.nativeBuild()).isEqualTo("linux-x86_64-onednn");
        assertThat(report.dataType()).isEqualTo("FLOAT");
        int threads = Integer.parseInt(String.valueOf(
                Nd4j.getExecutioner().getEnvironmentInformation().get("omp.threads")));
        assertThat(report.threads()).isEqualTo(threads);
        assertThat(report.summary()).contains("CPU linux-x86_64-onednn, " + threads + " thread");
        assertThat(report.summary()).contains("FLOAT");
        // the bridge makes DL4J's own oneDNN check succeed on the onednn native build
        assertThat(report.oneDnnLayers()).isTrue();
        assertThat(org.deeplearning4j.nn.layers.mkldnn.BaseMKLDNNHelper.mklDnnEnabled()).isTrue();
        assertThat(System.getProperty("org.eclipse.deeplearning4j.helpers.disable")).isEqualTo("false");
        INDArray a = Nd4j.createFromArray(new float[][] {{1, 2}, {3, 4}});
        assertThat(a.mmul(a).getFloat(1, 1)).isEqualTo(22f);
    }

    @Test
    void refusesAThreadCountTheLoadedLibraryCannotHonour() {
        int actual = Backend.start(BackendSettings.defaults()).threads();
        assertThatThrownBy(() -> Backend.start(BackendSettings.defaults().withThreads(actual + 1)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("OMP_NUM_THREADS=" + (actual + 1));
        assertThat(Backend.start(BackendSettings.defaults().withThreads(actual)).threads()).isEqualTo(actual);
    }

    @Test
    void saysTheDefaultBuildHasNoCudaBackendAndReportsTheCpu() {
        // the default build's class path has no nd4j-cuda jar; -Pcuda builds skip this test
        assumeTrue(getClass().getClassLoader().getResource("org/nd4j/linalg/jcublas/JCublasBackend.class") == null,
                "this is a -Pcuda build: the CUDA backend is on the class path");
        assertThat(Backend.whyNoGpu()).contains("this build has no CUDA backend (build with mvn -Pcuda)");
        BackendReport report = Backend.start(BackendSettings.defaults().withDevice(1));
        assertThat(report.gpu()).isFalse();
        assertThat(report.warning()).isNull();
        assertThat(report.deviceName()).isEqualTo("CPU");
        assertThat(report.deviceMemoryBytes()).isEqualTo(-1);
        assertThat(report.computeCapability()).isEqualTo("n/a");
        assertThat(report.reasons()).contains(
                "backend CPU: the only ND4J backend in this build (build with mvn -Pcuda for the CUDA backend)",
                "device 1: ignored, the CPU backend has no devices");
    }

    @Test
    void stopsWhenAGpuIsRequiredAndNoneIsUsable() {
        String why = Backend.whyNoGpu().orElse(null);
        assumeTrue(why != null, "a usable GPU is here");
        assertThatThrownBy(() -> Backend.start(BackendSettings.defaults().withRequireGpu(true)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("--require-gpu was given but there is no usable GPU: " + why);
    }

    @Test
    void aCudaBuildWithoutAUsableGpuFallsBackToTheCpuWithAWarning() {
        assumeTrue(getClass().getClassLoader().getResource("org/nd4j/linalg/jcublas/JCublasBackend.class") != null,
                "the default build has no CUDA backend; run with -Pcuda on a host without a GPU");
        String why = Backend.whyNoGpu().orElse(null);
        assumeTrue(why != null, "a usable GPU is here");
        BackendReport report = Backend.start(BackendSettings.defaults());
        assertThat(report.backend()).isEqualTo("CPU");
        assertThat(report.warning()).isEqualTo("no usable GPU, training on the CPU: " + why
                + " (--require-gpu stops instead)");
        assertThat(report.reasons()).contains("backend CPU: " + why);
    }

    @Test
    void addsTheWorkspaceModeWithItsReason() {
        BackendReport report = new BackendReport("CPU", "linux-x86_64-onednn", "2 cores, amd64", 2, "FLOAT",
                "OPENBLAS", true, java.util.List.of("a")).withWorkspaceMode("ENABLED", "workspaces: faster");
        assertThat(report.workspaceMode()).isEqualTo("ENABLED");
        assertThat(report.reasons()).containsExactly("a", "workspaces: faster");
        assertThat(report.summary()).isEqualTo(
                "CPU linux-x86_64-onednn, 2 threads, FLOAT, oneDNN layers on, OPENBLAS on 2 cores, amd64");
        BackendReport gpu = new BackendReport("CUDA", "linux-x86_64-cudnn", "GPU 0 of 1", 2, "FLOAT", "CUBLAS",
                false, java.util.List.of(), "NVIDIA A100", 40L << 30, "8.0", "ENABLED", null);
        assertThat(gpu.summary()).endsWith("CUBLAS on GPU 0 of 1 (NVIDIA A100, compute capability 8.0, 40.0 GiB)");
    }

    @Test
    void rejectsNegativeThreads() {
        assertThatThrownBy(() -> new BackendSettings(-1, true))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("threads was -1");
    }

    @Test
    void rejectsANegativeDevice() {
        assertThatThrownBy(() -> BackendSettings.defaults().withDevice(-1))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("device was -1 but must be >= 0 (a CUDA device index)");
    }

    @Test
    void acceptsFloat32AndRefusesHalfPrecisionWithAReason() {
        assertThat(BackendSettings.dataType("FP32")).isEqualTo("float32");
        assertThat(BackendSettings.dataType("float32")).isEqualTo("float32");
        for (String half : new String[] {"float16", "bfloat16", "half"}) {
            assertThatThrownBy(() -> BackendSettings.dataType(half))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageStartingWith("half precision ('" + half + "') is refused: only float32 is supported");
        }
        assertThatThrownBy(() -> BackendSettings.dataType("int8"))
                .hasMessage("'int8' is not a data type; the allowed value is float32");
    }
}
