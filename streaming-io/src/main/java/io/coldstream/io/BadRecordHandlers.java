package io.coldstream.io;

import io.coldstream.core.ConfigurationException;
import io.coldstream.core.DataException;
import io.coldstream.core.StreamPosition;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLongArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bad-record policies: {@code skip} (count, optionally quarantine, and go on: the default a
 * trainer should use, so that it never dies on a bad record and never trains on one) and
 * {@code fail} (stop the stream with a clear error).
 */
public final class BadRecordHandlers {

    /** The policy name of {@link #skip()} and {@link #skip(Path)}. */
    public static final String SKIP = "skip";
    /** The policy name of {@link #fail()}. */
    public static final String FAIL = "fail";

    private static final Logger LOG = LoggerFactory.getLogger(BadRecordHandlers.class);

    private BadRecordHandlers() {
    }

    /**
     * @return a handler that counts the record, then stops the stream with a {@link DataException}
     *     naming the record's position, the reason and what was wrong
     */
    public static BadRecordHandler fail() {
        return new Fail();
    }

    /**
     * A handler that counts bad records and appends each, raw, with its position, reason and
     * message, to a dead-letter Chronicle Queue in {@code quarantineDir} (created on the first
     * bad record), readable with {@link DeadLetters}. It logs one WARN line the first time each
     * reason occurs. Close it after the sources that use it.
     *
     * @param quarantineDir the dead-letter queue's folder
     * @return the handler
     */
    public static BadRecordHandler skip(Path quarantineDir) {
        return new Skip(Objects.requireNonNull(quarantineDir, "quarantineDir"));
    }

    /** @return a handler that only counts bad records (and logs one WARN line per reason, the first time) */
    public static BadRecordHandler skip() {
        return new Skip(null);
    }

    /**
     * @param policy {@code "skip"} or {@code "fail"}; case and surrounding blanks are ignored
     * @param quarantineDir with {@code skip}, the dead-letter folder, or {@code null} to count only;
     *     ignored with {@code fail}
     * @return the handler
     * @throws ConfigurationException naming the value and the allowed policies
     */
    public static BadRecordHandler parse(String policy, Path quarantineDir) {
        String wanted = policy == null ? "" : policy.strip().toLowerCase(Locale.ROOT);
        return switch (wanted) {
            case SKIP -> quarantineDir == null ? skip() : skip(quarantineDir);
            case FAIL -> fail();
            default -> throw new ConfigurationException("bad-record policy was '" + policy + "' but must be one of "
                    + SKIP + " (count, quarantine and go on), " + FAIL + " (stop at the first bad record)");
        };
    }

    /** Counts per reason, readable from any thread. */
    private abstract static class Counting implements BadRecordHandler {

        private final AtomicLongArray counts = new AtomicLongArray(BadRecordReason.values().length);

        /** @return whether this is the first record counted for this reason */
        final boolean countFirst(BadRecordReason reason) {
            return counts.getAndIncrement(reason.ordinal()) == 0;
        }

        @Override
        public final long count() {
            long total = 0;
            for (int i = 0; i < counts.length(); i++) {
                total += counts.get(i);
            }
            return total;
        }

        @Override
        public final long count(BadRecordReason reason) {
            return counts.get(reason.ordinal());
        }

        @Override
        public String toString() {
            return "BadRecordHandler[" + describe() + ", " + count() + " bad records]";
        }
    }

    private static final class Fail extends Counting {

        @Override
        public void handle(byte[] record, int offset, int length, StreamPosition position,
                BadRecordException problem) {
            countFirst(problem.reason());
            throw new DataException("stopped at bad record at " + position + " (" + problem.reason().metricName()
                    + "): " + problem.detail() + "; the bad-record policy is '" + FAIL + "' (use '" + SKIP
                    + "' to count and quarantine bad records and go on)", problem);
        }

        @Override
        public String describe() {
            return FAIL;
        }

        @Override
        public void close() {
            // Holds nothing.
        }
    }

    private static final class Skip extends Counting {

        private final Path quarantineDir;
        private DeadLetterWriter quarantine;
        private boolean closed;

        Skip(Path quarantineDir) {
            this.quarantineDir = quarantineDir;
        }

        @Override
        public void handle(byte[] record, int offset, int length, StreamPosition position,
                BadRecordException problem) {
            Objects.checkFromIndexSize(offset, length, record.length);
            boolean first = countFirst(problem.reason());
            if (quarantineDir != null) {
                if (closed) {
                    throw new IllegalStateException("bad-record handler " + describe() + " is closed");
                }
                if (quarantine == null) {
                    quarantine = new DeadLetterWriter(quarantineDir);
                }
                quarantine.append(record, offset, length, position, problem);
            }
            if (first) {
                LOG.warn("skipping bad records of reason {}, first at {}: {}; they are counted{}; further ones of"
                        + " this reason are not logged", problem.reason().metricName(), position, problem.detail(),
                        quarantineDir == null ? "" : " and quarantined in " + quarantineDir);
            }
        }

        @Override
        public String describe() {
            return quarantineDir == null ? SKIP : SKIP + " (quarantine: " + quarantineDir + ")";
        }

        @Override
        public void close() {
            closed = true;
            if (quarantine != null) {
                quarantine.close();
                quarantine = null;
            }
        }
    }
}
