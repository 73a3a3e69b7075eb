package io.coldstream.eval;

import java.lang.management.ManagementFactory;

final class Allocations {

    private Allocations() {
    }

    /**
     * @return bytes this thread has allocated so far; the first call in a JVM allocates about 1 KB
     *     itself, so call it once during warm-up
     */
    static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
                .getThreadAllocatedBytes(Thread.currentThread().getId());
    }
}
