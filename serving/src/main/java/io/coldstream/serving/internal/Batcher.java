package io.coldstream.serving.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Dynamic batching (as Triton's dynamic batcher): calls are queued, and one thread gathers them into
 * a batch of up to {@code maxRows} rows, waiting at most {@code maxDelayNanos} after the first for
 * more, then hands the batch to {@code run}, which completes every job's future. While a forward
 * pass runs, new calls queue up, so under load batches fill without waiting.
 *
 * @param <R> the result of one job
 */
public final class Batcher<R> implements AutoCloseable {

    /** One queued call. */
    public record Job<R>(float[] features, int count, CompletableFuture<R> result) {
    }

    private final BlockingQueue<Job<R>> queue = new LinkedBlockingQueue<>();
    private final int maxRows;
    private final long maxDelayNanos;
    private final Consumer<List<Job<R>>> run;
    private final Thread thread;
    private volatile boolean running = true;
    private Job<R> carried;

    /**
     * @param maxRows the most rows in one batch
     * @param maxDelayNanos the longest wait for more calls after the first of a batch
     * @param run computes a batch and completes each job's future (normally or exceptionally)
     */
    public Batcher(int maxRows, long maxDelayNanos, Consumer<List<Job<R>>> run) {
        this.maxRows = maxRows;
        this.maxDelayNanos = maxDelayNanos;
        this.run = run;
        this.thread = new Thread(this::loop, "coldstream-batcher");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /**
     * @param features the call's rows
     * @param count rows
     * @return the future result
     */
    public CompletableFuture<R> submit(float[] features, int count) {
        CompletableFuture<R> f = new CompletableFuture<>();
        if (!running) {
            f.completeExceptionally(new IllegalStateException("the batcher is closed"));
            return f;
        }
        queue.add(new Job<>(features, count, f));
        return f;
    }

    private void loop() {
        while (running) {
            List<Job<R>> batch = new ArrayList<>();
            try {
                Job<R> first = carried != null ? carried : queue.poll(100, TimeUnit.MILLISECONDS);
                carried = null;
                if (first == null) {
                    continue;
                }
                batch.add(first);
                int rows = first.count();
                long deadline = System.nanoTime() + maxDelayNanos;
                while (rows < maxRows) {
                    long left = deadline - System.nanoTime();
                    Job<R> next = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : queue.poll();
                    if (next == null) {
                        break;
                    }
                    if (rows + next.count() > maxRows) {
                        carried = next;
                        break;
                    }
                    batch.add(next);
                    rows += next.count();
                }
            } catch (InterruptedException e) {
                running = false;
            }
            if (!batch.isEmpty()) {
                try {
                    run.accept(batch);
                } catch (RuntimeException e) {
                    batch.forEach(j -> j.result().completeExceptionally(e));
                }
            }
        }
        IllegalStateException closed = new IllegalStateException("the batcher is closed");
        if (carried != null) {
            carried.result().completeExceptionally(closed);
        }
        for (Job<R> j; (j = queue.poll()) != null; ) {
            j.result().completeExceptionally(closed);
        }
    }

    /** Finishes the batch in progress, fails the queued calls, stops the thread. */
    @Override
    public void close() {
        running = false;
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
