package io.coldstream.serving;

/**
 * A request that cannot be answered as sent: malformed bytes, an unknown content type, or an input
 * of another shape than the model takes. Over HTTP it is a 4xx with this message, never a 5xx.
 */
public class BadInputException extends ServingException {

    /** @param message what was wrong with the input and what is accepted */
    public BadInputException(String message) {
        super(message);
    }

    /**
     * @param message what was wrong with the input and what is accepted
     * @param cause the decoder's failure
     */
    public BadInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
