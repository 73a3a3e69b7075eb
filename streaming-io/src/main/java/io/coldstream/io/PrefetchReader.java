package io.coldstream.io;

import io.coldstream.core.DataException;
import io.coldstream.core.Example;
import io.coldstream.core.StreamPosition;
import java.util.NoSuchElementException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The {@link SplitReader} of an {@link ImageFolderSplit}: background threads decode the coming
 * examples of the order into a ring of preallocated slots, at most {@code capacity} ahead of the
 * reading thread, which copies each out in order. Each worker claims the next stream index as a
 * slot comes free and decodes it into that index's slot, so the examples come out in order
 * whatever the number of workers, and every example is decoded by the same code as
 * {@link ImageFolderSplit#copyPixels}: the pixels are the same. Examples are those of the split's
 * files: an example's id is its file index ({@link ImageFolderSplit#file}).
 *
 * <p>The workers are daemon threads named {@code coldstream-decode-<split>-<w>}; {@link #close}
 * stops them (each finishes the image it is decoding, then ends). On the reading thread,
 * {@link #next} allocates the example it returns and nothing else while the workers keep ahead.
 */
final class PrefetchReader implements SplitReader {

    private static final byte EMPTY = 0;
    private static final byte READY = 1;
    private static final byte BAD = 2;

    private final ImageFolderSplit split;
    private final int[] order;
    private final int to;
    private final int capacity;
    private final int length;
    private final byte[][] pixels;
    private final byte[] state;
    private final byte[][] badBytes;
    private final UndecodableImageException[] badProblems;
    private final Thread[] workers;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition ready = lock.newCondition();
    private final Condition free = lock.newCondition();
    private int claimed;
    private int consumed;
    private boolean closed;
    private Throwable failure;

    /**
     * Starts the workers.
     *
     * @param order read, not copied; {@code [from, to)} is decoded
     * @param capacity the most examples decoded ahead, {@code >= 1}
     * @param threads the number of decoding threads, {@code >= 1}
     */
    PrefetchReader(ImageFolderSplit split, int[] order, int from, int to, int capacity, int threads) {
        this.split = split;
        this.order = order;
        this.to = to;
        this.claimed = from;
        this.consumed = from;
        this.capacity = capacity;
        this.length = split.shape().elementCount();
        this.pixels = new byte[capacity][length];
        this.state = new byte[capacity];
        this.badBytes = new byte[capacity][];
        this.badProblems = new UndecodableImageException[capacity];
        this.workers = new Thread[Math.max(1, Math.min(threads, to - from))];
        for (int w = 0; w < workers.length; w++) {
            Thread worker = new Thread(this::work, "coldstream-decode-" + split.name() + "-" + w);
            worker.setDaemon(true);
            workers[w] = worker;
        }
        for (Thread worker : workers) {
            worker.start();
        }
    }

    @Override
    public Example next(StreamPosition position, BadRecordHandler badRecords) {
        int k;
        byte outcome;
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("reader of " + split.location() + " is closed");
            }
            k = consumed;
            if (k >= to) {
                throw new NoSuchElementException("reader of " + split.location() + " is at the end of its range, "
                        + to);
            }
            while (state[k % capacity] == EMPTY) {
                if (failure != null) {
                    throw new DataException("the decoding thread of " + split.location() + " failed: " + failure,
                            failure);
                }
                if (closed) {
                    throw new IllegalStateException("reader of " + split.location() + " was closed while waiting");
                }
                ready.awaitUninterruptibly();
            }
            outcome = state[k % capacity];
        } finally {
            lock.unlock();
        }
        int slot = k % capacity;
        int index = order[k];
        try {
            if (outcome == READY) {
                byte[] copy = new byte[length];
                System.arraycopy(pixels[slot], 0, copy, 0, length);
                return new Example(index, split.fileLabel(index), split.shape(), copy, position);
            }
            byte[] bytes = badBytes[slot];
            badRecords.handle(bytes, 0, bytes.length, position, split.badRecord(index, position, badProblems[slot]));
            return null;
        } finally {
            lock.lock();
            try {
                state[slot] = EMPTY;
                badBytes[slot] = null;
                badProblems[slot] = null;
                consumed = k + 1;
                free.signal();
            } finally {
                lock.unlock();
            }
        }
    }

    private void work() {
        ImageDecoder decoder = split.newDecoder();
        try {
            while (true) {
                int k;
                lock.lock();
                try {
                    while (!closed && claimed < to && claimed - consumed >= capacity) {
                        free.await();
                    }
                    if (closed || claimed >= to) {
                        return;
                    }
                    k = claimed++;
                } finally {
                    lock.unlock();
                }
                int slot = k % capacity;
                byte outcome = READY;
                ImageFolderSplit.Undecodable bad = split.decodeInto(decoder, order[k], pixels[slot], 0);
                if (bad != null) {
                    outcome = BAD;
                }
                lock.lock();
                try {
                    if (bad != null) {
                        badBytes[slot] = bad.bytes();
                        badProblems[slot] = bad.problem();
                    }
                    state[slot] = outcome;
                    ready.signalAll();
                } finally {
                    lock.unlock();
                }
            }
        } catch (InterruptedException | RuntimeException | Error e) {
            // Nothing here interrupts a worker (close() wakes it); whoever did, the reader can no
            // longer promise the coming examples, so next() reports it.
            lock.lock();
            try {
                failure = e;
                ready.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /** @return the decoding threads, for tests that check that {@link #close} stops them */
    Thread[] workers() {
        return workers.clone();
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            ready.signalAll();
            free.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "PrefetchReader[" + split.location() + ", " + workers.length + " threads, " + capacity + " ahead]";
    }
}
