package io.coldstream.core;

/**
 * The one unchecked root of every error Coldstream raises on purpose.
 *
 * <p>Subclasses name the area ({@link ConfigurationException}, {@link DataException},
 * {@link ModelException}, {@link SnapshotException}). Messages carry the bad value and the rule
 * it broke, so that a user can act on the message alone.
 */
public class ColdstreamException extends RuntimeException {

    /** @param message what was wrong and what is allowed */
    public ColdstreamException(String message) {
        super(message);
    }

    /**
     * @param message what was wrong and what is allowed
     * @param cause the underlying failure
     */
    public ColdstreamException(String message, Throwable cause) {
        super(message, cause);
    }
}
