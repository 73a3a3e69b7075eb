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
import io.coldstream.model.SnapshotStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Named crash points: the trainer runs as a child process over a Chronicle Queue and halts
 * ({@code Runtime.halt}, as {@code kill -9} would) at a named place, set by the test-only system
 * property {@code coldstream.test.crash}; then the same command resumes, halting at the next point,
 * through all five, and finally runs to the end. Every stream id is then trained on exactly once, in
 * stream order, and the final parameters are bit-identical to those of an uninterrupted run. (With a
 * queue the commit is a no-op: the commit points here are moments right around a checkpoint becoming
 * durable; Kafka's committed offsets are not checked by this test.)
 */
class CrashPointsIT {

    private static final Path LAUNCHER = Path.of("..", "bin", "coldstream").toAbsolutePath().normalize();
    private static final int STREAM = 240;
    private static final Shape SHAPE = new Shape(1, 28, 28);

    @TempDir
    Path dir;

    private int run(Path log, String crash, List<String> args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(LAUNCHER.toString()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().put("COLDSTREAM_JAVA_OPTS", "-Dorg.bytedeco.javacpp.cachedir="
                + System.getProperty("org.bytedeco.javacpp.cachedir", dir.resolve("javacpp").toString())
                + (crash == null ? "" : " -Dcoldstream.test.crash=" + crash));
        Process p = pb.start();
        assertThat(p.waitFor(4, TimeUnit.MINUTES)).as("child ended").isTrue();
        return p.exitValue();
    }

    private static List<String> train(Path queue, Path data, Path out) {
        return List.of("train", "--source", "queue:" + queue, "--data", data.toString(), "--out", out.toString(),
                "--limit", Integer.toString(STREAM), "--replay-k", "4", "--checkpoint-every", "20",
                "--snapshot-every", "30", "--holdout-every", "0", "--threads", "1");
    }

    @Test
    void afterAHaltAtEveryNamedPointAResumeTrainsEveryIdOnceAndMatchesAnUninterruptedRunBitForBit()
            throws Exception {
        Path data = dir.resolve("data");
        ColdstreamCliTest.writeIdx(data, "train", STREAM, 28, 28);
        ColdstreamCliTest.writeIdx(data, "t10k", 20, 28, 28);
        Path queue = dir.resolve("queue");
        Path log = dir.resolve("log.txt");
        assertThat(run(log, null, List.of("ingest", "--data", data.toString(), "--to", "queue:" + queue,
                "--order", "iid", "--limit", Integer.toString(STREAM)))).as(Files.readString(log)).isZero();
        long[] streamIds = idsIn(queue);
        assertThat(streamIds).hasSize(STREAM);

        Path reference = dir.resolve("reference");
        assertThat(run(log, null, train(queue, data, reference))).as(Files.readString(log)).isZero();
        float[] expected = finalParameters(reference);
        assertThat(CheckpointStore.readJournal(reference.resolve(CheckpointStore.JOURNAL))).containsExactly(streamIds);

        // One folder, halted at each point in turn (counts are per process: "@2" is the second time
        // the resumed process gets there), then resumed to the end. Checkpoints every 20, snapshots
        // every 30: the run halts at 40 (journal appended), 60 (renamed), 90 (snapshot model
        // written), about 121 (before the second commit), about 141 (after a commit).
        Path out = dir.resolve("run");
        for (String point : List.of("journal-appended@2", "checkpoint-renamed@2", "snapshot-model-written@1",
                "before-commit@2", "after-commit@1")) {
            assertThat(run(log, point, train(queue, data, out))).as(point + ": " + Files.readString(log))
                    .isEqualTo(86);
            assertThat(Files.readString(log)).contains("halting at crash point " + point.substring(0, point.indexOf('@')));
            assertThat(out.resolve("results.json")).as(point).doesNotExist();
        }
        assertThat(run(log, null, train(queue, data, out))).as(Files.readString(log)).isZero();
        assertThat(CheckpointStore.readJournal(out.resolve(CheckpointStore.JOURNAL))).containsExactly(streamIds);
        assertBitIdentical(finalParameters(out), expected, "after five halts");
        assertThat(SnapshotStore.readLatest(out.resolve("snapshots"))).isNotNull();
    }

    /** The parameters of the run's newest checkpoint (the final one). */
    private static float[] finalParameters(Path out) throws IOException {
        Path newest;
        try (Stream<Path> all = Files.list(out.resolve("checkpoints"))) {
            newest = all.filter(p -> p.getFileName().toString().startsWith("ckpt-")).sorted().reduce((a, b) -> b)
                    .orElseThrow();
        }
        try (Network network = Networks.restore(newest.resolve(CheckpointStore.MODEL), NetworkKind.SMALL_CNN, SHAPE,
                10, 8)) {
            return network.parameters();
        }
    }

    private static void assertBitIdentical(float[] actual, float[] expected, String what) {
        assertThat(actual.length).as(what + ": parameter count").isEqualTo(expected.length);
        for (int i = 0; i < actual.length; i++) {
            if (Float.floatToRawIntBits(actual[i]) != Float.floatToRawIntBits(expected[i])) {
                throw new AssertionError(what + ": parameter " + i + " is " + actual[i] + " but the uninterrupted run"
                        + " has " + expected[i]);
            }
        }
    }

    private static long[] idsIn(Path queue) {
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
}
