package io.coldstream.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
    void rejectsNegativeThreads() {
        assertThatThrownBy(() -> new BackendSettings(-1, true))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("threads was -1");
    }
}
