package io.coldstream.io;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The close protocol shared by the tailing sources: one reading thread uses the underlying
 * resource between {@link #enter()} and {@link #exit()}, while {@link #close()} may come from any
 * thread. A close while idle releases at once; a close while reading only asks the reader to stop
 * (and wakes it, if the resource can be woken), and the reader releases on its way out, so the
 * resource is never released under a thread still using it.
 */
final class ReaderGuard {

    private static final int OPEN = 0;
    private static final int READING = 1;
    private static final int CLOSE_REQUESTED = 2;
    private static final int CLOSED = 3;

    private final AtomicInteger state = new AtomicInteger(OPEN);
    private final Runnable release;
    private final Runnable wake;

    /**
     * @param release frees the resource; runs exactly once, on whichever thread closes last
     * @param wake interrupts a blocked read (such as a Kafka consumer's wakeup); may do nothing
     */
    ReaderGuard(Runnable release, Runnable wake) {
        this.release = release;
        this.wake = wake;
    }

    /** @return {@code true} if the reader may use the resource; {@code false} once closed */
    boolean enter() {
        return state.compareAndSet(OPEN, READING);
    }

    /** Ends a use; releases the resource if a close came from another thread meanwhile. */
    void exit() {
        if (!state.compareAndSet(READING, OPEN)) {
            state.set(CLOSED);
            release.run();
        }
    }

    /** @return whether the reader is inside a use and no close has been asked for */
    boolean reading() {
        return state.get() == READING;
    }

    /** Closes: releases now if idle, or asks the reader to stop; idempotent; any thread. */
    void close() {
        while (true) {
            int s = state.get();
            if (s == CLOSED || s == CLOSE_REQUESTED) {
                return;
            }
            if (s == OPEN && state.compareAndSet(OPEN, CLOSED)) {
                release.run();
                return;
            }
            if (s == READING && state.compareAndSet(READING, CLOSE_REQUESTED)) {
                wake.run();
                return;
            }
        }
    }

    /**
     * @param d a duration
     * @return its nanoseconds, or {@link Long#MAX_VALUE} if it does not fit
     */
    static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }
}
