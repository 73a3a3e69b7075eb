package io.coldstream.backend.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CpuOnlyClassLoaderTest {

    private static final String SERVICE = "META-INF/services/org.nd4j.linalg.factory.Nd4jBackend";

    @TempDir
    Path dir;

    @Test
    void hidesTheServiceEntriesOfTheCudaJarOnly() throws IOException {
        Path cpu = Files.createDirectories(dir.resolve("cpu"));
        Path cuda = Files.createDirectories(dir.resolve("cuda"));
        write(cpu.resolve(SERVICE), "org.nd4j.linalg.cpu.nativecpu.CpuBackend\n");
        write(cuda.resolve(SERVICE), "org.nd4j.linalg.jcublas.JCublasBackend\n");
        write(cuda.resolve("org/nd4j/linalg/jcublas/JCublasBackend.class"), "not a class");
        write(cuda.resolve("nd4j-jcublas.properties"), "x=1\n");
        try (URLClassLoader both = new URLClassLoader(new URL[] {cpu.toUri().toURL(), cuda.toUri().toURL()}, null)) {
            assertThat(Collections.list(both.getResources(SERVICE))).hasSize(2);
            String location = CpuOnlyClassLoader.cudaBackendLocation(both);
            assertThat(location).isEqualTo(cuda.toUri().toURL().toString());

            CpuOnlyClassLoader hiding = new CpuOnlyClassLoader(both, location);
            List<URL> seen = Collections.list(hiding.getResources(SERVICE));
            assertThat(seen).containsExactly(cpu.resolve(SERVICE).toUri().toURL());
            assertThat(hiding.getResource(SERVICE)).isEqualTo(cpu.resolve(SERVICE).toUri().toURL());
            // everything else of the CUDA jar stays visible: classes are still loaded by the parent
            assertThat(hiding.getResource("nd4j-jcublas.properties")).isNotNull();
        }
    }

    @Test
    void findsNoCudaBackendWhereThereIsNone() throws IOException {
        try (URLClassLoader none = new URLClassLoader(new URL[] {dir.toUri().toURL()}, null)) {
            assertThat(CpuOnlyClassLoader.cudaBackendLocation(none)).isNull();
            CudaProbe.Result result = CudaProbe.probe(none);
            assertThat(result.onClassPath()).isFalse();
            assertThat(result.usable()).isFalse();
            assertThat(result.problem()).isEqualTo("this build has no CUDA backend (build with mvn -Pcuda)");
        }
    }

    @Test
    void aCudaBackendWithoutItsRuntimeIsNotUsableAndSaysWhy() throws IOException {
        write(dir.resolve("org/nd4j/linalg/jcublas/JCublasBackend.class"), "not a class");
        try (URLClassLoader noRuntime = new URLClassLoader(new URL[] {dir.toUri().toURL()}, null)) {
            CudaProbe.Result result = CudaProbe.probe(noRuntime);
            assertThat(result.onClassPath()).isTrue();
            assertThat(result.usable()).isFalse();
            assertThat(result.devices()).isZero();
            assertThat(result.problem()).startsWith("the CUDA 11.6 runtime did not load (ClassNotFoundException: "
                    + "org.bytedeco.cuda.global.cudart); it comes from the host");
        }
    }

    @Test
    void explainsTheRuntimesErrorCodes() {
        assertThat(CudaProbe.version(11060)).isEqualTo("11.6");
        assertThat(CudaProbe.version(13000)).isEqualTo("13.0");
        assertThat(CudaProbe.version(0)).isEqualTo("none");
        assertThat(CudaProbe.explain(100, 11060)).isEqualTo("no CUDA device (cudaErrorNoDevice)");
        assertThat(CudaProbe.explain(35, 0)).isEqualTo("no NVIDIA driver is installed (cudaErrorInsufficientDriver)");
        assertThat(CudaProbe.explain(35, 11020))
                .isEqualTo("the driver (CUDA 11.2) is older than the runtime (cudaErrorInsufficientDriver)");
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }
}
