package io.coldstream.learner;

import io.coldstream.core.ModelException;
import io.coldstream.core.Shape;
import io.coldstream.learner.internal.Dl4jModels;
import io.coldstream.learner.internal.Dl4jNetwork;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;

/** Builds and restores {@link Network}s (Deeplearning4j engine). */
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
        ComputationGraph graph = new ComputationGraph(
                Dl4jModels.configuration(kind, shape, numClasses, optimizer, seed));
        graph.init();
        return new Dl4jNetwork(graph, kind, shape, numClasses, maxBatch);
    }

    /**
     * Restores a network written by {@link Network#save(Path, boolean)}.
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
        try {
            ComputationGraph graph = ModelSerializer.restoreComputationGraph(file.toFile(), true);
            return new Dl4jNetwork(graph, kind, shape, numClasses, maxBatch);
        } catch (IOException | RuntimeException e) {
            throw new ModelException("could not read the model in " + file + ": " + e.getMessage(), e);
        }
    }
}
