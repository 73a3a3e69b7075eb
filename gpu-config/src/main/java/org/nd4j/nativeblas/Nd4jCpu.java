package org.nd4j.nativeblas;

/**
 * A compatibility bridge, not Coldstream API: lets Deeplearning4j 1.0.0-M2.1 find out that its
 * native library was built with oneDNN.
 *
 * <p>DL4J decides whether convolution, pooling and batch-norm layers may use their oneDNN helpers
 * in {@code BaseMKLDNNHelper.mklDnnEnabled()}, which looks up
 * {@code org.nd4j.nativeblas.Nd4jCpu$Environment#getInstance()} and {@code #isUseMKLDNN()} by
 * reflection. Those are the names from before ND4J moved its bindings; in M2.1 the class is
 * {@code org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment} and the method
 * {@code isUseONEDNN()}. The lookup therefore always fails, and every convolution falls back to a
 * Java im2col + gemm path several times slower than oneDNN (see shared/NOTES.md).
 *
 * <p>This class provides exactly the two looked-up names and answers with the real binding's
 * value, so DL4J's own check, its own helpers and its own fallbacks run unchanged. It lives in
 * gpu-config because choosing the backend's fast paths is that module's job. Once a DL4J release
 * looks up the new names, nothing calls this class any more and it can be deleted.
 */
public final class Nd4jCpu {

    private Nd4jCpu() {
    }

    /** The looked-up environment: answers from the real ND4J CPU binding. */
    public static final class Environment {

        private static final Environment INSTANCE = new Environment();
        private static final String BINDING = "org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment";

        private Environment() {
        }

        /** @return the one instance (the name DL4J's reflection looks for) */
        public static Environment getInstance() {
            return INSTANCE;
        }

        /**
         * Asks the real binding by reflection, so that this module compiles without the CPU backend
         * (a {@code -Pcuda} build may start ND4J on CUDA, where DL4J does not ask).
         *
         * @return whether the loaded libnd4j was built with oneDNN and uses it; {@code false} when the
         *     CPU backend is not on the class path
         */
        public boolean isUseMKLDNN() {
            try {
                Class<?> env = Class.forName(BINDING);
                Object instance = env.getMethod("getInstance").invoke(null);
                return (Boolean) env.getMethod("isUseONEDNN").invoke(instance);
            } catch (ReflectiveOperationException | LinkageError e) {
                return false;
            }
        }
    }
}
