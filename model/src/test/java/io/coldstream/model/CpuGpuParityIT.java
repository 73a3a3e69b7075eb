package io.coldstream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.coldstream.backend.Backend;
import io.coldstream.backend.BackendReport;
import io.coldstream.backend.BackendSettings;
import io.coldstream.core.MiniBatch;
import io.coldstream.core.SeededRandom;
import io.coldstream.core.Shape;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * CPU-versus-GPU parity of the Deeplearning4j engine: the same seeded 200 steps of the small CNN
 * (batch 33, synthetic 1x28x28 images of 10 classes) on the GPU, in this JVM, and on the CPU, in a
 * child JVM started with {@code -Dcoldstream.backend=cpu} (ND4J picks one backend per JVM). The two
 * learning curves, as mean losses over windows of 20 steps, must agree within {@link #TOLERANCE}; the
 * bits cannot agree (different kernels and summation orders).
 *
 * <p>Runs only in a {@code -Pcuda} build on a host with a usable GPU; everywhere else (every CI run,
 * every default build) it is reported as skipped, with the reason {@link Backend#whyNoGpu()} gives.
 */
class CpuGpuParityIT {

    static final int STEPS = 200;
    static final int BATCH = 33;
    static final int WINDOW = 20;
    /** Largest allowed difference between the CPU and GPU mean loss of a window, in nats. */
    static final double TOLERANCE = 0.05;
    private static final Shape SHAPE = new Shape(1, 28, 28);
    private static final int CLASSES = 10;

    @Test
    void theSmallCnnLearnsTheSameCurveOnTheGpuAsOnTheCpu() throws IOException, InterruptedException {
        Optional<String> why = Backend.whyNoGpu();
        assumeTrue(why.isEmpty(), () -> "no usable GPU: " + why.orElse(""));
        BackendReport report = Networks.startEngine(NetworkEngine.DL4J,
                BackendSettings.defaults().withRequireGpu(true));
        assertThat(report.gpu()).as(report.summary()).isTrue();
        double[] gpu = windows(curve());
        double[] cpu = windows(cpuCurveInAChildJvm());
        for (int w = 0; w < gpu.length; w++) {
            assertThat(Math.abs(gpu[w] - cpu[w])).as("window %d: GPU %.4f, CPU %.4f", w, gpu[w], cpu[w])
                    .isLessThanOrEqualTo(TOLERANCE);
        }
        assertThat(cpu[cpu.length - 1]).as("the network learns").isLessThan(cpu[0] - 0.5);
    }

    /**
     * The child JVM: prints the CPU curve, one loss per line.
     *
     * @param args none
     */
    public static void main(String[] args) {
        Networks.startEngine(NetworkEngine.DL4J, BackendSettings.defaults());
        for (double loss : curve()) {
            System.out.println(loss);
        }
    }

    /** @return the loss of each of {@link #STEPS} seeded steps */
    static double[] curve() {
        double[] losses = new double[STEPS];
        SeededRandom random = new SeededRandom(7);
        byte[] pixels = new byte[SHAPE.channels() * SHAPE.height() * SHAPE.width()];
        MiniBatch batch = new MiniBatch(BATCH, SHAPE, CLASSES);
        try (Network network = Networks.create(NetworkEngine.DL4J, NetworkKind.SMALL_CNN, SHAPE, CLASSES,
                OptimizerSettings.defaults(), 42, BATCH)) {
            for (int step = 0; step < STEPS; step++) {
                for (int row = 0; row < BATCH; row++) {
                    int label = random.nextInt(CLASSES);
                    image(label, random, pixels);
                    batch.setRow(row, pixels, 0, label);
                }
                batch.setSize(BATCH);
                losses[step] = network.fit(batch);
            }
        }
        return losses;
    }

    /** A noisy image whose bright 8x8 block sits at a place that depends on the class. */
    private static void image(int label, SeededRandom random, byte[] pixels) {
        int top = 2 + (label / 5) * 14;
        int left = 2 + (label % 5) * 5;
        for (int y = 0; y < SHAPE.height(); y++) {
            for (int x = 0; x < SHAPE.width(); x++) {
                boolean inBlock = y >= top && y < top + 8 && x >= left && x < left + 8;
                pixels[y * SHAPE.width() + x] = (byte) ((inBlock ? 160 : 0) + random.nextInt(64));
            }
        }
    }

    private static double[] windows(double[] losses) {
        double[] means = new double[losses.length / WINDOW];
        for (int i = 0; i < losses.length; i++) {
            if (i / WINDOW < means.length) {
                means[i / WINDOW] += losses[i] / WINDOW;
            }
        }
        return means;
    }

    private static double[] cpuCurveInAChildJvm() throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("java.class.path"), "-D" + Backend.BACKEND_PROPERTY + "=cpu"));
        String cache = System.getProperty("org.bytedeco.javacpp.cachedir");
        if (cache != null) {
            command.add("-Dorg.bytedeco.javacpp.cachedir=" + cache);
        }
        command.add(CpuGpuParityIT.class.getName());
        Process child = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(child.waitFor(10, TimeUnit.MINUTES)).as("the CPU run finishes").isTrue();
        assertThat(child.exitValue()).as("the CPU run's exit status").isZero();
        double[] losses = out.lines().filter(l -> !l.isBlank()).mapToDouble(Double::parseDouble).toArray();
        assertThat(losses).hasSize(STEPS);
        return losses;
    }
}
