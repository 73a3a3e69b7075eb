package io.coldstream.learner;

import io.coldstream.eval.HoldoutResult;
import io.coldstream.eval.RunResults;

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
