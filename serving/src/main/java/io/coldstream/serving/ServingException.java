package io.coldstream.serving;

import io.coldstream.core.ColdstreamException;

/** Serving could not answer: no model is loaded yet, or the store cannot be read. */
public class ServingException extends ColdstreamException {

    /** @param message what was wrong and what is allowed */
    public ServingException(String message) {
        super(message);
    }

    /**
     * @param message what was wrong and what is allowed
     * @param cause the underlying failure
     */
    public ServingException(String message, Throwable cause) {
        super(message, cause);
    }
}
