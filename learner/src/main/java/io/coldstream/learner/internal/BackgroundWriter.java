package io.coldstream.learner.internal;

import io.coldstream.core.SnapshotException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Runs write tasks one after another on a single daemon thread, off the training thread, and
 * reports a failed write to the next caller rather than losing it. Used for snapshots and
 * checkpoints, whose order matters.
 *
 * @param <T> what a write returns
 */
public final class BackgroundWriter<T> implements AutoCloseable {

    private final String what;
    private final ExecutorService executor;
    private final List<Future<T>> pending = new ArrayList<>();

    /**
     * @param threadName the writer thread's name
     * @param what what is written and where, for error messages, such as {@code "a snapshot to /x"}
     */
    public BackgroundWriter(String threadName, String what) {
        this.what = what;
        this.executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Queues a write after those already queued.
     *
     * @param task the write
     * @throws SnapshotException if an earlier write failed
     */
    public synchronized void submit(Callable<T> task) {
        for (Future<T> f : pending) {
            if (f.isDone()) {
                get(f);
            }
        }
        pending.removeIf(Future::isDone);
        pending.add(executor.submit(task));
    }

    /**
     * Waits for every queued write.
     *
     * @return the results of the writes still pending when called, in order
     * @throws SnapshotException if a write failed
     */
    public List<T> awaitAll() {
        List<Future<T>> waiting;
        synchronized (this) {
            waiting = List.copyOf(pending);
        }
        List<T> done = new ArrayList<>();
        for (Future<T> f : waiting) {
            done.add(get(f));
        }
        return done;
    }

    private T get(Future<T> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SnapshotException("interrupted while waiting for " + what, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw new SnapshotException(what + " could not be written: " + cause.getMessage(), cause);
        }
    }

    /** Waits for queued writes, then stops the thread. */
    @Override
    public void close() {
        try {
            awaitAll();
        } finally {
            executor.shutdown();
            try {
                executor.awaitTermination(1, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
