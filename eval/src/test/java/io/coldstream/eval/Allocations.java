package io.coldstream.eval;

/** The eval tests' name for the shared probe, {@link io.coldstream.testkit.Allocations}. */
final class Allocations {

    private Allocations() {
    }

    /**
     * @return bytes this thread has allocated so far; the first call in a JVM allocates about 1 KB
     *     itself, so call it once during warm-up
     * @see io.coldstream.testkit.Allocations#bytesAllocatedBy
     */
    static long allocatedBytes() {
        return io.coldstream.testkit.Allocations.threadAllocatedBytes();
    }
}
