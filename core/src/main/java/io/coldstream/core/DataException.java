package io.coldstream.core;

/** Input data that is missing, malformed, truncated or inconsistent. */
public class DataException extends ColdstreamException {

    /** @param message what was wrong with which file or record, and what was expected */
    public DataException(String message) {
        super(message);
    }

    /**
     * @param message what was wrong with which file or record, and what was expected
     * @param cause the underlying I/O or decoding failure
     */
    public DataException(String message, Throwable cause) {
        super(message, cause);
    }
}
