package io.coldstream.model;

import io.coldstream.backend.Backend;
import io.coldstream.backend.BackendReport;
import io.coldstream.backend.BackendSettings;
import io.coldstream.core.ConfigurationException;
import io.coldstream.core.ModelException;
import io.coldstream.core.Shape;
import io.coldstream.model.internal.Dl4jModels;
import io.coldstream.model.internal.Dl4jNetwork;
import io.coldstream.model.internal.OpenNetworks;
import io.coldstream.model.internal.PtEngines;
import io.coldstream.model.internal.PtNetwork;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Builds and restores {@link Network}s on either {@link NetworkEngine}. */
public final class Networks {

    private Networks() {
    }

    /**
     * The networks of this process made (built, restored or copied) and not yet closed, on either
     * engine: what a long-running trainer or server should hold steady. Each holds its parameters'
     * native memory; one dropped unclosed holds it until a garbage collection finds it (Deeplearning4j)
     * or for good (libtorch).
     *
     * @return networks open now
     */
    public static long open() {
        return OpenNetworks.count();
    }

    /**
     * Builds a network with freshly, randomly initialised weights (cold start).
     *
     * @param kind the architecture
     * @param shape input shape, channels first
     * @param numClasses output classes, {@code >= 2}
     * @param optimizer optimiser settings
     * @param seed weight-initialisation seed: equal seeds give equal initial weights
     * @param maxBatch the largest batch the trainer will fit
     * @return the network
     */
    public static Network create(NetworkKind kind, Shape shape, int numClasses, OptimizerSettings optimizer, long seed,
            int maxBatch) {
        return create(NetworkEngine.DL4J, kind, shape, numClasses, optimizer, seed, maxBatch);
    }

    /**
     * Builds a network with freshly, randomly initialised weights (cold start) on the given engine.
     *
     * @param engine which library computes it
     * @param kind the architecture
     * @param shape input shape, channels first
     * @param numClasses output classes, {@code >= 2}
     * @param optimizer optimiser settings
     * @param seed weight-initialisation seed: equal seeds give equal initial weights
     * @param maxBatch the largest batch the trainer will fit
     * @return the network
     */
    public static Network create(NetworkEngine engine, NetworkKind kind, Shape shape, int numClasses,
            OptimizerSettings optimizer, long seed, int maxBatch) {
        if (engine == NetworkEngine.PYTORCH) {
            return PtNetwork.create(kind, shape, numClasses, optimizer, seed, maxBatch);
        }
        ComputationGraph graph = new ComputationGraph(
                Dl4jModels.configuration(kind, shape, numClasses, optimizer, seed));
        graph.init();
        return new Dl4jNetwork(graph, kind, shape, numClasses, maxBatch);
    }

    /**
     * Restores a network written by {@link Network#save(Path, boolean)}, on the engine that wrote it.
     *
     * @param file the model zip
     * @param kind the architecture it was built as
     * @param shape input shape
     * @param numClasses output classes
     * @param maxBatch the largest batch it will be called with
     * @return the network, with optimiser state when the file has it
     */
    public static Network restore(Path file, NetworkKind kind, Shape shape, int numClasses, int maxBatch) {
        if (!Files.isRegularFile(file)) {
            throw new ModelException("model file " + file + " does not exist");
        }
        if (PtNetwork.isPytorchModel(file)) {
            return PtNetwork.restore(file, kind, shape, numClasses, maxBatch);
        }
        ComputationGraph graph;
        try {
            graph = ModelSerializer.restoreComputationGraph(file.toFile(), true);
        } catch (IOException | RuntimeException e) {
            throw new ModelException("could not read the model in " + file + ": " + e.getMessage(), e);
        }
        requireShape(graph, file, kind, shape, numClasses);
        return new Dl4jNetwork(graph, kind, shape, numClasses, maxBatch);
    }

    /**
     * A Deeplearning4j file does not record the input it was built for, so one forward pass of a
     * zero example checks that it takes {@code shape} and answers {@code numClasses} classes.
     */
    private static void requireShape(ComputationGraph graph, Path file, NetworkKind kind, Shape shape,
            int numClasses) {
        long answered;
        try (INDArray zero = Nd4j.zeros(DataType.FLOAT, 1, shape.channels(), shape.height(), shape.width());
             INDArray out = graph.outputSingle(false, zero)) {
            answered = out.rank() == 2 ? out.size(1) : -1;
        } catch (RuntimeException e) {
            throw new ModelException(file + " does not hold " + kind.cliName() + " on " + shape + ": " + e.getMessage(),
                    e);
        }
        if (answered != numClasses) {
            throw new ModelException(file + " holds a network with " + answered + " classes but " + numClasses
                    + " were expected");
        }
    }

    /**
     * Sets the PyTorch engine's intra-op threads for when it loads, without loading it (a service that
     * may serve snapshots of either engine loads libtorch only when one arrives). Once libtorch has
     * loaded, its pool keeps its size.
     *
     * @param threads threads, {@code 0} for libtorch's default (OMP_NUM_THREADS, else the cores)
     */
    public static void configurePytorchThreads(int threads) {
        PtEngines.configure(threads);
    }

    /**
     * Starts the engine's native runtime with {@code threads} and reports what runs.
     *
     * @param engine the engine
     * @param threads threads, {@code 0} for the runtime's default
     * @param oneDnnLayers Deeplearning4j only: run convolution, pooling and batch norm on oneDNN
     * @return what is in use, with the reasons
     */
    public static BackendReport startEngine(NetworkEngine engine, int threads, boolean oneDnnLayers) {
        return startEngine(engine, new BackendSettings(threads, oneDnnLayers));
    }

    /**
     * Starts the engine's native runtime and reports what runs: for Deeplearning4j the ND4J backend
     * (CUDA on the chosen device where the build has it and a GPU is usable, else the CPU), for
     * PyTorch libtorch on the CPU. The report includes the engine's workspace mode.
     *
     * @param engine the engine
     * @param settings threads, oneDNN layers, device, whether a GPU is required
     * @return what is in use, with the reasons
     * @throws ConfigurationException when a GPU is required and the engine cannot have one
     */
    public static BackendReport startEngine(NetworkEngine engine, BackendSettings settings) {
        if (engine == NetworkEngine.PYTORCH) {
            if (settings.requireGpu()) {
                throw new ConfigurationException("--require-gpu was given but the PyTorch engine runs on the CPU"
                        + " only: no CUDA build of libtorch " + PtEngines.LIBTORCH_VERSION + " for DJL is served from"
                        + " Maven Central (see README, Training on a GPU); use --engine dl4j on a -Pcuda build");
            }
            return PtEngines.start(settings.threads()).withWorkspaceMode("none (libtorch's caching allocator)",
                    "workspace mode: none; libtorch reuses memory through its own allocator");
        }
        return Backend.start(settings).withWorkspaceMode(Dl4jModels.WORKSPACE_MODE, "workspace mode "
                + Dl4jModels.WORKSPACE_MODE + ": with workspaces off the small CNN's step took twice as long");
    }
}
