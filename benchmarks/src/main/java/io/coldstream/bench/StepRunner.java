package io.coldstream.bench;

/** One engine's training step on one benchmark case, prepared so that {@link #step()} is all that is timed. */
interface StepRunner extends AutoCloseable {

    /** Runs one training step. @return the loss of the step (to check that it learns, and to keep the JIT honest) */
    double step();

    /** @return trainable parameters of the network as this engine counts them */
    long parameterCount();

    @Override
    void close();
}
