package io.coldstream.core;

/** A network that cannot be built, trained, saved or restored. */
public class ModelException extends ColdstreamException {

    /** @param message what failed and why */
    public ModelException(String message) {
        super(message);
    }

    /**
     * @param message what failed and why
     * @param cause the underlying failure
     */
    public ModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
