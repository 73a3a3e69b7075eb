package io.coldstream.model.internal;

import io.coldstream.core.Shape;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.graph.vertex.impl.LayerVertex;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The inference forward pass of a Deeplearning4j graph that is a chain of convolution, batch-norm,
 * ReLU, max-pooling, dense and softmax-output layers (the small CNNs), run as a fixed list of
 * kernels over arrays allocated once, instead of through {@link ComputationGraph#outputSingle}.
 *
 * <p>Why: for one row of the small CNN, {@code outputSingle} took 1.3-1.4 ms, of which the
 * kernels are a fraction: the rest is the graph's per-layer machinery (workspaces, validation, an
 * array per activation) and oneDNN's pooling and batch norm, which cost more to set up than to run
 * on tensors this small (the first max pool alone: 230 us). This plan does what inference runtimes
 * do (TensorRT, ONNX Runtime), and takes 0.22-0.3 ms for one row and 0.14-0.16 ms a row for 32
 * (against 0.46-0.51 through the graph):
 * <ul>
 *   <li>batch norm after a convolution is folded into its weights and bias
 *       ({@code w * gamma / std}, {@code (b - mean) * gamma / std + beta}), so it costs nothing;
 *   <li>convolutions and matrix products run as native ND4J ops (oneDNN and BLAS) into arrays kept
 *       for the purpose;
 *   <li>ReLU, max pooling (ReLU before a max pool is applied after it: {@code max} and ReLU commute
 *       exactly), the flattening between convolutional and dense layers and the softmax run in Java,
 *       where a pass over a few thousand floats costs less than a native call.
 * </ul>
 * Results equal {@code outputSingle(false, x)} up to float rounding (the folded weights round
 * differently); tests hold them within 1e-5.
 *
 * <p>The plan holds its own copies of the weights: {@link #refresh} recomputes them from the graph's
 * parameters, which the owning network calls whenever its parameters changed. Not thread-safe (the
 * owning network is not either). Graphs with other layers or vertices (ResNet's additions, global
 * pooling) get no plan: {@link #compile} says why and they keep {@code outputSingle}.
 */
final class Dl4jInferencePlan implements AutoCloseable {

    /**
     * Rows per pass: larger predictions are split. At 32 rows the small CNN's time per row has
     * levelled off (0.16 ms at 8 rows, 0.155 at 32), and its arrays for 32 rows of 1x28x28 take
     * about 5 MB of native memory and 5.5 MB of heap.
     */
    static final int MAX_ROWS = 32;

    private final List<Step> steps;
    private final List<Tensor> tensors;
    private final Tensor input;
    private final Tensor output;
    private final int rows;
    private boolean closed;

    private Dl4jInferencePlan(List<Step> steps, List<Tensor> tensors, Tensor input, Tensor output, int rows) {
        this.steps = steps;
        this.tensors = tensors;
        this.input = input;
        this.output = output;
        this.rows = rows;
    }

    /** What {@link #compile} gives: a plan, or why there is none. */
    record Compiled(Dl4jInferencePlan plan, String whyNot) {
    }

    /**
     * @param graph an initialised graph with one input and one output
     * @param shape its input shape (NCHW)
     * @param numClasses its output size
     * @param rows the most rows a pass will be asked for (at most {@link #MAX_ROWS} are used)
     * @return a plan with its weights computed from the graph's parameters, or the reason there is none
     */
    static Compiled compile(ComputationGraph graph, Shape shape, int numClasses, int rows) {
        if (!Nd4j.getEnvironment().isCPU()) {
            // its Java steps read and write host memory, which on CUDA is a copy of the device's
            return new Compiled(null, "the inference plan runs on ND4J's CPU backend only");
        }
        Builder b = new Builder(shape, Math.max(1, Math.min(rows, MAX_ROWS)));
        String whyNot;
        try {
            whyNot = b.walk(graph, numClasses);
            if (whyNot == null) {
                Dl4jInferencePlan plan = new Dl4jInferencePlan(b.steps, b.tensors, b.input, b.current, b.rows);
                plan.refresh();
                return new Compiled(plan, null);
            }
        } catch (RuntimeException e) {
            whyNot = "compiling it failed: " + e;
        }
        b.closeAll();
        return new Compiled(null, whyNot);
    }

    /** @return the most rows one {@link #run} takes */
    int rows() {
        return rows;
    }

    /** Recomputes the plan's weights from the graph's current parameters. */
    void refresh() {
        for (Step s : steps) {
            s.refresh();
        }
    }

    /**
     * Class probabilities of rows {@code [start, start + n)} of {@code features}.
     *
     * @param features rows of the input shape, one after another
     * @param start first row
     * @param n rows, 1 to {@link #rows()}
     * @param probabilitiesOut where the probabilities go, {@code n * classes} of them
     * @param outStart the index of the first
     */
    void run(float[] features, int start, int n, float[] probabilitiesOut, int outStart) {
        if (closed) {
            throw new IllegalStateException("the inference plan was closed");
        }
        if (n < 1 || n > rows) {
            throw new IllegalArgumentException("rows were " + n + " but must be in [1, " + rows + "]");
        }
        Dl4jNetwork.copyInto(input.full, features, start * input.rowSize, n * input.rowSize);
        for (Step s : steps) {
            s.run(n);
        }
        FloatBuffer out = output.buffer();
        out.clear();
        out.get(probabilitiesOut, outStart, n * output.rowSize);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Step s : steps) {
            s.close();
        }
        for (Tensor t : tensors) {
            t.close();
        }
    }

    /**
     * @return a parameter's values in C order; the copy this takes is released at once (a refresh
     *     runs after every training step that predicts, and native copies left to the garbage
     *     collector would pile up)
     */
    private static float[] floats(INDArray param) {
        INDArray c = param.dup('c');
        try {
            return c.data().asFloat();
        } finally {
            c.close();
        }
    }

    /** An activation: {@code rows} rows of {@code dims} (NCHW or flat), in one native buffer. */
    private static final class Tensor {
        final long[] dims;
        final int rowSize;
        final INDArray full;
        final DataBuffer data;
        /** Arrays of the first n rows over {@link #data}, made when first needed. */
        private final INDArray[] byRows;

        Tensor(int rows, long... dims) {
            this.dims = dims;
            this.rowSize = (int) Arrays.stream(dims).reduce(1, (x, y) -> x * y);
            this.full = Nd4j.create(DataType.FLOAT, concat(rows, dims));
            this.data = full.data();
            this.byRows = new INDArray[rows + 1];
        }

        /** @return the first {@code n} rows as an array of shape {@code [n, dims...]} */
        INDArray rows(int n) {
            INDArray a = byRows[n];
            if (a == null) {
                a = Nd4j.create(data, concat(n, dims));
                byRows[n] = a;
            }
            return a;
        }

        /** @return the first {@code n} rows as a matrix {@code [n, rowSize]} */
        INDArray flat(int n) {
            return Nd4j.create(data, new long[] {n, rowSize});
        }

        FloatBuffer buffer() {
            return data.asNioFloat();
        }

        void close() {
            if (full.closeable()) {
                full.close();
            }
        }

        private static long[] concat(long first, long[] rest) {
            long[] all = new long[rest.length + 1];
            all[0] = first;
            System.arraycopy(rest, 0, all, 1, rest.length);
            return all;
        }
    }

    /** One kernel of the pass, from one tensor into the next. */
    private interface Step {
        void refresh();

        void run(int n);

        /** Releases the step's own weights (the tensors are released by the plan). */
        void close();
    }

    /**
     * A native op with its arrays and arguments set once in a context of its own: run through the
     * kept context, the small CNN's convolutions took 25-30 us less each than through
     * {@code Nd4j.exec}, which builds a context per call.
     */
    private static final class NativeOp {
        private final DynamicCustomOp op;
        private final OpContext context;

        NativeOp(DynamicCustomOp op) {
            this.op = op;
            this.context = Nd4j.getExecutioner().buildContext();
            context.setInputArrays(op.inputArguments());
            context.setOutputArrays(op.outputArguments());
            context.setIArguments(op.iArgs());
        }

        void run() {
            Nd4j.getExecutioner().exec(op, context);
        }

        static void closeAll(NativeOp[] ops) {
            for (int i = 0; i < ops.length; i++) {
                if (ops[i] != null) {
                    try {
                        ops[i].context.close();
                    } catch (Exception e) {
                        throw new IllegalStateException("could not release a native op's context", e);
                    }
                    ops[i] = null;
                }
            }
        }
    }

    /** A native op over weights and a bias that the step keeps, with one op per row count. */
    private abstract static class Weighted implements Step {
        final INDArray weights;
        final INDArray bias;
        private final NativeOp[] byRows;

        Weighted(INDArray weights, INDArray bias, int rows) {
            this.weights = weights;
            this.bias = bias;
            this.byRows = new NativeOp[rows + 1];
        }

        /** @return the op for {@code n} rows */
        abstract DynamicCustomOp op(int n);

        @Override
        public void run(int n) {
            NativeOp op = byRows[n];
            if (op == null) {
                op = new NativeOp(op(n));
                byRows[n] = op;
            }
            op.run();
        }

        @Override
        public void close() {
            weights.close();
            bias.close();
            NativeOp.closeAll(byRows);
        }
    }

    /** A convolution (NCHW, weights [out, in, kh, kw]) with an optional batch norm folded into it. */
    private static final class Conv extends Weighted {
        private final Layer conv;
        private final Layer norm;
        private final Tensor in;
        private final Tensor out;
        private final int[] args;

        Conv(Layer conv, Layer norm, Tensor in, Tensor out, int[] args, int rows) {
            super(Nd4j.create(DataType.FLOAT, conv.getParam("W").shape()),
                    Nd4j.create(DataType.FLOAT, conv.getParam("W").size(0)), rows);
            this.conv = conv;
            this.norm = norm;
            this.in = in;
            this.out = out;
            this.args = args;
        }

        @Override
        public void refresh() {
            int outChannels = (int) weights.size(0);
            float[] w = floats(conv.getParam("W"));
            INDArray b = conv.getParam("b");
            float[] shift = b == null ? new float[outChannels] : floats(b);
            if (norm != null) {
                BatchNormalization c = (BatchNormalization) norm.conf().getLayer();
                float[] mean = floats(norm.getParam("mean"));
                float[] gamma = floats(norm.getParam("gamma"));
                float[] beta = floats(norm.getParam("beta"));
                float[] spread = floats(norm.getParam(c.isUseLogStd() ? "log10stdev" : "var"));
                int per = w.length / outChannels;
                for (int o = 0; o < outChannels; o++) {
                    // Deeplearning4j's inference: gamma * (x - mean) / sqrt(var + eps) + beta, where a
                    // log-std layer keeps log10(sqrt(var)) of the running variance, eps not included
                    double var = c.isUseLogStd() ? Math.pow(10, 2.0 * spread[o]) : spread[o];
                    float scale = (float) (gamma[o] / Math.sqrt(var + c.getEps()));
                    for (int i = o * per; i < (o + 1) * per; i++) {
                        w[i] *= scale;
                    }
                    shift[o] = (shift[o] - mean[o]) * scale + beta[o];
                }
            }
            Dl4jNetwork.copyInto(weights, w, 0, w.length);
            Dl4jNetwork.copyInto(bias, shift, 0, shift.length);
        }

        @Override
        DynamicCustomOp op(int n) {
            return DynamicCustomOp.builder("conv2d").addInputs(in.rows(n), weights, bias).addOutputs(out.rows(n))
                    .addIntegerArguments(args).build();
        }
    }

    /** {@code x W + b} of a dense or output layer (weights [in, out]). */
    private static final class Affine extends Weighted {
        private final Layer layer;
        private final Tensor in;
        private final Tensor out;

        Affine(Layer layer, Tensor in, Tensor out, int rows) {
            // the weights in the parameter's own order: xw_plus_b took 200 us instead of 45 for the
            // small CNN's dense layer with a C-ordered copy of Deeplearning4j's F-ordered weights
            super(Nd4j.create(DataType.FLOAT, layer.getParam("W").shape(), layer.getParam("W").ordering()),
                    Nd4j.create(DataType.FLOAT, layer.getParam("W").size(1)), rows);
            this.layer = layer;
            this.in = in;
            this.out = out;
        }

        @Override
        public void refresh() {
            weights.assign(layer.getParam("W"));
            float[] b = floats(layer.getParam("b"));
            Dl4jNetwork.copyInto(bias, b, 0, b.length);
        }

        @Override
        DynamicCustomOp op(int n) {
            return DynamicCustomOp.builder("xw_plus_b").addInputs(in.flat(n), weights, bias).addOutputs(out.rows(n))
                    .build();
        }
    }

    /** Heap arrays the Java steps of one plan copy their input into and compute their output in. */
    private static final class Scratch {
        float[] in = new float[0];
        float[] out = new float[0];

        void ensure(int length) {
            if (in.length < length) {
                in = new float[length];
                out = new float[length];
            }
        }
    }

    /** Java kernels: ReLU, max pooling (with an optional ReLU), softmax; in and out may be one tensor. */
    private static final class JavaStep implements Step {
        private final Scratch scratch;
        private final Kind kind;
        private final Tensor in;
        private final Tensor out;
        private final int kh;
        private final int kw;
        private final int sh;
        private final int sw;

        enum Kind { RELU, MAX_POOL, MAX_POOL_RELU, SOFTMAX }

        JavaStep(Scratch scratch, Kind kind, Tensor in, Tensor out, int[] kernel, int[] stride) {
            this.scratch = scratch;
            this.kind = kind;
            this.in = in;
            this.out = out;
            this.kh = kernel[0];
            this.kw = kernel[1];
            this.sh = stride[0];
            this.sw = stride[1];
        }

        @Override
        public void refresh() {
        }

        @Override
        public void run(int n) {
            int inLength = n * in.rowSize;
            FloatBuffer src = in.buffer();
            src.clear();
            float[] x = scratch.in;
            float[] y = scratch.out;
            src.get(x, 0, inLength);
            int outLength = n * out.rowSize;
            switch (kind) {
                case RELU -> {
                    for (int i = 0; i < inLength; i++) {
                        y[i] = x[i] > 0 ? x[i] : 0f;
                    }
                }
                case MAX_POOL, MAX_POOL_RELU -> maxPool(x, y, n * (int) in.dims[0], (int) in.dims[1],
                        (int) in.dims[2], (int) out.dims[1], (int) out.dims[2], kind == Kind.MAX_POOL_RELU);
                case SOFTMAX -> softmax(x, y, n, in.rowSize);
                default -> throw new IllegalStateException(kind.name());
            }
            Dl4jNetwork.copyInto(out.full, y, 0, outLength);
        }

        /** Max pooling without padding, plane by plane; with {@code relu}, nothing under 0 comes out. */
        private void maxPool(float[] x, float[] y, int planes, int h, int w, int oh, int ow, boolean relu) {
            float floor = relu ? 0f : Float.NEGATIVE_INFINITY;
            int outAt = 0;
            if (kh == 2 && kw == 2 && sh == 2 && sw == 2) { // the usual one, unrolled: half the time
                for (int p = 0; p < planes; p++) {
                    for (int r = 0; r < oh; r++) {
                        int top = p * h * w + 2 * r * w;
                        int bottom = top + w;
                        for (int c = 0; c < ow; c++, outAt++) {
                            int at = 2 * c;
                            y[outAt] = Math.max(Math.max(Math.max(x[top + at], x[top + at + 1]),
                                    Math.max(x[bottom + at], x[bottom + at + 1])), floor);
                        }
                    }
                }
                return;
            }
            // a row of outputs at a time, one kernel offset after another: branch-free inner loops
            for (int p = 0; p < planes; p++) {
                for (int r = 0; r < oh; r++, outAt += ow) {
                    int top = p * h * w + r * sh * w;
                    Arrays.fill(y, outAt, outAt + ow, floor);
                    for (int i = 0; i < kh; i++) {
                        for (int j = 0; j < kw; j++) {
                            int at = top + i * w + j;
                            for (int c = 0; c < ow; c++) {
                                y[outAt + c] = Math.max(y[outAt + c], x[at + c * sw]);
                            }
                        }
                    }
                }
            }
        }

        private void softmax(float[] x, float[] y, int n, int classes) {
            for (int row = 0; row < n; row++) {
                int at = row * classes;
                float max = Float.NEGATIVE_INFINITY;
                for (int c = 0; c < classes; c++) {
                    max = Math.max(max, x[at + c]);
                }
                float sum = 0;
                for (int c = 0; c < classes; c++) {
                    float e = (float) Math.exp(x[at + c] - max);
                    y[at + c] = e;
                    sum += e;
                }
                for (int c = 0; c < classes; c++) {
                    y[at + c] /= sum;
                }
            }
        }

        @Override
        public void close() {
        }
    }

    /** Walks the graph's layers in order and lays the steps out. */
    private static final class Builder {
        private final int rows;
        private final List<Step> steps = new ArrayList<>();
        private final List<Tensor> tensors = new ArrayList<>();
        private final Scratch scratch = new Scratch();
        private final Tensor input;
        private Tensor current;
        /** A ReLU that the next step can take on (a max pool), or emit on its own. */
        private boolean pendingRelu;
        /** A preprocessor flattened the current image tensor into rows for a dense layer. */
        private boolean flattened;

        Builder(Shape shape, int rows) {
            this.rows = rows;
            this.input = tensor(shape.channels(), shape.height(), shape.width());
            this.current = input;
        }

        private Tensor tensor(long... dims) {
            Tensor t = new Tensor(rows, dims);
            tensors.add(t);
            return t;
        }

        /** @return null when every layer has a step, else why not */
        String walk(ComputationGraph graph, int numClasses) {
            if (graph.getNumInputArrays() != 1 || graph.getNumOutputArrays() != 1) {
                return "the graph has " + graph.getNumInputArrays() + " inputs and " + graph.getNumOutputArrays()
                        + " outputs";
            }
            GraphVertex[] vertices = graph.getVertices();
            int previous = -1;
            List<GraphVertex> chain = new ArrayList<>();
            for (int index : graph.topologicalSortOrder()) {
                GraphVertex v = vertices[index];
                if (v.isInputVertex()) {
                    previous = index;
                    continue;
                }
                if (!(v instanceof LayerVertex) || v.getInputVertices() == null || v.getInputVertices().length != 1
                        || v.getInputVertices()[0].getVertexIndex() != previous) {
                    return "vertex " + v.getVertexName() + " (" + v.getClass().getSimpleName()
                            + ") is not a layer fed by the one before it";
                }
                chain.add(v);
                previous = index;
            }
            for (int i = 0; i < chain.size(); i++) {
                LayerVertex v = (LayerVertex) chain.get(i);
                String why = preprocessor(v.getLayerPreProcessor(), v.getVertexName());
                if (why == null) {
                    Layer next = i + 1 < chain.size() ? chain.get(i + 1).getLayer() : null;
                    boolean last = i == chain.size() - 1;
                    // a batch norm folds into the convolution before it when nothing sits between
                    // them and a layer follows it (the last must be the output layer)
                    Layer norm = next != null && i + 1 < chain.size() - 1 && takesNorm(v.getLayer(), next)
                            && ((LayerVertex) chain.get(i + 1)).getLayerPreProcessor() == null ? next : null;
                    why = layer(v.getLayer(), norm, last, numClasses);
                    if (why == null && norm != null) {
                        i++; // folded into the convolution
                    }
                }
                if (why != null) {
                    return why;
                }
            }
            return null;
        }

        private String preprocessor(InputPreProcessor p, String name) {
            if (p == null) {
                return null;
            }
            if (p instanceof CnnToFeedForwardPreProcessor c && c.getFormat() == CNN2DFormat.NCHW
                    && current.dims.length == 3) {
                flattened = true; // NCHW rows flattened in C order: the same floats
                return null;
            }
            return "layer " + name + " has the input preprocessor " + p.getClass().getSimpleName();
        }

        /**
     * Whether {@code next} is a batch norm that folds into the convolution {@code layer}. The batch
     * norm's own activation is not looked at: Deeplearning4j's layer does not apply it (its
     * configuration says sigmoid, the global default, and the outputs agree without it).
     */
    private static boolean takesNorm(Layer layer, Layer next) {
            return layer.conf().getLayer().getClass() == ConvolutionLayer.class
                    && next.conf().getLayer() instanceof BatchNormalization bn && !bn.isLockGammaBeta()
                    && bn.getCnn2DFormat() == CNN2DFormat.NCHW
                    && ((ConvolutionLayer) layer.conf().getLayer()).getActivationFn() instanceof ActivationIdentity;
        }

        /** @param norm a batch norm to fold into {@code layer}, a convolution; or null */
        private String layer(Layer layer, Layer norm, boolean last, int numClasses) {
            org.deeplearning4j.nn.conf.layers.Layer conf = layer.conf().getLayer();
            String name = conf.getLayerName();
            Class<?> type = conf.getClass();
            if (last != (type == OutputLayer.class)) {
                return last ? "the last layer, " + name + ", is a " + type.getSimpleName() + ", not an OutputLayer"
                        : "layer " + name + " is an OutputLayer before the last layer";
            }
            if (type == ConvolutionLayer.class) {
                return conv(layer, (ConvolutionLayer) conf, norm);
            }
            if (type == ActivationLayer.class) {
                return activation(((ActivationLayer) conf).getActivationFn(), name);
            }
            if (type == SubsamplingLayer.class) {
                return pool((SubsamplingLayer) conf);
            }
            if (type == DenseLayer.class || type == OutputLayer.class) {
                if (current.dims.length != 1 && !flattened) {
                    return "layer " + name + " takes an image without a preprocessor";
                }
                flushRelu();
                flattened = false;
                long in = layer.getParam("W").size(0);
                long outs = layer.getParam("W").size(1);
                if (in != current.rowSize || layer.getParam("b") == null) {
                    return "layer " + name + " has " + in + " inputs for " + current.rowSize + " values, or no bias";
                }
                if (conf instanceof DenseLayer d && d.hasLayerNorm()) {
                    return "layer " + name + " has layer normalisation";
                }
                Tensor out = tensor(outs);
                steps.add(new Affine(layer, current, out, rows));
                current = out;
                IActivation fn = ((org.deeplearning4j.nn.conf.layers.BaseLayer) conf).getActivationFn();
                if (type == OutputLayer.class) {
                    if (!(fn instanceof ActivationSoftmax) || outs != numClasses) {
                        return "the output layer " + name + " is " + fn + " over " + outs + " classes, not softmax over "
                                + numClasses;
                    }
                    steps.add(newJava(JavaStep.Kind.SOFTMAX, current, current, new int[] {1, 1}, new int[] {1, 1}));
                    return null;
                }
                return activation(fn, name);
            }
            return "layer " + name + " is a " + type.getSimpleName();
        }

        private String activation(IActivation fn, String name) {
            if (fn instanceof ActivationIdentity) {
                return null;
            }
            if (new ActivationReLU().equals(fn)) {
                pendingRelu = true;
                return null;
            }
            return "layer " + name + " has the activation " + fn;
        }

        private void flushRelu() {
            if (pendingRelu) {
                pendingRelu = false;
                steps.add(newJava(JavaStep.Kind.RELU, current, current, new int[] {1, 1}, new int[] {1, 1}));
            }
        }

        private String conv(Layer layer, ConvolutionLayer c, Layer norm) {
            String name = c.getLayerName();
            if (current.dims.length != 3 || flattened || c.getCnn2dDataFormat() != CNN2DFormat.NCHW) {
                return "layer " + name + " is not an NCHW convolution of an image";
            }
            ConvolutionMode mode = c.getConvolutionMode();
            if (mode != ConvolutionMode.Truncate && mode != ConvolutionMode.Strict && mode != ConvolutionMode.Same) {
                return "layer " + name + " uses convolution mode " + mode;
            }
            flushRelu();
            int[] k = c.getKernelSize();
            int[] s = c.getStride();
            int[] p = mode == ConvolutionMode.Same ? new int[] {0, 0} : c.getPadding();
            int[] d = c.getDilation();
            long[] w = layer.getParam("W").shape();
            if (w.length != 4 || w[1] != current.dims[0] || w[2] != k[0] || w[3] != k[1]) {
                return "layer " + name + " has weights " + Arrays.toString(w) + " for input " + Arrays.toString(current.dims);
            }
            long[] out = new long[3];
            out[0] = w[0];
            for (int i = 0; i < 2; i++) {
                long size = current.dims[1 + i];
                out[1 + i] = mode == ConvolutionMode.Same ? (size + s[i] - 1) / s[i]
                        : (size + 2L * p[i] - ((k[i] - 1L) * d[i] + 1)) / s[i] + 1;
                if (out[1 + i] < 1) {
                    return "layer " + name + " leaves no output of input " + Arrays.toString(current.dims);
                }
            }
            Tensor o = tensor(out);
            // libnd4j conv2d: kH, kW, sH, sW, pH, pW, dH, dW, same mode, NCHW (0), weights [oC, iC, kH, kW] (1)
            int[] args = {k[0], k[1], s[0], s[1], p[0], p[1], d[0], d[1], mode == ConvolutionMode.Same ? 1 : 0, 0, 1};
            steps.add(new Conv(layer, norm, current, o, args, rows));
            current = o;
            String why = activation(c.getActivationFn(), name);
            return why;
        }

        private String pool(SubsamplingLayer c) {
            String name = c.getLayerName();
            int[] k = c.getKernelSize();
            int[] s = c.getStride();
            int[] p = c.getPadding();
            int[] d = c.getDilation();
            if (c.getPoolingType() != PoolingType.MAX || current.dims.length != 3 || flattened
                    || c.getCnn2dDataFormat() != CNN2DFormat.NCHW || p[0] != 0 || p[1] != 0 || d[0] != 1 || d[1] != 1
                    || (c.getConvolutionMode() != ConvolutionMode.Truncate
                            && c.getConvolutionMode() != ConvolutionMode.Strict)) {
                return "layer " + name + " is a " + c.getPoolingType() + " pooling this plan has no kernel for";
            }
            long oh = (current.dims[1] - k[0]) / s[0] + 1;
            long ow = (current.dims[2] - k[1]) / s[1] + 1;
            if (oh < 1 || ow < 1) {
                return "layer " + name + " leaves no output of input " + Arrays.toString(current.dims);
            }
            Tensor o = tensor(current.dims[0], oh, ow);
            steps.add(newJava(pendingRelu ? JavaStep.Kind.MAX_POOL_RELU : JavaStep.Kind.MAX_POOL, current, o, k, s));
            pendingRelu = false;
            current = o;
            return null;
        }

        private Step newJava(JavaStep.Kind kind, Tensor in, Tensor out, int[] kernel, int[] stride) {
            scratch.ensure(rows * Math.max(in.rowSize, out.rowSize));
            return new JavaStep(scratch, kind, in, out, kernel, stride);
        }

        void closeAll() {
            for (Step s : steps) {
                s.close();
            }
            for (Tensor t : tensors) {
                t.close();
            }
        }
    }
}
