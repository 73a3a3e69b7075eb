package io.coldstream.learner;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Named places where a fault test may make the process die at once, as a power loss or
 * {@code kill -9} would: with the system property {@code coldstream.test.crash=NAME} (or
 * {@code NAME@N}, the N-th time that place is reached; default the first), the process halts
 * ({@link Runtime#halt}, exit status {@value #EXIT_STATUS}: no shutdown hook, no final checkpoint)
 * when it gets there. Without the property each point costs one comparison. Test use only.
 *
 * <p>The points: {@code journal-appended} (a checkpoint's ids are in {@code trained-ids.bin},
 * its folder not yet written), {@code checkpoint-renamed} (the checkpoint is complete, its
 * offsets not yet committed), {@code before-commit} and {@code after-commit} (around the commit of
 * a durable checkpoint's positions to the source: Kafka offsets), {@code snapshot-model-written}
 * (a snapshot's model is in its hidden folder, its manifest not yet written). Any thread.
 *
 * <p>{@link #failHere} injects a write failure instead: {@code checkpoint-model-written} (a
 * checkpoint's model file is in its hidden folder), {@code snapshot-model-written} (the same for a
 * snapshot).
 */
final class CrashPoint {

    /** The system property naming the point. */
    static final String PROPERTY = "coldstream.test.crash";
    /** The exit status of a process halted at a crash point. */
    static final int EXIT_STATUS = 86;

    private static final String NAME;
    private static final int AT;
    private static final AtomicInteger REACHED = new AtomicInteger();

    static {
        String spec = System.getProperty(PROPERTY, "");
        int at = spec.indexOf('@');
        NAME = at < 0 ? spec : spec.substring(0, at);
        AT = at < 0 ? 1 : Integer.parseInt(spec.substring(at + 1));
    }

    /**
     * The system property naming a point where a write fails instead ({@code NAME} or
     * {@code NAME@N}): {@link #failHere} throws an {@link IOException} there. Read at each call, so a
     * test in this JVM may set and clear it.
     */
    static final String FAIL_PROPERTY = "coldstream.test.fail";

    private static String failSpec = "";
    private static int failReached;

    private CrashPoint() {
    }

    /**
     * Throws if {@link #FAIL_PROPERTY} names this point and this is the time it names.
     *
     * @param name the point's name
     * @throws IOException an injected write failure
     */
    static void failHere(String name) throws IOException {
        String spec = System.getProperty(FAIL_PROPERTY, "");
        if (spec.isEmpty()) {
            return;
        }
        int at = spec.indexOf('@');
        String point = at < 0 ? spec : spec.substring(0, at);
        int time = at < 0 ? 1 : Integer.parseInt(spec.substring(at + 1));
        synchronized (CrashPoint.class) {
            if (!spec.equals(failSpec)) {
                failSpec = spec;
                failReached = 0;
            }
            if (point.equals(name) && ++failReached == time) {
                throw new IOException("injected write failure at " + name + " (" + FAIL_PROPERTY + ")");
            }
        }
    }

    /**
     * Halts the process if the property names this point and this is the time it names.
     *
     * @param name the point's name
     */
    static void here(String name) {
        if (!NAME.isEmpty() && NAME.equals(name) && REACHED.incrementAndGet() == AT) {
            System.err.println("coldstream: halting at crash point " + name + " (" + PROPERTY + ")");
            System.err.flush();
            Runtime.getRuntime().halt(EXIT_STATUS);
        }
    }
}
