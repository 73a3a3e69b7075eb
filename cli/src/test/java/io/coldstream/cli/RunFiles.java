package io.coldstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.coldstream.core.Example;
import io.coldstream.core.Shape;
import io.coldstream.io.BadRecordHandlers;
import io.coldstream.io.ExampleCodec;
import io.coldstream.io.QueueSource;
import io.coldstream.learner.CheckpointStore;
import io.coldstream.model.Network;
import io.coldstream.model.NetworkKind;
import io.coldstream.model.Networks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What the fault tests read of a run folder and of a queue while child processes train: the cli
 * tests' one copy of each. Fashion-MNIST-shaped examples (1x28x28, 10 classes), the small CNN.
 */
final class RunFiles {

    /** The shape of the examples these tests write. */
    static final Shape SHAPE = new Shape(1, 28, 28);

    private RunFiles() {
    }

    /** @return the ids in the queue, in queue order */
    static long[] idsIn(Path queue) {
        List<Long> ids = new ArrayList<>();
        try (QueueSource source = new QueueSource(queue, new ExampleCodec(SHAPE, 10), BadRecordHandlers.fail(), false,
                null)) {
            Example e;
            while ((e = source.next()) != null) {
                ids.add(e.id());
            }
        }
        return ids.stream().mapToLong(Long::longValue).toArray();
    }

    /** @return the ids in the run's journal so far (checkpointed examples), 0 while there is none */
    static long journalLength(Path out) {
        try {
            return Files.size(out.resolve(CheckpointStore.JOURNAL)) / Long.BYTES;
        } catch (IOException e) {
            return 0;
        }
    }

    /**
     * @return the checkpoint folders of the run that a resume can start from (they hold a model),
     *     oldest first; folders kept only for the replay base or increment a newer checkpoint's
     *     chain needs are left out
     */
    static List<Path> checkpoints(Path out) throws IOException {
        try (Stream<Path> all = Files.list(out.resolve("checkpoints"))) {
            return all.filter(p -> p.getFileName().toString().startsWith("ckpt-"))
                    .filter(p -> Files.exists(p.resolve(CheckpointStore.MODEL))).sorted().toList();
        }
    }

    /** @return the parameters of the checkpoint's model (small CNN, 10 classes) */
    static float[] parameters(Path checkpoint) {
        try (Network network = Networks.restore(checkpoint.resolve(CheckpointStore.MODEL), NetworkKind.SMALL_CNN, SHAPE,
                10, 8)) {
            return network.parameters();
        }
    }

    /** @return the parameters of the run's newest checkpoint (after a complete run, the final one) */
    static float[] finalParameters(Path out) throws IOException {
        List<Path> all = checkpoints(out);
        assertThat(all).as("checkpoints of " + out).isNotEmpty();
        return parameters(all.get(all.size() - 1));
    }

    /** A condition polled by {@link #waitUntil}. */
    interface Check {
        /** @return whether the wait is over */
        boolean ok() throws Exception;
    }

    /** Polls {@code check} every 100 ms, failing after {@code seconds} with {@code what}. */
    static void waitUntil(Check check, int seconds, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!check.ok()) {
            assertThat(System.nanoTime()).as("waited %d s for %s", seconds, what).isLessThan(deadline);
            Thread.sleep(100);
        }
    }
}
