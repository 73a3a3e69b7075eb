package io.coldstream.serving.internal;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls {@code check} whenever the store folder changes (a {@link WatchService} on it) and at least
 * every poll interval regardless (some volumes, such as network file systems, deliver no events;
 * the folder may not exist yet). One daemon thread; {@code check} runs on it, never concurrently.
 */
public final class StoreWatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StoreWatcher.class);

    private final Path dir;
    private final long pollMillis;
    private final Object wake = new Object();
    private boolean useEvents;
    private final Runnable check;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile WatchService service;
    private WatchKey key;

    /**
     * @param dir the store folder
     * @param poll the longest wait between checks
     * @param useEvents register a file-system watch as well
     * @param check what to run on a change or a poll; its exceptions are logged, not propagated
     */
    public StoreWatcher(Path dir, Duration poll, boolean useEvents, Runnable check) {
        this.dir = dir;
        this.pollMillis = Math.max(1, poll.toMillis());
        this.useEvents = useEvents;
        this.check = check;
        this.thread = new Thread(this::loop, "coldstream-store-watcher");
        this.thread.setDaemon(true);
    }

    /** Starts the watching thread. */
    public void start() {
        thread.start();
    }

    private void loop() {
        while (running) {
            register();
            try {
                check.run();
            } catch (RuntimeException e) {
                LOG.warn("checking the snapshot store {} failed: {}", dir, e.getMessage(), e);
            }
            try {
                if (key != null) {
                    WatchKey signalled = service.poll(pollMillis, TimeUnit.MILLISECONDS);
                    if (signalled != null) {
                        signalled.pollEvents();
                        if (!signalled.reset()) {
                            key = null; // the folder went away: poll until it is back
                        }
                    }
                } else {
                    synchronized (wake) {
                        if (running) {
                            wake.wait(pollMillis);
                        }
                    }
                }
            } catch (InterruptedException | ClosedWatchServiceException e) {
                return;
            }
        }
    }

    private void register() {
        if (!useEvents || key != null || !Files.isDirectory(dir)) {
            return;
        }
        try {
            if (service == null) {
                service = FileSystems.getDefault().newWatchService();
            }
            key = dir.register(service, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                    StandardWatchEventKinds.ENTRY_DELETE);
        } catch (IOException | UnsupportedOperationException e) {
            useEvents = false;
            LOG.info("no file-system events for {} ({}); polling every {} ms", dir, e.getMessage(), pollMillis);
        }
    }

    /** Stops the thread and waits for a running check to end. */
    @Override
    public void close() {
        running = false;
        synchronized (wake) {
            wake.notifyAll();
        }
        if (service != null) {
            try {
                service.close(); // wakes a waiting poll
            } catch (IOException e) {
                LOG.debug("closing the watch service of {}: {}", dir, e.getMessage());
            }
        }
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
