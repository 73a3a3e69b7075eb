package io.coldstream.learner;

import io.coldstream.core.Example;
import io.coldstream.eval.HoldoutResult;
import io.coldstream.eval.RunResults;
import io.coldstream.model.Network;

/**
 * Receives a trainer's events, on the training thread: keep the work small.
 * Every method has an empty default.
 */
public interface TrainerListener {

    /**
     * Before the first example.
     *
     * @param description the run in a few lines (source, network, buffer, backend)
     */
    default void onStart(String description) {
    }

    /**
     * Before each stream example is trained on. The network may be read here (predictions, for an
     * evaluation at a stage boundary, as the benchmark harness does) but must not be trained, kept or
     * closed; the example must not be changed. Called for every example: keep it cheap.
     *
     * @param examplesSeen stream examples trained on so far, before this one (including those
     *     before a resume)
     * @param next the example about to be trained on
     * @param network the network being trained
     */
    default void beforeStep(long examplesSeen, Example next, Network network) {
    }

    /** @param progress the state about once a second */
    default void onProgress(Progress progress) {
    }

    /**
     * @param examplesSeen when the evaluation ran
     * @param result its outcome
     */
    default void onHoldout(long examplesSeen, HoldoutResult result) {
    }

    /**
     * @param version the snapshot's version, queued for writing
     * @param examplesSeen examples it includes
     */
    default void onSnapshot(String version, long examplesSeen) {
    }

    /** @param result the finished run */
    default void onFinish(RunResults result) {
    }
}
