package io.coldstream.learner;

import io.coldstream.core.MiniBatch;
import io.coldstream.core.Shape;
import io.coldstream.model.Network;
import io.coldstream.model.NetworkEngine;
import io.coldstream.model.NetworkKind;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Objects;

/**
 * The private copies of the trainer's network that its snapshots and checkpoints are written from, kept
 * and reused. The training thread asks for a copy ({@link #copyOf}); the writer thread closes it when the
 * file is written, which hands it back here instead of releasing it. The next copy is then
 * {@link Network#copyTo} into a kept network, a few array copies, where {@link Network#copy()} builds a
 * network (a Deeplearning4j clone rebuilds its configuration and layers: 10-15 ms of the training thread
 * for the small CNN, more than half a step).
 *
 * <p>At most {@code keep} idle copies are kept (one per writer is enough: a snapshot and a checkpoint
 * being written at once); a copy handed back when that many are idle is closed. {@link #close()} closes
 * the idle ones, and each copy still being written is closed when its writer hands it back, so that no
 * network stays open after the trainer. Thread-safe.
 */
public final class NetworkCopies implements AutoCloseable {

    private final Network source;
    private final int keep;
    private final ArrayDeque<Network> idle = new ArrayDeque<>();
    private boolean closed;

    /**
     * @param source the trainer's network, copied on the training thread only
     * @param keep idle copies kept for reuse, {@code >= 0}
     * @throws IllegalArgumentException when {@code keep < 0}
     */
    public NetworkCopies(Network source, int keep) {
        this.source = Objects.requireNonNull(source, "source");
        if (keep < 0) {
            throw new IllegalArgumentException("keep was " + keep + " but must be >= 0");
        }
        this.keep = keep;
    }

    /**
     * Called on the training thread.
     *
     * @return an independent copy of the source network as it is now, owned by the caller: closing it hands
     *     it back (it must not be used after that)
     * @throws IllegalStateException after {@link #close()}
     */
    public Network copyOf() {
        Network kept;
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("the network copies were closed");
            }
            kept = idle.pollFirst();
        }
        if (kept == null) {
            return new Lent(source.copy());
        }
        try {
            source.copyTo(kept);
        } catch (RuntimeException e) {
            kept.close();
            throw e;
        }
        return new Lent(kept);
    }

    /** @return idle copies kept now (for tests) */
    synchronized int idle() {
        return idle.size();
    }

    private void handBack(Network copy) {
        synchronized (this) {
            if (!closed && idle.size() < keep) {
                idle.addLast(copy);
                return;
            }
        }
        copy.close();
    }

    /** Closes the idle copies; a copy still lent out is closed when it is handed back. */
    @Override
    public void close() {
        ArrayDeque<Network> toClose;
        synchronized (this) {
            closed = true;
            toClose = new ArrayDeque<>(idle);
            idle.clear();
        }
        toClose.forEach(Network::close);
    }

    /** A lent copy: every call goes to the kept network, and closing hands it back once. */
    private final class Lent implements Network {
        private final Network net;
        private volatile boolean returned;

        Lent(Network net) {
            this.net = net;
        }

        private Network net() {
            if (returned) {
                throw new IllegalStateException("this copy of the network was handed back (closed)");
            }
            return net;
        }

        @Override
        public double fit(MiniBatch batch) {
            return net().fit(batch);
        }

        @Override
        public void predict(float[] features, int count, int[] predictedOut) {
            net().predict(features, count, predictedOut);
        }

        @Override
        public void predictProbabilities(float[] features, int count, float[] probabilitiesOut) {
            net().predictProbabilities(features, count, probabilitiesOut);
        }

        @Override
        public Shape inputShape() {
            return net().inputShape();
        }

        @Override
        public int numClasses() {
            return net().numClasses();
        }

        @Override
        public NetworkKind kind() {
            return net().kind();
        }

        @Override
        public NetworkEngine engine() {
            return net().engine();
        }

        @Override
        public long parameterCount() {
            return net().parameterCount();
        }

        @Override
        public long steps() {
            return net().steps();
        }

        @Override
        public float[] parameters() {
            return net().parameters();
        }

        @Override
        public void save(Path file, boolean withOptimizerState) {
            net().save(file, withOptimizerState);
        }

        @Override
        public Network copy() {
            return net().copy();
        }

        @Override
        public void copyTo(Network target) {
            net().copyTo(target instanceof Lent l ? l.net() : target);
        }

        @Override
        public void averageInto(Network average, double keep) {
            net().averageInto(average instanceof Lent l ? l.net() : average, keep);
        }

        @Override
        public void close() {
            synchronized (this) {
                if (returned) {
                    return;
                }
                returned = true;
            }
            handBack(net);
        }
    }
}
