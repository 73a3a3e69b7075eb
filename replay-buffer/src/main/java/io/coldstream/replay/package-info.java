/**
 * Memory-bounded replay buffers for streaming learning: a hard byte budget that counts every
 * byte a buffer allocates, entries stored off the heap in a {@link io.coldstream.replay.ReplayCodec}'s
 * form (raw uint8, quantized, downsampled), and an eviction policy (class-balanced as in REMIND
 * and CSSL, or reservoir sampling), any codec with any policy.
 *
 * <p>Start at {@link io.coldstream.replay.ReplayBuffers#create}. The trainer
 * {@linkplain io.coldstream.replay.ReplayBuffer#sample samples} stored examples into its
 * mini-batch arrays and then {@linkplain io.coldstream.replay.ReplayBuffer#offer offers} the new
 * example; neither call allocates. Buffers are not thread-safe. A checkpoint saves a buffer with
 * {@link io.coldstream.replay.ReplayBuffer#writeState} and resumes it with
 * {@link io.coldstream.replay.ReplayBuffers#readState}, bit for bit.
 *
 * <p>References: T. L. Hayes, K. Kafle, R. Shrestha, M. Acharya, C. Kanan, "REMIND Your Neural
 * Network to Prevent Catastrophic Forgetting", ECCV 2020; C. R. Wolfe, A. Kyrillidis,
 * "Cold Start Streaming Learning for Deep Networks", arXiv:2211.04624, 2022; J. S. Vitter,
 * "Random Sampling with a Reservoir", ACM TOMS 11(1), 1985.
 */
package io.coldstream.replay;
