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
 * rebuilt from both and compared. Times are the training thread's share (the streaming into the
 * page cache) and the fsync, which the checkpoint writer thread does. Run with room for the
 * biggest buffer twice (the original and the rebuilt one):
 * {@code java -XX:MaxDirectMemorySize=3g -Xmx2g -cp 'cli/target/lib/*' io.coldstream.bench.ReplayCheckpointBench DIR [BUDGETS] [EXAMPLES]}.
 */
public final class ReplayCheckpointBench {

    private static final Shape SHAPE = new Shape(1, 28, 28);

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
        out.printf(Locale.ROOT, "| budget | entries | base bytes | base write ms | base fsync ms | increment bytes"
                + " (%,d examples) | increment write ms | increment fsync ms | restore ms |%n", between);
        out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
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
            long[] baseTimes = write(base, buffer, true);
            for (int i = 0; i < between; i++) {
                offer(buffer, stream, pixels, id++);
            }
            Path increment = dir.resolve("increment-" + b.trim() + ".bin");
            long[] incTimes = write(increment, buffer, false);
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
            if (restored.offered() != buffer.offered() || restored.evictions() != buffer.evictions()) {
                throw new IllegalStateException("the rebuilt buffer differs: " + restored + " against " + buffer);
            }
            out.printf(Locale.ROOT, "| %s | %,d | %,d | %.1f | %.1f | %,d | %.1f | %.1f | %.0f |%n", b.trim(),
                    buffer.capacity(), Files.size(base), baseTimes[0] / 1e6, baseTimes[1] / 1e6, Files.size(increment),
                    incTimes[0] / 1e6, incTimes[1] / 1e6, restoreNanos / 1e6);
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

    /** @return nanoseconds streaming into the file, then nanoseconds of its fsync */
    private static long[] write(Path file, ReplayBuffer buffer, boolean full) throws IOException {
        long t0 = System.nanoTime();
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file),
                1 << 16))) {
            if (full) {
                buffer.writeState(out);
            } else {
                buffer.writeIncrement(out);
            }
        }
        long t1 = System.nanoTime();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        return new long[] {t1 - t0, System.nanoTime() - t1};
    }
}
