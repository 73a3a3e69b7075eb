package io.coldstream.io;

import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a {@link KafkaSource} knows of its broker being away: a call that timed out (a commit, an
 * offsets query, or a probe made after polls stayed empty) starts an outage, said once in a WARN
 * line; the first call answered ends it, said in another. Meanwhile calls to the broker are made at
 * most once per {@link #RETRY} (each may wait {@link #CALL_TIMEOUT}), so the training thread does
 * not stall on every checkpoint, and the newest commit that could not be made waits here to be
 * retried. Nothing is lost while the broker is away: the checkpoints hold the positions; a waiting
 * commit only delays what the consumer group shows to others.
 *
 * <p>Records coming out of a poll say nothing of the broker (the consumer may have fetched them
 * before it went away), so only calls answered count as contact.
 *
 * <p>Owned by the source's reading thread. Times come from {@link System#nanoTime()}.
 */
final class KafkaOutage {

    /** How long one call to the broker may wait for an answer. */
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);
    /** How long after a call that failed the next may be made, and how long polls may stay empty before a probe. */
    static final Duration RETRY = Duration.ofSeconds(5);

    private static final Logger LOG = LoggerFactory.getLogger(KafkaSource.class);
    private static final long RETRY_NANOS = RETRY.toNanos();

    private final String source;
    private long downSince = -1;
    private long lastCall = System.nanoTime();
    private long lastRecords = System.nanoTime();
    private Map<TopicPartition, OffsetAndMetadata> pendingCommit;
    private int failedCommits;

    /** @param source the source, as {@code kafka:HOST:PORT/topic}, for the log lines */
    KafkaOutage(String source) {
        this.source = source;
    }

    /** @return whether a call may be made now: always while the broker answers, once per {@link #RETRY} while it does not */
    boolean mayCall() {
        return downSince < 0 || System.nanoTime() - lastCall >= RETRY_NANOS;
    }

    /** @return whether polls have brought nothing, and no call was made, for {@link #RETRY}: time to ask the broker whether it is there */
    boolean probeDue() {
        long now = System.nanoTime();
        return now - lastRecords >= RETRY_NANOS && now - lastCall >= RETRY_NANOS;
    }

    /** Notes that a poll brought records. */
    void records() {
        lastRecords = System.nanoTime();
    }

    /** Notes a call about to be made. */
    void calling() {
        lastCall = System.nanoTime();
    }

    /** Notes an answer from the broker (offsets, a commit: not records, see above); ends an outage. */
    void answered() {
        long now = System.nanoTime();
        if (downSince >= 0) {
            LOG.warn("{}: the broker answers again after {} s away{}", source,
                    String.format(java.util.Locale.ROOT, "%.1f", (now - downSince) / 1e9),
                    failedCommits == 0 ? "" : "; " + failedCommits + " commit" + (failedCommits == 1 ? "" : "s")
                            + " had to wait");
            downSince = -1;
            failedCommits = 0;
        }
    }

    /**
     * Notes a call that timed out; starts an outage, said once.
     *
     * @param call what was asked, such as {@code "a commit of offset 40 on examples-0"}
     * @param problem what the client said
     */
    void unanswered(String call, RuntimeException problem) {
        long began = lastCall;
        lastCall = System.nanoTime(); // the next try comes RETRY after this one gave up, not after it began
        if (downSince < 0) {
            downSince = began;
            LOG.warn("{}: the broker did not answer {} within {} s ({}); waiting for it, asking again every {} s."
                            + " Nothing is lost: training goes on with the records already read, each checkpoint"
                            + " keeps its positions, and the newest commit is made once the broker is back",
                    source, call, CALL_TIMEOUT.toSeconds(), problem.getClass().getSimpleName(), RETRY.toSeconds());
        }
    }

    /**
     * Keeps a commit that could not be made, replacing an older one (the newer offsets include it).
     *
     * @param offsets the offsets to commit
     */
    void commitWaits(Map<TopicPartition, OffsetAndMetadata> offsets) {
        if (offsets != pendingCommit) {
            failedCommits++;
        }
        pendingCommit = offsets;
    }

    /** @return the commit waiting to be retried, or {@code null} */
    Map<TopicPartition, OffsetAndMetadata> pendingCommit() {
        return pendingCommit;
    }

    /** Forgets the waiting commit once it, or a newer one, has been made. */
    void committed() {
        pendingCommit = null;
    }
}
