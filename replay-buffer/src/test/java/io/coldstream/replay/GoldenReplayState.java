package io.coldstream.replay;

import io.coldstream.core.ByteSize;
import io.coldstream.core.SeededRandom;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The small, deterministic buffer whose states are the golden files {@code replay-state-v1.bin}
 * (written by format version 1's code) and {@code replay-state-v2.bin}.
 *
 * <p>Each file was written once by running this class's {@link #main} from the module folder
 * after {@code test-compile} (with the code of its format version):
 * <pre>
 * java -cp target/classes:target/test-classes:$HOME/.m2/repository/io/coldstream/coldstream-core/0.1.0-SNAPSHOT/coldstream-core-0.1.0-SNAPSHOT.jar \
 *     io.coldstream.replay.GoldenReplayState src/test/resources/replay-state-v2.bin
 * </pre>
 * Never regenerate them: they are there to show that today's code still reads what each version
 * wrote. A new format version gets a new file next to them.
 *
 * <p>Version 1 counted no fixed bytes in the budget, so its 251 bytes held 8 entries; the buffer
 * is built with that capacity directly ({@link ReplayBuffers#allocate}), which is also the
 * capacity a version 1 state restores with.
 */
final class GoldenReplayState {

    static final String RESOURCE = "/replay-state-v1.bin";
    static final String RESOURCE_V2 = "/replay-state-v2.bin";
    static final int CAPACITY = 8;
    static final EvictionPolicy POLICY = EvictionPolicy.CLASS_BALANCED;
    static final int NUM_CLASSES = 3;
    /** Room for 8 entries of 16 + 12 bytes, and 27 bytes to spare. */
    static final long BUDGET_BYTES = 251;
    static final int OFFERS = 20;

    private GoldenReplayState() {
    }

    /** @return a class-balanced buffer of capacity 8 after 20 offers and a sample after each */
    static ReplayBuffer build() {
        ReplayBuffer buffer = ReplayBuffers.allocate(new ByteSize(BUDGET_BYTES), TestExamples.SHAPE, NUM_CLASSES,
                POLICY, ReplayCodec.RAW, CAPACITY, new SeededRandom(2024));
        SeededRandom stream = new SeededRandom(7);
        byte[] pixels = new byte[3 * TestExamples.ELEMENTS];
        int[] labels = new int[3];
        for (int id = 0; id < OFFERS; id++) {
            buffer.offer(TestExamples.example(id, stream.nextInt(NUM_CLASSES)));
            buffer.sample(3, pixels, labels);
        }
        return buffer;
    }

    /**
     * Writes the golden file.
     *
     * @param args the path to write
     * @throws IOException if it cannot be written
     */
    public static void main(String[] args) throws IOException {
        Files.write(Path.of(args[0]), ReplayStates.stateOf(build()));
    }
}
