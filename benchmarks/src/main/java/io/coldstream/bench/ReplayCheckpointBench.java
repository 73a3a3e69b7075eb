package io.coldstream.bench;

import io.coldstream.core.ByteSize;
import io.coldstream.core.Example;
import io.coldstream.core.SeededRandom;
import io.coldstream.core.Shape;
import io.coldstream.core.StreamPosition;
import io.coldstream.replay.EvictionPolicy;
import io.coldstream.replay.ReplayBuffer;
import io.coldstream.replay.ReplayBuffers;
import io.coldstream.replay.ReplayCodec;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * What a checkpoint of a full replay buffer costs, whole (a base) against an increment of the
 * examples since the previous checkpoint: for each budget, a class-balanced raw buffer of 28x28
 * examples is filled past its capacity, its state is written to a file (streamed through 64 KiB,
 * as the trainer does, then fsynced), {@code EXAMPLES} more examples are offered (the default
 * {@code --checkpoint-every}) and the increment is written the same way; then the buffer is
 * rebuilt from both and compared. As in the trainer, the main thread (the training thread)
 * captures the buffer ({@link ReplayBuffer#captureState}) and a writer thread streams the capture
 * and fsyncs it, while the main thread goes on offering and sampling at {@code OFFERS_PER_SECOND}
 * (40 times the trainer's pace, so that copy on write is exercised); reported: the capture's time on
 * the main thread, the writer's time, and the longest single offer-and-sample meanwhile (what a
 * training step would wait). Run with room for the
 * biggest buffer twice (the original and the rebuilt one):
 * {@code java -XX:MaxDirectMemorySize=3g -Xmx2g -cp 'cli/target/lib/*' io.coldstream.bench.ReplayCheckpointBench DIR [BUDGETS] [EXAMPLES]}.
 */
public final class ReplayCheckpointBench {

    private static final Shape SHAPE = new Shape(1, 28, 28);
    private static final int OFFERS_PER_SECOND = 1000;

    private ReplayCheckpointBench() {
    }

    /**
     * @param args the folder to write into, a comma-separated list of budgets (default
     *     {@code 16MB,256MB,1GB}) and the examples between checkpoints (default 1000)
     * @throws IOException if the folder cannot be written
     */
    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: ReplayCheckpointBench DIR [BUDGETS] [EXAMPLES]");
            System.exit(2);
        }
        Path dir = Files.createDirectories(Path.of(args[0]));
        String[] budgets = (args.length > 1 ? args[1] : "16MB,256MB,1GB").split(",");
        int between = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
        PrintStream out = System.out;
        out.printf(Locale.ROOT, "| budget | entries | base bytes | capture ms | write + fsync ms | longest step ms"
                + " | increment bytes (%,d examples) | capture ms | write + fsync ms | longest step ms | restore ms |%n",
                between);
        out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (String b : budgets) {
            ByteSize budget = ByteSize.parse(b.trim());
            ReplayBuffer buffer = ReplayBuffers.create(budget, SHAPE, 10, EvictionPolicy.CLASS_BALANCED,
                    ReplayCodec.RAW, new SeededRandom(1));
            SeededRandom stream = new SeededRandom(2);
            byte[] pixels = new byte[SHAPE.elementCount()];
            long id = 0;
            for (; id < buffer.capacity() + 1000L; id++) {
                offer(buffer, stream, pixels, id);
            }
            Path base = dir.resolve("base-" + b.trim() + ".bin");
            long[] baseTimes = write(base, buffer, true, stream, pixels, id);
            id += baseTimes[3];
            for (int i = 0; i < between; i++) {
                offer(buffer, stream, pixels, id++);
            }
            Path increment = dir.resolve("increment-" + b.trim() + ".bin");
            long[] incTimes = write(increment, buffer, false, stream, pixels, id);
            id += incTimes[3];
            long r0 = System.nanoTime();
            ReplayBuffer restored;
            try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(base), 1 << 16))) {
                restored = ReplayBuffers.readState(in, budget, SHAPE, 10, EvictionPolicy.CLASS_BALANCED,
                        ReplayCodec.RAW);
            }
            try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(increment),
                    1 << 16))) {
                ReplayBuffers.applyIncrement(in, restored);
            }
            long restoreNanos = System.nanoTime() - r0;
            long offeredAtIncrement = buffer.offered() - incTimes[3];
            if (restored.offered() != offeredAtIncrement || restored.size() != buffer.size()) {
                throw new IllegalStateException("the rebuilt buffer differs: " + restored + " against " + buffer
                        + " as captured (" + offeredAtIncrement + " offered)");
            }
            out.printf(Locale.ROOT, "| %s | %,d | %,d | %.1f | %.1f | %.2f | %,d | %.1f | %.1f | %.2f | %.0f |%n",
                    b.trim(), buffer.capacity(), Files.size(base), baseTimes[0] / 1e6, baseTimes[1] / 1e6,
                    baseTimes[2] / 1e6, Files.size(increment), incTimes[0] / 1e6, incTimes[1] / 1e6, incTimes[2] / 1e6,
                    restoreNanos / 1e6);
            Files.delete(base);
            Files.delete(increment);
            System.gc(); // frees the direct memory of both buffers before the next budget
        }
    }

    private static void offer(ReplayBuffer buffer, SeededRandom stream, byte[] pixels, long id) {
        for (int p = 0; p < pixels.length; p += 8) {
            long bits = stream.nextLong();
            for (int k = 0; k < 8 && p + k < pixels.length; k++) {
                pixels[p + k] = (byte) (bits >>> (8 * k));
            }
        }
        buffer.offer(new Example(id, stream.nextInt(10), SHAPE, pixels, new StreamPosition("bench", id)));
    }

    /**
     * Captures on this thread, writes and fsyncs on another while this one offers and samples.
     *
     * @return nanoseconds of the capture, of the write and fsync, of the longest offer-and-sample
     *     meanwhile, and the number of examples offered meanwhile
     */
    private static long[] write(Path file, ReplayBuffer buffer, boolean full, SeededRandom stream, byte[] pixels,
            long firstId) throws IOException {
        long t0 = System.nanoTime();
        ReplayBuffer.PendingWrite capture = full ? buffer.captureState() : buffer.captureIncrement();
        long captureNanos = System.nanoTime() - t0;
        long[] writeNanos = new long[1];
        IOException[] failure = new IOException[1];
        Thread writer = new Thread(() -> {
            long w0 = System.nanoTime();
            try (capture; DataOutputStream out = new DataOutputStream(new BufferedOutputStream(
                    Files.newOutputStream(file), 1 << 16))) {
                capture.writeTo(out);
            } catch (IOException e) {
                failure[0] = e;
                return;
            }
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                channel.force(true);
            } catch (IOException e) {
                failure[0] = e;
            }
            writeNanos[0] = System.nanoTime() - w0;
        }, "checkpoint-writer");
        writer.start();
        byte[] sampled = new byte[50 * SHAPE.elementCount()];
        int[] labels = new int[50];
        long longest = 0;
        long offered = 0;
        long next = System.nanoTime();
        while (writer.isAlive()) {
            long s0 = System.nanoTime();
            offer(buffer, stream, pixels, firstId + offered++);
            buffer.sample(50, sampled, labels);
            longest = Math.max(longest, System.nanoTime() - s0);
            next += 1_000_000_000L / OFFERS_PER_SECOND;
            java.util.concurrent.locks.LockSupport.parkNanos(next - System.nanoTime());
        }
        try {
            writer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        if (failure[0] != null) {
            throw failure[0];
        }
        return new long[] {captureNanos, writeNanos[0], longest, offered};
    }
}
