package io.coldstream.serving.internal;

import io.coldstream.model.Network;
import io.coldstream.model.SnapshotManifest;

/**
 * One loaded snapshot with a count of the requests using it. A swapped-out model is retired and
 * closed only once its last in-flight request has released it, so a request always finishes on
 * the model it started with. Thread-safe.
 */
public final class LoadedModel {

    private final String version;
    private final long number;
    private final SnapshotManifest manifest;
    private final Network network;
    private int users;
    private boolean retired;
    private boolean closed;

    /**
     * @param version the snapshot version
     * @param number its number
     * @param manifest its manifest
     * @param network the loaded network, owned from now on
     */
    public LoadedModel(String version, long number, SnapshotManifest manifest, Network network) {
        this.version = version;
        this.number = number;
        this.manifest = manifest;
        this.network = network;
    }

    /** @return true if acquired; false once closed (the caller reads the newer current model) */
    public synchronized boolean tryAcquire() {
        if (closed) {
            return false;
        }
        users++;
        return true;
    }

    /** Ends one request's use; closes the network if it was retired and this was the last user. */
    public synchronized void release() {
        users--;
        if (retired && users == 0) {
            close();
        }
    }

    /** No new request will pick this model; it is closed once no request uses it. */
    public synchronized void retire() {
        retired = true;
        if (users == 0) {
            close();
        }
    }

    private void close() {
        if (!closed) {
            closed = true;
            network.close();
        }
    }

    /** @return the version */
    public String version() {
        return version;
    }

    /** @return the version's number, such as 7 for {@code v000007} */
    public long number() {
        return number;
    }

    /** @return its manifest */
    public SnapshotManifest manifest() {
        return manifest;
    }

    /** @return the network: callers hold {@link #tryAcquire()} and synchronise on it, as it is not thread-safe */
    public Network network() {
        return network;
    }
}
