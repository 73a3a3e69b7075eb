package io.coldstream.bench;

import io.coldstream.core.ByteSize;
import io.coldstream.core.Example;
import io.coldstream.core.SeededRandom;
import io.coldstream.core.Shape;
import io.coldstream.core.StreamPosition;
import io.coldstream.io.Dataset;
import io.coldstream.io.DatasetSplit;
import io.coldstream.io.Datasets;
import io.coldstream.replay.EvictionPolicy;
import io.coldstream.replay.ReplayBuffer;
import io.coldstream.replay.ReplayBuffers;
import io.coldstream.replay.ReplayCodec;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Locale;

/**
 * The replay codec harness: for each budget and {@link ReplayCodec}, on real Fashion-MNIST
 * training images, the entries a class-balanced buffer holds, nanoseconds per offered example
 * (encode plus eviction bookkeeping), nanoseconds per sampled example ({@code sample(50)} /
 * 50: the decode into the batch arrays) and the mean absolute reconstruction error per value;
 * plus the time to write the buffer's state to a null stream. Single-threaded; each timing is
 * the best of five rounds after a warm-up. A harness rather than JMH (JMH is not on the
 * build); run with
 * {@code java -cp 'cli/target/lib/*' io.coldstream.bench.ReplayCodecBench [DATA_DIR] [BUDGETS]}.
 */
public final class ReplayCodecBench {

    private ReplayCodecBench() {
    }

    /**
     * @param args the IDX folder (default {@code /usr/share/datasets/fashion-mnist}) and a
     *     comma-separated list of budgets (default {@code 256KB,1MB,4MB,16MB})
     * @throws IOException never in practice (writes to a null stream)
     */
    public static void main(String[] args) throws IOException {
        String data = args.length > 0 ? args[0] : "/usr/share/datasets/fashion-mnist";
        String[] budgets = (args.length > 1 ? args[1] : "256KB,1MB,4MB,16MB").split(",");
        Dataset dataset = Datasets.open(data);
        DatasetSplit train = dataset.train();
        Shape shape = train.shape();
        int n = Math.min(train.size(), 20_000);
        Example[] pool = new Example[n];
        for (int i = 0; i < n; i++) {
            pool[i] = train.example(i, new StreamPosition("bench", i));
        }
        PrintStream out = System.out;
        out.println("| budget | codec | bytes/entry | entries | x raw | offer ns | sample ns/example | mean abs error"
                + " | state write ms |");
        out.println("|---|---|---:|---:|---:|---:|---:|---:|---:|");
        for (String size : budgets) {
            ByteSize budget = ByteSize.parse(size);
            int rawEntries = 0;
            for (ReplayCodec codec : ReplayCodec.values()) {
                ReplayBuffer buffer = ReplayBuffers.create(budget, shape, dataset.numClasses(),
                        EvictionPolicy.CLASS_BALANCED, codec, new SeededRandom(1));
                if (codec == ReplayCodec.RAW) {
                    rawEntries = buffer.capacity();
                }
                int k = 50;
                byte[] pixels = new byte[k * shape.elementCount()];
                int[] labels = new int[k];
                int offers = Math.max(n, buffer.capacity() + 5_000);
                for (int i = 0; i < offers; i++) {
                    buffer.offer(pool[i % n]);
                }
                long bestOffer = Long.MAX_VALUE;
                long bestSample = Long.MAX_VALUE;
                int rounds = 20_000;
                for (int round = 0; round < 6; round++) {
                    long t0 = System.nanoTime();
                    for (int i = 0; i < rounds; i++) {
                        buffer.offer(pool[(i * 7919) % n]);
                    }
                    long t1 = System.nanoTime();
                    int sampled = 0;
                    for (int i = 0; i < rounds / 10; i++) {
                        sampled += buffer.sample(k, pixels, labels);
                    }
                    long t2 = System.nanoTime();
                    if (round > 0) {
                        bestOffer = Math.min(bestOffer, (t1 - t0) / rounds);
                        bestSample = Math.min(bestSample, (t2 - t1) / Math.max(1, sampled));
                    }
                }
                double error = meanAbsError(codec, pool, shape, dataset.numClasses());
                long w0 = System.nanoTime();
                try (DataOutputStream state = new DataOutputStream(new BufferedOutputStream(OutputStream.nullOutputStream(),
                        1 << 16))) {
                    buffer.writeState(state);
                }
                long writeMs = (System.nanoTime() - w0) / 1_000_000;
                out.printf(Locale.ROOT, "| %s | %s | %d | %d | %.2f | %d | %d | %.2f | %d |%n", size, codec.cliName(),
                        buffer.bytesPerEntry(), buffer.capacity(), buffer.capacity() / (double) rawEntries, bestOffer,
                        bestSample, error, writeMs);
            }
        }
    }

    /** Mean |value - restored| over 2,000 images, through a one-entry buffer of the codec. */
    private static double meanAbsError(ReplayCodec codec, Example[] pool, Shape shape, int numClasses) {
        int e = shape.elementCount();
        long budget = ReplayBuffers.bytesPerEntry(shape, EvictionPolicy.RESERVOIR, codec)
                + ReplayBuffers.fixedBytes(shape, numClasses, 1, EvictionPolicy.RESERVOIR, codec);
        byte[] restored = new byte[e];
        int[] label = new int[1];
        long sum = 0;
        int images = Math.min(2_000, pool.length);
        for (int i = 0; i < images; i++) {
            Example ex = pool[i];
            ReplayBuffer one = ReplayBuffers.create(new ByteSize(budget), shape, numClasses,
                    EvictionPolicy.RESERVOIR, codec, new SeededRandom(i));
            one.offer(ex);
            one.sample(1, restored, label);
            byte[] original = ex.pixels();
            for (int p = 0; p < e; p++) {
                sum += Math.abs((original[p] & 0xff) - (restored[p] & 0xff));
            }
        }
        return sum / (double) ((long) images * e);
    }
}
