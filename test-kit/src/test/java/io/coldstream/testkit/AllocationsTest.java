package io.coldstream.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AllocationsTest {

    private static volatile Object sink;

    @Test
    void countsWhatTheWorkAllocates() {
        long allocated = Allocations.bytesAllocatedBy(() -> sink = new byte[1 << 20]);

        assertThat(allocated).isBetween(1L << 20, (1L << 20) + 4096);
    }

    @Test
    void countsAlmostNothingForWorkThatDoesNotAllocate() {
        long[] sum = new long[1];
        Runnable loop = () -> {
            for (int i = 0; i < 10_000; i++) {
                sum[0] += i;
            }
        };
        for (int i = 0; i < 100; i++) {
            loop.run();
        }

        long allocated = Allocations.bytesAllocatedBy(loop);

        assertThat(sum[0]).isPositive();
        assertThat(allocated).isLessThan(1024);
    }

    @Test
    void theThreadCounterOnlyGrows() {
        long first = Allocations.threadAllocatedBytes();
        sink = new byte[4096];

        assertThat(Allocations.threadAllocatedBytes()).isGreaterThanOrEqualTo(first + 4096);
    }
}
