package io.coldstream.model.internal;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The count of networks made and not yet closed, on either engine, in this process. A network holds
 * native memory until it is closed (or, on Deeplearning4j, until a collection finds it), so a count
 * that grows while a run makes and drops copies is a leak; {@link io.coldstream.model.Networks#open}
 * reads it.
 */
public final class OpenNetworks {

    private static final AtomicLong OPEN = new AtomicLong();

    private OpenNetworks() {
    }

    static void opened() {
        OPEN.incrementAndGet();
    }

    static void closed() {
        OPEN.decrementAndGet();
    }

    /** @return networks made and not yet closed */
    public static long count() {
        return OPEN.get();
    }
}
