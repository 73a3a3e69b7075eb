package io.coldstream.replay;

import io.coldstream.core.ByteSize;
import io.coldstream.core.SeededRandom;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The small, deterministic buffer whose state is the golden file {@code replay-state-v1.bin}.
 *
 * <p>The file was written once by running this class's {@link #main} from the module folder after
 * {@code test-compile}:
 * <pre>
 * java -cp target/classes:target/test-classes:$HOME/.m2/repository/io/coldstream/coldstream-core/0.1.0-SNAPSHOT/coldstream-core-0.1.0-SNAPSHOT.jar \
 *     io.coldstream.replay.GoldenReplayState src/test/resources/replay-state-v1.bin
 * </pre>
 * Never regenerate it for format version 1: it is there to show that today's code still reads
 * and writes what version 1 wrote. A new format version gets a new file next to it.
 */
final class GoldenReplayState {

    static final String RESOURCE = "/replay-state-v1.bin";
    static final EvictionPolicy POLICY = EvictionPolicy.CLASS_BALANCED;
    static final int NUM_CLASSES = 3;
    /** Room for 8 entries of 16 + 12 bytes, and 27 bytes to spare. */
    static final long BUDGET_BYTES = 251;
    static final int OFFERS = 20;

    private GoldenReplayState() {
    }

    /** @return a class-balanced buffer of capacity 8 after 20 offers and a sample after each */
    static ReplayBuffer build() {
        ReplayBuffer buffer = ReplayBuffers.create(new ByteSize(BUDGET_BYTES), TestExamples.SHAPE, NUM_CLASSES, POLICY,
                new SeededRandom(2024));
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
