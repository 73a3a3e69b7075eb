package io.coldstream.core;

/** A model snapshot that could not be written, or one found incomplete or corrupt. */
public class SnapshotException extends ColdstreamException {

    /** @param message what failed, with the snapshot's path */
    public SnapshotException(String message) {
        super(message);
    }

    /**
     * @param message what failed, with the snapshot's path
     * @param cause the underlying I/O failure
     */
    public SnapshotException(String message, Throwable cause) {
        super(message, cause);
    }
}
