package io.coldstream.model.internal;

import ai.djl.MalformedModelException;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.training.loss.SoftmaxCrossEntropyLoss;
import ai.djl.util.Pair;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.coldstream.core.MiniBatch;
import io.coldstream.core.ModelException;
import io.coldstream.core.Shape;
import io.coldstream.model.LearningRateSchedule;
import io.coldstream.model.Network;
import io.coldstream.model.NetworkEngine;
import io.coldstream.model.NetworkKind;
import io.coldstream.model.OptimizerSettings;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * {@link Network} on PyTorch (libtorch) through DJL: the second engine, for where Deeplearning4j
 * M2.1 is too slow (see {@code benchmarks/}: on 2 CPU cores libtorch uses both cores for the small
 * step's many small operations, ND4J hardly gains from the second).
 *
 * <p>The step is written out here rather than taken from DJL's {@code Trainer}: copy the batch into
 * a reused direct buffer that the input tensor aliases, forward, softmax cross-entropy against the
 * target rows (so mixup's soft targets work), backward, then SGD with Nesterov momentum in the
 * PyTorch form ({@code v = mu v + g; w -= lr (g + mu v)}), which DJL's PyTorch engine does not
 * offer. Every intermediate tensor lives in a per-call {@link NDManager} that is closed at once, so
 * native memory stays flat. The loss is read before backward: when it is not finite the step stops
 * there, and the batch-norm running statistics, which the forward pass moved, are put back from a
 * copy taken before it.
 *
 * <p>Weights are drawn once, at creation, from libtorch's generator seeded with the run's init
 * seed (He normal for convolutions and dense layers, as in {@link Dl4jModels}); nothing random
 * happens afterwards, so the same seed, stream and thread count give the same model.
 *
 * <p>Model files are zips holding {@value #DESCRIPTOR} (architecture, shape, optimiser settings,
 * steps), {@code parameters.bin} (DJL's parameter format, with batch-norm running statistics) and,
 * with optimiser state, {@code optimizer.bin} (the momentum buffers).
 */
public final class PtNetwork implements Network {

    /** The zip entry that marks a model file of this engine. */
    public static final String DESCRIPTOR = "coldstream-pytorch.json";
    private static final String PARAMETERS = "parameters.bin";
    private static final String OPTIMIZER = "optimizer.bin";
    private static final int FORMAT = 1;
    private static final int PREDICT_BATCH = 256;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final NetworkKind kind;
    private final Shape shape;
    private final int numClasses;
    private final OptimizerSettings optimizer;
    private final int maxBatch;
    private final Engine engine;
    private final NDManager manager;
    private final Block block;
    private final ParameterStore store;
    private final List<Parameter> trainable = new ArrayList<>();
    /** Parameters without gradient (batch-norm running statistics): forward moves them. */
    private final List<Parameter> running = new ArrayList<>();
    /** {@link #running} as it was before the current fit, to undo a non-finite step. */
    private float[][] runningBefore;
    private final SoftmaxCrossEntropyLoss loss = new SoftmaxCrossEntropyLoss("loss", 1, -1, false, true);
    private final ByteBuffer inputBytes;
    private final FloatBuffer inputFloats;
    private final ByteBuffer targetBytes;
    private final FloatBuffer targetFloats;
    private final ByteBuffer predictBytes;
    private final FloatBuffer predictFloats;
    private NDArray[] velocity;
    /** Per trainable parameter: whether weight decay applies (weights, not biases or batch-norm parameters). */
    private boolean[] decayed;
    private long steps;

    private PtNetwork(NetworkKind kind, Shape shape, int numClasses, OptimizerSettings optimizer, int maxBatch) {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch was " + maxBatch + " but must be >= 1");
        }
        this.kind = kind;
        this.shape = shape;
        this.numClasses = numClasses;
        this.optimizer = optimizer;
        this.maxBatch = maxBatch;
        this.engine = PtEngines.get();
        this.manager = engine.newBaseManager();
        this.block = DjlModels.build(kind, numClasses);
        this.store = new ParameterStore(manager, false);
        this.inputBytes = direct(Math.max(2, maxBatch) * shape.elementCount());
        this.inputFloats = inputBytes.asFloatBuffer();
        this.targetBytes = direct(Math.max(2, maxBatch) * numClasses);
        this.targetFloats = targetBytes.asFloatBuffer();
        this.predictBytes = direct(PREDICT_BATCH * shape.elementCount());
        this.predictFloats = predictBytes.asFloatBuffer();
        OpenNetworks.opened();
    }

    /**
     * @param kind the architecture
     * @param shape input shape
     * @param numClasses output classes
     * @param optimizer learning rate, momentum, schedule
     * @param seed initialisation seed: equal seeds give equal weights
     * @param maxBatch the largest batch {@link #fit} is called with
     * @return a freshly initialised network
     */
    public static PtNetwork create(NetworkKind kind, Shape shape, int numClasses, OptimizerSettings optimizer,
            long seed, int maxBatch) {
        PtNetwork n = new PtNetwork(kind, shape, numClasses, optimizer, maxBatch);
        n.engine.setRandomSeed((int) (seed ^ (seed >>> 32)));
        n.block.setInitializer(new XavierInitializer(XavierInitializer.RandomType.GAUSSIAN,
                XavierInitializer.FactorType.IN, 2), Parameter.Type.WEIGHT);
        n.initialize();
        return n;
    }

    /** Completes the block (shapes, gradients) and collects the trainable parameters and their momentum. */
    private void initialize() {
        block.initialize(manager, DataType.FLOAT32,
                new ai.djl.ndarray.types.Shape(1, shape.channels(), shape.height(), shape.width()));
        for (Pair<String, Parameter> p : block.getParameters()) {
            if (p.getValue().requiresGradient()) {
                trainable.add(p.getValue());
            } else {
                running.add(p.getValue());
            }
        }
        runningBefore = new float[running.size()][];
        decayed = new boolean[trainable.size()];
        for (int i = 0; i < decayed.length; i++) {
            decayed[i] = trainable.get(i).getType() == Parameter.Type.WEIGHT;
        }
        velocity = new NDArray[trainable.size()];
        for (int i = 0; i < velocity.length; i++) {
            velocity[i] = trainable.get(i).getArray().zerosLike();
        }
    }

    private static ByteBuffer direct(int floats) {
        return ByteBuffer.allocateDirect(floats * Float.BYTES).order(ByteOrder.nativeOrder());
    }

    @Override
    public double fit(MiniBatch batch) {
        int n = batch.size();
        if (n < 1 || n > maxBatch) {
            throw new IllegalArgumentException("batch size was " + n + " but must be in [1, " + maxBatch + "]");
        }
        // one row (the very first step, replay buffer still empty) is trained as two copies of it: the
        // same mean loss, the same gradients and the same batch statistics (see fill)
        int rows = fill(inputBytes, inputFloats, batch.features(), 0, shape.elementCount(), n);
        fill(targetBytes, targetFloats, batch.targets(), 0, numClasses, n);
        double value;
        try (NDManager scope = manager.newSubManager()) {
            NDArray x = scope.create(inputBytes, new ai.djl.ndarray.types.Shape(rows, shape.channels(), shape.height(),
                    shape.width()), DataType.FLOAT32);
            NDArray y = scope.create(targetBytes, new ai.djl.ndarray.types.Shape(rows, numClasses), DataType.FLOAT32);
            for (int i = 0; i < running.size(); i++) {
                runningBefore[i] = running.get(i).getArray().toFloatArray();
            }
            try (GradientCollector collector = engine.newGradientCollector()) {
                NDList out = block.forward(store, new NDList(x), true);
                NDArray l = loss.evaluate(new NDList(y), out);
                value = l.getFloat();
                if (!Double.isFinite(value)) {
                    // no backward, no update; only the batch-norm statistics moved (in forward)
                    for (int i = 0; i < running.size(); i++) {
                        running.get(i).getArray().set(FloatBuffer.wrap(runningBefore[i]));
                    }
                    return value;
                }
                collector.backward(l);
            }
            update((float) learningRate(optimizer, steps), (float) optimizer.momentum(),
                    (float) optimizer.weightDecay());
        }
        steps++;
        return value;
    }

    /**
     * SGD with Nesterov momentum, PyTorch's form, with L2 weight decay {@code wd} added to the gradient
     * of each weight (not biases or batch-norm parameters); runs with autograd off (outside the collector).
     */
    private void update(float lr, float mu, float wd) {
        for (int i = 0; i < velocity.length; i++) {
            NDArray w = trainable.get(i).getArray();
            try (NDArray g = w.getGradient()) {
                if (wd > 0 && decayed[i]) {
                    try (NDArray d = w.mul(wd)) {
                        g.addi(d);
                    }
                }
                NDArray v = velocity[i];
                v.muli(mu).addi(g);
                try (NDArray d = v.mul(mu)) {
                    d.addi(g).muli(lr);
                    w.subi(d);
                }
            }
            JniUtils.zeroGrad((PtNDArray) w);
        }
    }

    /** The learning rate at {@code step}: constant, or multiplied by gamma every {@code stepEvery} steps. */
    static double learningRate(OptimizerSettings optimizer, long step) {
        LearningRateSchedule s = optimizer.schedule();
        if (s.isConstant()) {
            return optimizer.learningRate();
        }
        return optimizer.learningRate() * Math.pow(s.gamma(), step / s.stepEvery());
    }

    /**
     * Copies {@code rows} rows from {@code source} into the direct buffer a tensor will alias, and
     * limits it to them. A single row is written twice: for one image libtorch 2.7 skips oneDNN and
     * probes NNPACK instead, which on CPUs without it logs a warning on every call and runs the slow
     * reference convolution.
     *
     * @return the rows now in the buffer: {@code max(rows, 2)}
     */
    private static int fill(ByteBuffer bytes, FloatBuffer floats, float[] source, int offset, int rowLength,
            int rows) {
        floats.clear();
        floats.put(source, offset, rows * rowLength);
        if (rows == 1) {
            floats.put(source, offset, rowLength);
        }
        int written = Math.max(rows, 2);
        bytes.clear();
        bytes.limit(written * rowLength * Float.BYTES);
        return written;
    }

    /**
     * Predicts in chunks of up to 256 rows. A single row is predicted as a batch of two, the row and a
     * copy (see {@code fill}); in inference mode rows do not affect each other.
     */
    @Override
    public void predict(float[] features, int count, int[] predictedOut) {
        int row = shape.elementCount();
        for (int start = 0; start < count; start += PREDICT_BATCH) {
            int n = Math.min(PREDICT_BATCH, count - start);
            try (NDManager scope = manager.newSubManager()) {
                NDArray logits = logits(scope, features, start * row, row, n);
                long[] best = logits.argMax(1).toLongArray();
                for (int i = 0; i < n; i++) {
                    predictedOut[start + i] = (int) best[i];
                }
            }
        }
    }

    /** The logits, in inference mode, of {@code n} rows of {@code features} from {@code offset}, in {@code scope}. */
    private NDArray logits(NDManager scope, float[] features, int offset, int row, int n) {
        int rows = fill(predictBytes, predictFloats, features, offset, row, n);
        NDArray x = scope.create(predictBytes, new ai.djl.ndarray.types.Shape(rows, shape.channels(), shape.height(),
                shape.width()), DataType.FLOAT32);
        return block.forward(store, new NDList(x), false).singletonOrThrow();
    }

    /** As {@link #predict}, in chunks of up to 256 rows, with the softmax of the logits. */
    @Override
    public void predictProbabilities(float[] features, int count, float[] probabilitiesOut) {
        int row = shape.elementCount();
        for (int start = 0; start < count; start += PREDICT_BATCH) {
            int n = Math.min(PREDICT_BATCH, count - start);
            try (NDManager scope = manager.newSubManager()) {
                NDArray logits = logits(scope, features, start * row, row, n);
                float[] p = logits.softmax(1).toFloatArray();
                System.arraycopy(p, 0, probabilitiesOut, start * numClasses, n * numClasses);
            }
        }
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
        return NetworkEngine.PYTORCH;
    }

    @Override
    public NetworkKind kind() {
        return kind;
    }

    @Override
    public long parameterCount() {
        long n = 0;
        for (Parameter p : trainable) {
            n += p.getArray().size();
        }
        return n;
    }

    @Override
    public long steps() {
        return steps;
    }

    /** @return every parameter including batch-norm running statistics, in the block's order */
    @Override
    public float[] parameters() {
        List<float[]> parts = new ArrayList<>();
        int total = 0;
        for (Pair<String, Parameter> p : block.getParameters()) {
            float[] a = p.getValue().getArray().toFloatArray();
            parts.add(a);
            total += a.length;
        }
        float[] all = new float[total];
        int at = 0;
        for (float[] a : parts) {
            System.arraycopy(a, 0, all, at, a.length);
            at += a.length;
        }
        return all;
    }

    @Override
    public void save(Path file, boolean withOptimizerState) {
        try (ZipOutputStream zip = new ZipOutputStream(new BufferedOutputStream(Files.newOutputStream(file),
                1 << 16))) {
            // stored, not deflated: float weights shrink only about 7%, and deflating them (even at
            // the fastest level) took 50 ms of the snapshot writer's CPU, which on a small machine
            // comes out of training; stored, the save takes 4-6 ms
            zip.setLevel(Deflater.NO_COMPRESSION);
            zip.putNextEntry(new ZipEntry(DESCRIPTOR));
            zip.write(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(descriptor(withOptimizerState)));
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry(PARAMETERS));
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(new KeepOpen(zip), 1 << 16));
            block.saveParameters(out);
            out.flush();
            zip.closeEntry();
            if (withOptimizerState) {
                zip.putNextEntry(new ZipEntry(OPTIMIZER));
                out = new DataOutputStream(new BufferedOutputStream(new KeepOpen(zip), 1 << 16));
                writeVelocity(out);
                out.flush();
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new ModelException("could not write the model to " + file + ": " + e.getMessage(), e);
        }
    }

    private Map<String, Object> descriptor(boolean withOptimizerState) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("format", FORMAT);
        d.put("engine", NetworkEngine.PYTORCH.cliName());
        d.put("runtime", PtEngines.describe());
        d.put("network", kind.cliName());
        d.put("shape", List.of(shape.channels(), shape.height(), shape.width()));
        d.put("classes", numClasses);
        d.put("learningRate", optimizer.learningRate());
        d.put("momentum", optimizer.momentum());
        d.put("schedule", optimizer.schedule().toString());
        d.put("weightDecay", optimizer.weightDecay());
        d.put("steps", steps);
        d.put("optimizerState", withOptimizerState);
        return d;
    }

    private void writeVelocity(DataOutputStream out) throws IOException {
        out.writeInt(velocity.length);
        for (NDArray v : velocity) {
            float[] a = v.toFloatArray();
            out.writeInt(a.length);
            for (float f : a) {
                out.writeFloat(f);
            }
        }
    }

    private void readVelocity(DataInputStream in, String where) throws IOException {
        int count = in.readInt();
        if (count != velocity.length) {
            throw new ModelException(where + " holds momentum for " + count + " parameters but the network has "
                    + velocity.length);
        }
        for (int i = 0; i < count; i++) {
            int length = in.readInt();
            if (length != velocity[i].size()) {
                throw new ModelException(where + ": momentum buffer " + i + " has " + length + " values but its "
                        + "parameter has " + velocity[i].size());
            }
            float[] a = new float[length];
            for (int j = 0; j < length; j++) {
                a[j] = in.readFloat();
            }
            velocity[i].set(a);
        }
    }

    @Override
    public Network copy() {
        // native copies of each parameter, running statistic and momentum buffer: a round trip
        // through saveParameters/loadParameters took 25-45 ms of the training thread for the small CNN
        PtNetwork c = new PtNetwork(kind, shape, numClasses, optimizer, maxBatch);
        try {
            c.block.setInitializer(ai.djl.training.initializer.Initializer.ZEROS, p -> true);
            c.initialize();
            ai.djl.nn.ParameterList from = block.getParameters();
            ai.djl.nn.ParameterList to = c.block.getParameters();
            if (from.size() != to.size()) {
                throw new ModelException("could not copy the network: " + from.size() + " parameters became "
                        + to.size());
            }
            for (int i = 0; i < from.size(); i++) {
                copyArray(from.get(i).getValue().getArray(), to.get(i).getValue().getArray());
            }
            for (int i = 0; i < velocity.length; i++) {
                copyArray(velocity[i], c.velocity[i]);
            }
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
        c.steps = steps;
        return c;
    }

    @Override
    public void copyTo(Network target) {
        if (!(target instanceof PtNetwork t) || t == this || t.released() || released() || t.kind != kind
                || !t.shape.equals(shape) || t.numClasses != numClasses) {
            throw new ModelException("cannot copy a " + describe() + " into " + (target == this ? "itself"
                    : target instanceof PtNetwork t ? (t.released() ? "a closed " : "a ") + t.describe()
                            : "a " + target.engine().cliName() + " network"));
        }
        ai.djl.nn.ParameterList from = block.getParameters();
        ai.djl.nn.ParameterList to = t.block.getParameters();
        if (from.size() != to.size() || velocity.length != t.velocity.length) {
            throw new ModelException("cannot copy a " + describe() + ": " + from.size() + " parameters met "
                    + to.size());
        }
        for (int i = 0; i < from.size(); i++) {
            copyArray(from.get(i).getValue().getArray(), to.get(i).getValue().getArray());
        }
        for (int i = 0; i < velocity.length; i++) {
            copyArray(velocity[i], t.velocity[i]);
        }
        t.steps = steps;
    }

    private String describe() {
        return "PyTorch " + kind.cliName() + " " + shape + " -> " + numClasses;
    }

    @Override
    public void averageInto(Network average, double keep) {
        if (!(keep >= 0 && keep <= 1)) {
            throw new IllegalArgumentException("keep was " + keep + " but must be in [0, 1]");
        }
        if (!(average instanceof PtNetwork t) || t == this || t.released() || released() || t.kind != kind
                || !t.shape.equals(shape) || t.numClasses != numClasses) {
            throw new ModelException("cannot average a " + describe() + " into " + (average == this ? "itself"
                    : average instanceof PtNetwork t ? (t.released() ? "a closed " : "a ") + t.describe()
                            : "a " + average.engine().cliName() + " network"));
        }
        ai.djl.nn.ParameterList from = block.getParameters();
        ai.djl.nn.ParameterList to = t.block.getParameters();
        if (from.size() != to.size()) {
            throw new ModelException("cannot average a " + describe() + ": " + from.size() + " parameters met "
                    + to.size());
        }
        float k = (float) keep;
        float rest = (float) (1 - keep);
        for (int i = 0; i < from.size(); i++) {
            NDArray a = to.get(i).getValue().getArray();
            a.muli(k); // running statistics too: they are parameters of the block, without gradients
            try (NDArray w = from.get(i).getValue().getArray().mul(rest)) {
                a.addi(w);
            }
        }
    }

    private static void copyArray(NDArray from, NDArray to) {
        if (!from.getShape().equals(to.getShape()) || from.getDataType() != to.getDataType()) {
            throw new ModelException("could not copy the network: a " + from.getDataType() + " " + from.getShape()
                    + " array met a " + to.getDataType() + " " + to.getShape() + " one");
        }
        to.set(from.toByteBuffer());
    }

    /**
     * Reads a model file written by {@link #save}.
     *
     * @param file the zip
     * @param kind the architecture expected
     * @param shape the input shape expected
     * @param numClasses the classes expected
     * @param maxBatch the largest batch it will be fitted with
     * @return the network, with its momentum when the file has it
     */
    public static PtNetwork restore(Path file, NetworkKind kind, Shape shape, int numClasses, int maxBatch) {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            JsonNode d = JSON.readTree(read(zip, DESCRIPTOR, file));
            if (d.path("format").asInt() != FORMAT) {
                throw new ModelException(file + " is format " + d.path("format") + " but this version reads " + FORMAT);
            }
            String network = d.path("network").asText();
            List<Integer> dims = new ArrayList<>();
            d.path("shape").forEach(n -> dims.add(n.asInt()));
            int classes = d.path("classes").asInt();
            if (!network.equals(kind.cliName()) || !dims.equals(List.of(shape.channels(), shape.height(), shape.width()))
                    || classes != numClasses) {
                throw new ModelException(file + " holds " + network + " on " + dims + " with " + classes
                        + " classes but " + kind.cliName() + " on " + shape + " with " + numClasses + " was expected");
            }
            OptimizerSettings optimizer = new OptimizerSettings(d.path("learningRate").asDouble(),
                    d.path("momentum").asDouble(), LearningRateSchedule.parse(d.path("schedule").asText()),
                    d.path("weightDecay").asDouble(0)); // absent in files written before weight decay: none
            PtNetwork n = new PtNetwork(kind, shape, numClasses, optimizer, maxBatch);
            try {
                try (InputStream in = read(zip, PARAMETERS, file)) {
                    n.block.loadParameters(n.manager, new DataInputStream(in));
                }
                n.initialize();
                ZipEntry state = zip.getEntry(OPTIMIZER);
                if (state != null) {
                    try (InputStream in = zip.getInputStream(state)) {
                        n.readVelocity(new DataInputStream(in), file.toString());
                    }
                }
                n.steps = d.path("steps").asLong();
                return n;
            } catch (IOException | MalformedModelException | RuntimeException e) {
                n.close();
                throw e;
            }
        } catch (IOException | MalformedModelException e) {
            throw new ModelException("could not read the model in " + file + ": " + e.getMessage(), e);
        }
    }

    private static InputStream read(ZipFile zip, String entry, Path file) throws IOException {
        ZipEntry e = zip.getEntry(entry);
        if (e == null) {
            throw new ModelException(file + " has no " + entry + " entry: not a Coldstream PyTorch model file");
        }
        return zip.getInputStream(e);
    }

    /**
     * @param file a model zip
     * @return whether it was written by this engine
     */
    public static boolean isPytorchModel(Path file) {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            return zip.getEntry(DESCRIPTOR) != null;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        if (manager.isOpen()) {
            manager.close();
            OpenNetworks.closed();
        }
    }

    /** @return whether {@link #close()} has released the native memory of every tensor (for tests) */
    public boolean released() {
        return !manager.isOpen();
    }

    /** Lets DJL write into a zip entry without closing the zip. */
    private static final class KeepOpen extends FilterOutputStream {
        KeepOpen(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
