package io.coldstream.serving;

import io.coldstream.core.ConfigurationException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How a {@link ModelHandle} follows its store. Built with {@link #builder()}; {@link #validate()}
 * reports every bad value at once.
 *
 * @param policy which version to serve ({@code latest} by default)
 * @param maxBatch the most rows one forward pass takes (larger requests are split); default 64
 * @param topK classes listed per row in {@link Prediction#topK(int)}; default 5 (capped at the class count)
 * @param pollInterval how often the store is checked when no file-system event arrives; default 250 ms,
 *     so a new {@code LATEST} is picked up well within a second even where events are not delivered
 * @param watch also use a file-system watch on the store for quicker swaps; default true
 * @param maxDelay dynamic batching: concurrent calls are gathered into one forward pass of up to
 *     {@code maxBatch} rows, waiting at most this long after the first for more; {@code 0} (default):
 *     no waiting, a pass takes what queued while the one before it ran, so a lone caller never waits
 *     and a crowd shares passes; {@code null}: off, each call is its own forward pass
 */
public record ServingOptions(VersionPolicy policy, int maxBatch, int topK, Duration pollInterval, boolean watch,
        Duration maxDelay) {

    /** Validates every value at once. */
    public ServingOptions {
        validate(policy, maxBatch, topK, pollInterval);
        if (maxDelay != null && maxDelay.isNegative()) {
            throw new ConfigurationException("serving.maxDelay was " + maxDelay + " but it must be zero or positive"
                    + " (or unset: no batching)");
        }
    }

    /** @return whether concurrent calls are gathered into shared forward passes */
    public boolean batching() {
        return maxDelay != null;
    }

    /**
     * @return the defaults: latest, batch 64, top 5, polling every 250 ms, watching, batching without
     *     waiting (on this 2-core machine: as fast as no batching for one client, 2.0-2.7x (Deeplearning4j)
     *     and 4.1-4.7x (PyTorch) the requests per second at 32 HTTP clients, see README)
     */
    public static ServingOptions defaults() {
        return builder().build();
    }

    /** @return a builder starting from the defaults */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder starting from these options */
    public Builder toBuilder() {
        return new Builder().policy(policy).maxBatch(maxBatch).topK(topK).pollInterval(pollInterval).watch(watch)
                .maxDelay(maxDelay);
    }

    private static void validate(VersionPolicy policy, int maxBatch, int topK, Duration pollInterval) {
        List<String> problems = new ArrayList<>();
        if (policy == null) {
            problems.add("serving.policy was null but it must be latest or pinned:<version>");
        }
        if (maxBatch < 1) {
            problems.add("serving.maxBatch was " + maxBatch + " but it must be >= 1");
        }
        if (topK < 1) {
            problems.add("serving.topK was " + topK + " but it must be >= 1");
        }
        if (pollInterval == null || pollInterval.isNegative() || pollInterval.isZero()) {
            problems.add("serving.pollInterval was " + pollInterval + " but it must be positive");
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException(String.join("; ", problems));
        }
    }

    /** Builds {@link ServingOptions}. Not thread-safe. */
    public static final class Builder {
        private VersionPolicy policy = VersionPolicy.latest();
        private int maxBatch = 64;
        private int topK = 5;
        private Duration pollInterval = Duration.ofMillis(250);
        private boolean watch = true;
        private Duration maxDelay = Duration.ZERO;

        private Builder() {
        }

        /** @param v which version to serve @return this */
        public Builder policy(VersionPolicy v) {
            policy = v;
            return this;
        }

        /** @param v the most rows of one forward pass @return this */
        public Builder maxBatch(int v) {
            maxBatch = v;
            return this;
        }

        /** @param v classes listed per row @return this */
        public Builder topK(int v) {
            topK = v;
            return this;
        }

        /** @param v how often the store is checked @return this */
        public Builder pollInterval(Duration v) {
            pollInterval = v;
            return this;
        }

        /** @param v use a file-system watch too @return this */
        public Builder watch(boolean v) {
            watch = v;
            return this;
        }

        /** @param v batch concurrent calls, waiting at most this long for more; {@code null} = off @return this */
        public Builder maxDelay(Duration v) {
            maxDelay = v;
            return this;
        }

        /** @return this, with each call its own forward pass (no dynamic batching) */
        public Builder noBatching() {
            return maxDelay(null);
        }

        /**
         * @return the options
         * @throws ConfigurationException listing every bad value
         */
        public ServingOptions build() {
            return new ServingOptions(policy, maxBatch, topK, pollInterval, watch, maxDelay);
        }
    }
}
