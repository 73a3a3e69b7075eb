package io.coldstream.model.internal;

import io.coldstream.core.MiniBatch;
import io.coldstream.core.ModelException;
import io.coldstream.core.Shape;
import io.coldstream.model.Network;
import io.coldstream.model.NetworkEngine;
import io.coldstream.model.NetworkKind;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link Network} on a Deeplearning4j {@link ComputationGraph}.
 *
 * <p>Input and label arrays are allocated once per batch size and reused: the trainer's batch size
 * only changes while the replay buffer fills, so after a few steps no new native arrays are made.
 *
 * <p>Deeplearning4j computes the loss and applies the update in one call, so each {@link #fit} first
 * copies the parameters and the updater state into two arrays kept for that purpose (two copies of
 * the parameter vector, a small part of a step) and copies them back when the loss was not finite.
 *
 * <p>Predictions of the small CNNs run through a {@link Dl4jInferencePlan} (batch norm folded into the
 * convolutions, a fixed list of kernels): a fifth of {@code outputSingle}'s time for one row. Its
 * weights are recomputed from the parameters when they changed since the last prediction (a fit, an
 * average or a copy into this network); other networks predict through {@code outputSingle}.
 */
public final class Dl4jNetwork implements Network {

    private final ComputationGraph graph;
    private final NetworkKind kind;
    private final Shape shape;
    private final int numClasses;
    private final INDArray[] fitFeatures;
    private final INDArray[] fitLabels;
    private final INDArray[] predictFeatures;
    private final INDArray[] one = new INDArray[1];
    private final INDArray[] oneLabel = new INDArray[1];
    /** Parameters and optimiser state as they were before the current fit, to undo a non-finite step. */
    private INDArray paramsBefore;
    private INDArray stateBefore;
    private boolean closed;
    /** Counts the changes to the parameters: fits, averages and copies into this network. */
    private long changes;
    private boolean planTried;
    private Dl4jInferencePlan plan;
    private String noPlan;
    /** {@link #changes} when the plan's weights were last computed. */
    private long planAt;
    /** One forward pass's probabilities, for {@link #predict}. */
    private float[] passProbabilities;

    /**
     * @param graph an initialised graph with one input and one softmax output
     * @param kind its architecture
     * @param shape input shape
     * @param numClasses output classes
     * @param maxBatch the largest batch that fit and predict will be called with; larger calls are split (predict) or refused (fit)
     */
    public Dl4jNetwork(ComputationGraph graph, NetworkKind kind, Shape shape, int numClasses, int maxBatch) {
        this.graph = Objects.requireNonNull(graph, "graph");
        this.kind = kind;
        this.shape = shape;
        this.numClasses = numClasses;
        this.fitFeatures = new INDArray[maxBatch + 1];
        this.fitLabels = new INDArray[maxBatch + 1];
        this.predictFeatures = new INDArray[maxBatch + 1];
        OpenNetworks.opened();
    }

    @Override
    public double fit(MiniBatch batch) {
        int n = batch.size();
        if (n < 1 || n >= fitFeatures.length) {
            throw new IllegalArgumentException("batch size was " + n + " but must be in [1, " + (fitFeatures.length - 1) + "]");
        }
        INDArray x = fitFeatures[n];
        if (x == null) {
            x = Nd4j.create(DataType.FLOAT, n, shape.channels(), shape.height(), shape.width());
            fitFeatures[n] = x;
            fitLabels[n] = Nd4j.create(DataType.FLOAT, n, numClasses);
        }
        INDArray y = fitLabels[n];
        copyInto(x, batch.features(), 0, n * shape.elementCount());
        copyInto(y, batch.targets(), 0, n * numClasses);
        one[0] = x;
        oneLabel[0] = y;
        INDArray params = graph.params();
        paramsBefore = keep(paramsBefore, params);
        stateBefore = keep(stateBefore, graph.getUpdater().getStateViewArray());
        int iterations = graph.getConfiguration().getIterationCount();
        graph.fit(one, oneLabel);
        changes++;
        double loss = graph.score();
        if (!Double.isFinite(loss)) {
            // the update is already in the weights: put back the state from before the call (the
            // parameters include the batch-norm statistics)
            params.assign(paramsBefore);
            if (stateBefore != null) {
                graph.getUpdater().getStateViewArray().assign(stateBefore);
            }
            graph.getConfiguration().setIterationCount(iterations);
        }
        return loss;
    }

    /** @return {@code kept} holding a copy of {@code now} (a new copy the first time); {@code kept} when {@code now} is null */
    private static INDArray keep(INDArray kept, INDArray now) {
        if (now == null) {
            return kept;
        }
        if (kept == null) {
            return now.dup();
        }
        kept.assign(now);
        return kept;
    }

    @Override
    public void predict(float[] features, int count, int[] predictedOut) {
        int rows = rowsPerPass();
        for (int start = 0; start < count; start += rows) {
            int n = Math.min(rows, count - start);
            pass(features, start, n, passProbabilities, 0);
            for (int i = 0; i < n; i++) {
                predictedOut[start + i] = argMax(passProbabilities, i * numClasses, numClasses);
            }
        }
    }

    /** @return the first index of the largest of {@code length} values from {@code from} */
    private static int argMax(float[] values, int from, int length) {
        int best = 0;
        for (int c = 1; c < length; c++) {
            if (values[from + c] > values[from + best]) {
                best = c;
            }
        }
        return best;
    }

    @Override
    public void predictProbabilities(float[] features, int count, float[] probabilitiesOut) {
        int rows = rowsPerPass();
        for (int start = 0; start < count; start += rows) {
            int n = Math.min(rows, count - start);
            pass(features, start, n, probabilitiesOut, start * numClasses);
        }
    }

    /**
     * The softmax output, in inference mode, of rows {@code [start, start + n)}, through the plan
     * where there is one and the graph otherwise, written to {@code out} from {@code outStart}.
     */
    private void pass(float[] features, int start, int n, float[] out, int outStart) {
        if (plan != null) {
            plan.run(features, start, n, out, outStart);
            return;
        }
        INDArray x = predictFeatures[n];
        if (x == null) {
            x = Nd4j.create(DataType.FLOAT, n, shape.channels(), shape.height(), shape.width());
            predictFeatures[n] = x;
        }
        int row = shape.elementCount();
        copyInto(x, features, start * row, n * row);
        INDArray probabilities = graph.outputSingle(false, x);
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < numClasses; c++) {
                out[outStart + i * numClasses + c] = probabilities.getFloat(i, c);
            }
        }
        probabilities.close();
    }

    /**
     * @return the rows of one forward pass, after compiling the inference plan the first time and
     *     recomputing its weights when the parameters changed since
     */
    private int rowsPerPass() {
        if (closed) {
            throw new ModelException("the " + describe() + " was closed");
        }
        if (!planTried) {
            planTried = true;
            Dl4jInferencePlan.Compiled c = Dl4jInferencePlan.compile(graph, shape, numClasses,
                    predictFeatures.length - 1);
            plan = c.plan();
            noPlan = c.whyNot();
            planAt = changes;
            passProbabilities = new float[(plan != null ? plan.rows() : predictFeatures.length - 1) * numClasses];
        } else if (plan != null && planAt != changes) {
            plan.refresh();
            planAt = changes;
        }
        return passProbabilities.length / numClasses;
    }

    /**
     * @return how predictions run: {@code "inference plan"}, or {@code "outputSingle: "} and why this
     *     graph has no plan ({@code "not compiled yet"} before the first prediction)
     */
    public String inferencePath() {
        return plan != null ? "inference plan" : "outputSingle: " + (planTried ? noPlan : "not compiled yet");
    }

    /** Writes {@code length} values of {@code source} from {@code from} into the start of a C-ordered array. */
    static void copyInto(INDArray target, float[] source, int from, int length) {
        FloatBuffer buf = target.data().asNioFloat();
        buf.clear();
        buf.put(source, from, length);
    }

    @Override
    public Shape inputShape() {
        return shape;
    }

    @Override
    public int numClasses() {
        return numClasses;
    }

    @Override
    public NetworkEngine engine() {
        return NetworkEngine.DL4J;
    }

    @Override
    public NetworkKind kind() {
        return kind;
    }

    @Override
    public long parameterCount() {
        return graph.numParams();
    }

    @Override
    public long steps() {
        return graph.getIterationCount();
    }

    @Override
    public float[] parameters() {
        return graph.params().dup().data().asFloat();
    }

    @Override
    public void save(Path file, boolean withOptimizerState) {
        // ModelSerializer.writeModel's entries, in its layout (ModelSerializer reads the file back),
        // but not deflated: float weights shrink by about 7%, and deflating them at its default level
        // took 60-80 ms of CPU for the small CNN, which the snapshot and checkpoint threads take from
        // training on a small machine
        try (ZipOutputStream zip = new ZipOutputStream(new BufferedOutputStream(Files.newOutputStream(file),
                1 << 16))) {
            zip.setLevel(Deflater.NO_COMPRESSION);
            zip.putNextEntry(new ZipEntry("configuration.json"));
            zip.write(graph.getConfiguration().toJson().getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(zip, 1 << 16)); // flushed, not closed
            zip.putNextEntry(new ZipEntry("coefficients.bin"));
            Nd4j.write(graph.params(), out);
            out.flush();
            zip.closeEntry();
            if (withOptimizerState) {
                INDArray state = graph.getUpdater().getStateViewArray();
                if (state != null && state.length() > 0) {
                    zip.putNextEntry(new ZipEntry("updaterState.bin"));
                    Nd4j.write(state, out);
                    out.flush();
                    zip.closeEntry();
                }
            }
        } catch (IOException e) {
            throw new ModelException("could not write the model to " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Network copy() {
        ComputationGraph clone = graph.clone();
        // clone() leaves the counters at 0, and the learning-rate schedule and a resumed run read them
        clone.getConfiguration().setIterationCount(graph.getConfiguration().getIterationCount());
        clone.getConfiguration().setEpochCount(graph.getConfiguration().getEpochCount());
        return new Dl4jNetwork(clone, kind, shape, numClasses, fitFeatures.length - 1);
    }

    @Override
    public void copyTo(Network target) {
        if (!(target instanceof Dl4jNetwork t) || t == this || t.closed || closed || t.kind != kind
                || !t.shape.equals(shape) || t.numClasses != numClasses) {
            throw new ModelException("cannot copy a " + describe() + " into " + (target == this ? "itself"
                    : target instanceof Dl4jNetwork t ? (t.closed ? "a closed " : "a ") + t.describe()
                            : "a " + target.engine().cliName() + " network"));
        }
        t.graph.params().assign(graph.params());
        t.changes++;
        INDArray from = graph.getUpdater().getStateViewArray();
        INDArray to = t.graph.getUpdater().getStateViewArray();
        if (from != null && from.length() > 0) {
            if (to == null || to.length() != from.length()) {
                throw new ModelException("cannot copy a " + describe() + ": its optimiser state has " + from.length()
                        + " values and the target's " + (to == null ? 0 : to.length()));
            }
            to.assign(from);
        }
        t.graph.getConfiguration().setIterationCount(graph.getConfiguration().getIterationCount());
        t.graph.getConfiguration().setEpochCount(graph.getConfiguration().getEpochCount());
    }

    @Override
    public void averageInto(Network average, double keep) {
        if (!(keep >= 0 && keep <= 1)) {
            throw new IllegalArgumentException("keep was " + keep + " but must be in [0, 1]");
        }
        if (!(average instanceof Dl4jNetwork t) || t == this || t.closed || closed || t.kind != kind
                || !t.shape.equals(shape) || t.numClasses != numClasses) {
            throw new ModelException("cannot average a " + describe() + " into " + (average == this ? "itself"
                    : average instanceof Dl4jNetwork t ? (t.closed ? "a closed " : "a ") + t.describe()
                            : "a " + average.engine().cliName() + " network"));
        }
        // one flat view holds every parameter and the batch-norm statistics: scale it, then add the
        // scaled source in place (axpy), with no temporary of the network's size
        INDArray a = t.graph.params();
        INDArray w = graph.params();
        a.muli(keep);
        Nd4j.getBlasWrapper().level1().axpy(a.length(), 1 - keep, w, a);
        t.changes++;
    }

    private String describe() {
        return "Deeplearning4j " + kind.cliName() + " " + shape + " -> " + numClasses;
    }

    /** @return the underlying graph, for code inside this module that needs Deeplearning4j itself */
    public ComputationGraph graph() {
        return graph;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        OpenNetworks.closed();
        closeAll(fitFeatures);
        closeAll(fitLabels);
        closeAll(predictFeatures);
        if (plan != null) {
            plan.close();
            plan = null;
        }
        INDArray[] before = {paramsBefore, stateBefore};
        closeAll(before);
        paramsBefore = null;
        stateBefore = null;
        // The graph's own native arrays: the flat parameter, gradient and updater-state vectors
        // (every layer's arrays are views of these). Left to the garbage collector, each closed copy
        // (one per checkpoint and snapshot) held its native memory until a collection happened to
        // find it, and resident memory grew by a copy at a time. ComputationGraph.close() is not
        // used: it also destroys the calling thread's workspaces and calls System.gc().
        INDArray state = graph.getUpdater(false) == null ? null : graph.getUpdater(false).getStateViewArray();
        INDArray[] own = {graph.params(), graph.getFlattenedGradients(), state};
        closeAll(own);
    }

    /** @return whether {@link #close()} has released the graph's parameter and optimiser-state memory (for tests) */
    public boolean released() {
        INDArray state = graph.getUpdater(false) == null ? null : graph.getUpdater(false).getStateViewArray();
        return graph.params().wasClosed() && (state == null || state.wasClosed());
    }

    private static void closeAll(INDArray[] arrays) {
        for (int i = 0; i < arrays.length; i++) {
            if (arrays[i] != null && arrays[i].closeable()) {
                arrays[i].close();
            }
            arrays[i] = null;
        }
    }
}
