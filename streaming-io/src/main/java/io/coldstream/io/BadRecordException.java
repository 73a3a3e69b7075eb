package io.coldstream.io;

import io.coldstream.core.DataException;
import io.coldstream.core.StreamPosition;
import java.util.Objects;

/**
 * A stream record that cannot be decoded into an {@link io.coldstream.core.Example}. The message
 * reads {@code "bad record at queue@42 (label-out-of-range): label was 12 but must be in [0, 10)"}:
 * where, why, the bad value and the rule. Decoders throw it; a {@link BadRecordHandler} decides
 * whether the stream goes on.
 */
public final class BadRecordException extends DataException {

    private final BadRecordReason reason;
    private final StreamPosition position;
    private final String detail;

    /**
     * @param reason why the record was rejected
     * @param position where the record sits in its stream
     * @param detail what was wrong, the bad value and the rule, without the position
     */
    public BadRecordException(BadRecordReason reason, StreamPosition position, String detail) {
        super("bad record at " + position + " (" + Objects.requireNonNull(reason, "reason").metricName() + "): "
                + detail);
        this.reason = reason;
        this.position = Objects.requireNonNull(position, "position");
        this.detail = Objects.requireNonNull(detail, "detail");
    }

    /**
     * @param reason why the record was rejected
     * @param position where the record sits in its stream
     * @param detail what was wrong, the bad value and the rule, without the position
     * @param cause the underlying failure, such as an image decoder's exception
     */
    public BadRecordException(BadRecordReason reason, StreamPosition position, String detail, Throwable cause) {
        this(reason, position, detail);
        initCause(cause);
    }

    /** @return why the record was rejected */
    public BadRecordReason reason() {
        return reason;
    }

    /** @return where the record sits in its stream */
    public StreamPosition position() {
        return position;
    }

    /** @return what was wrong, the bad value and the rule, without the position */
    public String detail() {
        return detail;
    }
}
