package io.coldstream.model;

import io.coldstream.core.MiniBatch;
import io.coldstream.core.Shape;
import java.nio.file.Path;

/**
 * The trainer's narrow view of a neural network: fit one mini-batch, predict, save, copy.
 *
 * <p>This keeps the training loop free of any engine's types; the Deeplearning4j implementation
 * sits behind it ({@link Networks}). Every layer is trained on every step (cold-start streaming
 * learning never freezes layers: Wolfe and Kyrillidis, "Cold Start Streaming Learning for Deep
 * Networks", 2022).
 *
 * <p>Not thread-safe: one trainer thread calls it. {@link #copy()} gives an independent network
 * that another thread may save.
 */
public interface Network extends AutoCloseable {

    /**
     * One optimiser step on rows {@code [0, batch.size())} of the batch.
     *
     * <p>A step whose loss is not finite (NaN or infinite: the network has diverged, or a batch
     * overflowed) is not applied: parameters, batch-norm statistics, optimiser state and
     * {@link #steps()} stay exactly as they were before the call, and the non-finite loss is
     * returned, so the caller can count the skipped step.
     *
     * @param batch features NCHW in {@code [0,1]} and target probability rows
     * @return the mini-batch loss before the step (mean cross-entropy); not finite when the step was
     *     not applied
     */
    double fit(MiniBatch batch);

    /**
     * Predicts the most probable class of each of the first {@code count} rows of {@code features},
     * in inference mode (batch normalisation uses its running statistics).
     *
     * @param features NCHW floats, at least {@code count * inputShape().elementCount()}
     * @param count rows to predict, {@code >= 1}
     * @param predictedOut receives the class of row {@code i} at index {@code i}
     */
    void predict(float[] features, int count, int[] predictedOut);

    /**
     * Computes the class probabilities (softmax output) of each of the first {@code count} rows of
     * {@code features}, in inference mode, as {@link #predict} does; the most probable class of a
     * row is the one {@link #predict} answers.
     *
     * @param features NCHW floats in {@code [0,1]}, at least {@code count * inputShape().elementCount()}
     * @param count rows to predict, {@code >= 1}
     * @param probabilitiesOut receives row {@code i}'s probability of class {@code c} at index
     *     {@code i * numClasses() + c}; at least {@code count * numClasses()} long. Each row sums to 1
     */
    void predictProbabilities(float[] features, int count, float[] probabilitiesOut);

    /** @return the input shape of one example */
    Shape inputShape();

    /** @return number of classes */
    int numClasses();

    /** @return which architecture this is */
    NetworkKind kind();

    /** @return the library that computes this network */
    NetworkEngine engine();

    /** @return number of trainable parameters */
    long parameterCount();

    /** @return optimiser steps taken so far */
    long steps();

    /** @return a copy of all parameters, flattened in the engine's order (for comparisons and tests) */
    float[] parameters();

    /**
     * Writes the model to a zip file (Deeplearning4j {@code ModelSerializer} format).
     *
     * @param file the zip to write; its parent must exist
     * @param withOptimizerState also write the optimiser (updater) state, needed to resume training
     */
    void save(Path file, boolean withOptimizerState);

    /** @return an independent deep copy (parameters and optimiser state), safe to save from another thread */
    Network copy();

    /**
     * Makes {@code target} what {@link #copy()} would return now, without building a network: copies this
     * network's parameters (batch-norm statistics included), optimiser state and step count into it. For
     * a trainer that copies its model for every snapshot and checkpoint, so that the copy on the training
     * thread is a few array copies rather than a network built (a Deeplearning4j clone rebuilds its
     * configuration and layers).
     *
     * @param target an open network of the same engine, architecture, input shape and classes, such as an
     *     earlier copy of this one; not this network, and not in use by another thread
     * @throws io.coldstream.core.ModelException when {@code target} is of another engine, architecture,
     *     shape or number of classes, closed, or this network
     */
    void copyTo(Network target);

    /**
     * Moves {@code average} toward this network: each of its parameters, batch-norm running
     * statistics included, becomes {@code keep * average + (1 - keep) * this}. Called after every
     * optimiser step with a decay close to 1, it keeps an exponential moving average of the weights
     * (Polyak and Juditsky, "Acceleration of Stochastic Approximation by Averaging", 1992), a model
     * that follows training without the step-to-step noise of a constant learning rate. The
     * average's optimiser state and step count are left as they are. Element-wise, so deterministic.
     *
     * @param average an open network of the same engine, architecture, input shape and classes, not
     *     this one, not in use by another thread
     * @param keep the weight of {@code average}'s own values, in {@code [0, 1]}
     * @throws io.coldstream.core.ModelException when {@code average} is of another engine,
     *     architecture, shape or number of classes, closed, or this network
     * @throws IllegalArgumentException when {@code keep} is outside {@code [0, 1]}
     */
    void averageInto(Network average, double keep);

    /** Releases native memory held by the network's buffers. */
    @Override
    void close();
}
