package io.coldstream.core;

/**
 * A network that diverged while training: its loss or its outputs are no longer finite (too high a
 * learning rate, or a stream that feeds it NaN). Training the same settings again diverges again, so
 * whoever catches it stops and tells the user to change them.
 */
public class DivergedException extends ModelException {

    /** @param message what diverged, where, and what to change */
    public DivergedException(String message) {
        super(message);
    }

    /**
     * @param message what diverged, where, and what to change
     * @param cause the divergence as first reported
     */
    public DivergedException(String message, Throwable cause) {
        super(message, cause);
    }
}
