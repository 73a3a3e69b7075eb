package io.coldstream.core;

/** A dataset folder or file that does not exist; the message says how to get it. */
public class DatasetNotFoundException extends DataException {

    /** @param message which folder or file is missing, and how to install or point at it */
    public DatasetNotFoundException(String message) {
        super(message);
    }
}
