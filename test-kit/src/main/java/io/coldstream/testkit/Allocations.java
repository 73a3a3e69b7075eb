package io.coldstream.testkit;

import java.lang.management.ManagementFactory;

/**
 * The allocation probe of the "does not allocate" tests: the bytes the current thread allocates
 * while it runs a piece of work, read from {@code com.sun.management.ThreadMXBean}. The counter is
 * per thread, so other threads (the JIT compiler, the garbage collector, a broker) do not show.
 *
 * <p>Warm the work up before measuring it (run the same loop a few thousand times), so that the
 * JIT has compiled it and the numbers show the steady state; what is left is noise of a few KB at
 * most. Stateless; any thread, each measuring itself.
 */
public final class Allocations {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private Allocations() {
    }

    /**
     * Runs {@code work} on this thread and returns the bytes it allocated. The counter is read once
     * before the measured read, because the first read in a JVM allocates about 1 KB itself.
     *
     * @param work what to measure; build it (and whatever it captures) before the call, so that
     *     building the lambda is not counted
     * @return bytes allocated by this thread while {@code work} ran, {@code >= 0}
     * @throws UnsupportedOperationException if this JVM cannot count allocated bytes per thread
     */
    public static long bytesAllocatedBy(Runnable work) {
        threadAllocatedBytes();
        long before = threadAllocatedBytes();
        work.run();
        return threadAllocatedBytes() - before;
    }

    /**
     * For callers that cannot wrap their work in a {@link Runnable}; prefer
     * {@link #bytesAllocatedBy}.
     *
     * @return bytes this thread has allocated since it started
     * @throws UnsupportedOperationException if this JVM cannot count allocated bytes per thread
     */
    public static long threadAllocatedBytes() {
        long bytes = THREADS.getThreadAllocatedBytes(Thread.currentThread().getId());
        if (bytes < 0) {
            throw new UnsupportedOperationException("this JVM does not count allocated bytes per thread"
                    + " (ThreadMXBean.isThreadAllocatedMemorySupported() is "
                    + THREADS.isThreadAllocatedMemorySupported() + ", enabled is "
                    + THREADS.isThreadAllocatedMemoryEnabled() + ")");
        }
        return bytes;
    }
}
