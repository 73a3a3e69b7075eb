package io.coldstream.model;

import io.coldstream.backend.Backend;
import io.coldstream.backend.BackendReport;
import io.coldstream.backend.BackendSettings;
import io.coldstream.core.ModelException;
import io.coldstream.core.Shape;
import io.coldstream.model.internal.Dl4jModels;
import io.coldstream.model.internal.Dl4jNetwork;
import io.coldstream.model.internal.PtEngines;
import io.coldstream.model.internal.PtNetwork;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;

/** Builds and restores {@link Network}s on either {@link NetworkEngine}. */
public final class Networks {

    private Networks() {
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
        try {
            ComputationGraph graph = ModelSerializer.restoreComputationGraph(file.toFile(), true);
            return new Dl4jNetwork(graph, kind, shape, numClasses, maxBatch);
        } catch (IOException | RuntimeException e) {
            throw new ModelException("could not read the model in " + file + ": " + e.getMessage(), e);
        }
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
        return engine == NetworkEngine.PYTORCH ? PtEngines.start(threads)
                : Backend.start(new BackendSettings(threads, oneDnnLayers));
    }
}
