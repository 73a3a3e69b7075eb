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
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH micro-benchmarks of the replay codecs through the buffer's public API, on a full
 * class-balanced 4 MB buffer of 28x28 examples of structured (not random) pixels:
 * {@link #offer} encodes one example and evicts one entry, {@link #sampleOne} decodes one entry
 * and {@link #sampleFifty} draws and decodes a replay batch of k = 50. Run, after
 * {@code mvn -B -q -DskipTests install}:
 * {@code java -cp 'cli/target/lib/*' org.openjdk.jmh.Main ReplayCodecJmh -prof gc}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ReplayCodecJmh {

    private static final Shape SHAPE = new Shape(1, 28, 28);
    private static final int POOL = 256;

    /** The codec's command-line name. */
    @Param({"raw", "quantized", "quantized-2", "quantized-6", "downsampled", "downsampled-quantized", "jpeg"})
    public String codec;

    private ReplayBuffer buffer;
    private Example[] pool;
    private int next;
    private final byte[] pixels = new byte[50 * SHAPE.elementCount()];
    private final int[] labels = new int[50];

    /** Fills the buffer past its capacity and prepares a pool of examples to offer. */
    @Setup
    public void setUp() {
        buffer = ReplayBuffers.create(ByteSize.parse("4MB"), SHAPE, 10, EvictionPolicy.CLASS_BALANCED,
                ReplayCodec.parse(codec), new SeededRandom(1));
        SeededRandom random = new SeededRandom(2);
        pool = new Example[POOL];
        for (int i = 0; i < POOL; i++) {
            byte[] image = new byte[SHAPE.elementCount()];
            int phase = random.nextInt(28);
            for (int y = 0; y < 28; y++) {
                for (int x = 0; x < 28; x++) {
                    image[y * 28 + x] = (byte) (((x + phase) * 9 + y * 5 + random.nextInt(16)) & 0xff);
                }
            }
            pool[i] = new Example(i, i % 10, SHAPE, image, new StreamPosition("jmh", i));
        }
        for (int i = 0; i < buffer.capacity() + POOL; i++) {
            buffer.offer(pool[i % POOL]);
        }
    }

    /** @return whether the example was stored */
    @Benchmark
    public boolean offer() {
        next = (next + 1) & (POOL - 1);
        return buffer.offer(pool[next]);
    }

    /** @return the entries written (1) */
    @Benchmark
    public int sampleOne() {
        return buffer.sample(1, pixels, labels);
    }

    /** @return the entries written (50) */
    @Benchmark
    public int sampleFifty() {
        return buffer.sample(50, pixels, labels);
    }
}
