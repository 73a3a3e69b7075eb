package io.coldstream.learner;

/**
 * A trainer's progress, reported about once a second.
 *
 * @param examplesSeen stream examples trained on so far
 * @param total examples the run will train on, or {@code -1} if the stream is unbounded
 * @param examplesPerSecond training rate over the last reporting interval
 * @param prequentialAccuracy test-then-train accuracy so far, {@code NaN} before the first example
 * @param windowAccuracy test-then-train accuracy over the recent window
 * @param loss the last mini-batch loss
 * @param replayEntries entries in the replay buffer
 * @param replayCapacity entries the replay buffer's budget allows
 * @param elapsedSeconds seconds since training started
 * @param etaSeconds seconds left at the current rate, {@code NaN} if unknown
 * @param decodeImagesPerSecond images one thread of the source decodes per second, for a source that
 *     decodes image files ({@code imagefolder:}); {@code NaN} for other sources
 */
public record Progress(long examplesSeen, long total, double examplesPerSecond, double prequentialAccuracy,
        double windowAccuracy, double loss, int replayEntries, int replayCapacity, double elapsedSeconds,
        double etaSeconds, double decodeImagesPerSecond) {
}
