package io.coldstream.io;

import io.coldstream.core.StreamPosition;

/**
 * What to do with a record that fails to decode: count it and go on (possibly keeping a copy in
 * a dead-letter queue), or stop the stream. Sources call {@link #handle} for every record they
 * cannot decode and never return such a record as an example. Get one from
 * {@link BadRecordHandlers}.
 *
 * <p>{@link #handle} is called on the reading thread; {@link #count()} and
 * {@link #count(BadRecordReason)} may be read from any thread (a metrics endpoint). A handler
 * may hold files (a quarantine queue): whoever created it closes it, after the sources that use
 * it; sources do not close their handler.
 */
public interface BadRecordHandler extends AutoCloseable {

    /**
     * Deals with one bad record.
     *
     * @param record the array holding the raw record; read, not kept after the call
     * @param offset where the record starts in {@code record}
     * @param length the record's length in bytes
     * @param position where the record sits in its stream
     * @param problem what is wrong with it
     * @throws io.coldstream.core.DataException to stop the stream (the {@code fail} policy), or if
     *     the record could not be quarantined
     */
    void handle(byte[] record, int offset, int length, StreamPosition position, BadRecordException problem);

    /** @return bad records seen so far, whatever their reason */
    long count();

    /**
     * @param reason a reason
     * @return bad records seen so far for that reason
     */
    long count(BadRecordReason reason);

    /** @return the policy in words, such as {@code "skip (quarantine: /data/bad)"} or {@code "fail"} */
    String describe();

    /** Releases what the handler holds (the quarantine queue); idempotent; the counts stay readable. */
    @Override
    void close();
}
