package io.coldstream.learner;

import io.coldstream.core.StreamPosition;
import io.coldstream.io.BadRecordException;
import io.coldstream.io.BadRecordHandler;
import io.coldstream.io.BadRecordReason;
import io.coldstream.io.DeadLetter;
import io.coldstream.io.DeadLetters;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The run's bad-record handler: counts every bad record by reason into the {@link TrainerState}
 * (so the counts are part of each checkpoint and survive a resume) and the meters, then hands it
 * to the policy's handler (skip and quarantine, or fail). A record already in the quarantine, met
 * again because the run resumed from a checkpoint taken before it, is counted again (the
 * checkpoint's counts do not include it) but not quarantined twice. Owned by the training thread.
 */
final class CountedBadRecords implements BadRecordHandler {

    private final BadRecordHandler inner;
    private final TrainerMetrics metrics;
    private final Map<String, Long> counts;
    private final Set<StreamPosition> quarantined;

    /**
     * @param inner the policy's handler
     * @param metrics where {@code coldstream.bad.records{reason}} goes
     * @param counts the state's counts by reason, restored from a checkpoint or empty; updated
     * @param quarantine the quarantine folder, whose entries are read once to avoid duplicates;
     *     may not exist
     */
    CountedBadRecords(BadRecordHandler inner, TrainerMetrics metrics, Map<String, Long> counts, Path quarantine) {
        this.inner = inner;
        this.metrics = metrics;
        this.counts = counts;
        this.quarantined = new HashSet<>();
        if (Files.isDirectory(quarantine)) {
            List<DeadLetter> letters = DeadLetters.readAll(quarantine);
            for (DeadLetter letter : letters) {
                quarantined.add(letter.position());
            }
        }
        counts.forEach(metrics::badRecords);
    }

    @Override
    public void handle(byte[] record, int offset, int length, StreamPosition position, BadRecordException problem) {
        String reason = problem.reason().metricName();
        counts.merge(reason, 1L, Long::sum);
        metrics.badRecords(reason, 1);
        if (quarantined.remove(position)) {
            return; // kept once already, by the run before the resume
        }
        inner.handle(record, offset, length, position, problem);
    }

    @Override
    public long count() {
        long total = 0;
        for (long c : counts.values()) {
            total += c;
        }
        return total;
    }

    @Override
    public long count(BadRecordReason reason) {
        return counts.getOrDefault(reason.metricName(), 0L);
    }

    @Override
    public String describe() {
        return inner.describe();
    }

    @Override
    public void close() {
        inner.close();
    }
}
