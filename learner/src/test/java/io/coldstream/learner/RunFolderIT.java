package io.coldstream.learner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.coldstream.core.ConfigurationException;
import io.coldstream.core.Example;
import io.coldstream.core.Shape;
import io.coldstream.core.StreamPosition;
import io.coldstream.eval.HoldoutResult;
import io.coldstream.eval.RunResults;
import io.coldstream.io.DeadLetter;
import io.coldstream.io.DeadLetters;
import io.coldstream.io.ExampleCodec;
import io.coldstream.io.QueueSink;
import io.coldstream.model.SnapshotStore;
import io.coldstream.testkit.IdxFiles;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The output folder's faults, each trained for real on a small IDX dataset (120 training examples
 * of 10 classes, 20 test examples): a second process on the same folder, a folder left by a run
 * that died before its first checkpoint, a resume with another {@code --limit} (every order), and
 * the counters a resumed run carries on (bad records by reason, examples trained, the quarantine).
 */
class RunFolderIT {

    private static final Shape SHAPE = new Shape(1, 28, 28);
    private static final int TRAIN = 120;

    @TempDir
    Path dir;

    private Path data;

    @BeforeEach
    void writeData() {
        data = dir.resolve("data");
        byte[] labels = new byte[TRAIN];
        for (int i = 0; i < TRAIN; i++) {
            labels[i] = (byte) (i % 10);
        }
        IdxFiles.writeSplit(data, "train", SHAPE, labels, IdxFiles.pattern(TRAIN * SHAPE.elementCount()));
        byte[] testLabels = new byte[20];
        for (int i = 0; i < testLabels.length; i++) {
            testLabels[i] = (byte) (i % 10);
        }
        IdxFiles.writeSplit(data, "t10k", SHAPE, testLabels, IdxFiles.pattern(20 * SHAPE.elementCount()));
    }

    private TrainerConfig.Builder config(Path out, long limit) {
        return TrainerConfig.builder().set("data", data.toString()).set("out", out.toString())
                .set("limit", Long.toString(limit)).set("replay.k", "2").set("holdout.every", "0")
                .set("holdout.size", "10").set("snapshot.every", "0").set("checkpoint.every", "10");
    }

    private static RunResults train(TrainerConfig config) {
        return train(config, new SimpleMeterRegistry(), -1, false);
    }

    /**
     * @param at with {@code holdout.every} set, the examples seen at which to stop ({@code crash}
     *     false: a requested stop, with a final checkpoint) or to die ({@code crash} true: an
     *     exception out of the loop, no final checkpoint); {@code -1} for neither
     */
    private static RunResults train(TrainerConfig config, MeterRegistry registry, long at, boolean crash) {
        try (Trainer trainer = Trainer.prepare(config, Clock.systemUTC(), registry)) {
            return trainer.run(new TrainerListener() {
                @Override
                public void onHoldout(long seen, HoldoutResult result) {
                    if (seen == at && crash) {
                        throw new IllegalStateException("crash at " + seen);
                    }
                    if (seen == at) {
                        trainer.requestStop();
                    }
                }
            });
        }
    }

    private static long[] journal(Path out) {
        return CheckpointStore.readJournal(out.resolve(CheckpointStore.JOURNAL));
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    // Defect 1: no lock on --out.

    @Test
    void aFolderLockedByAnotherProcessIsRefusedNamingItsPidAndAKilledHolderNeverBlocks() throws Exception {
        Path out = dir.resolve("locked");
        Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), HoldsRunFolder.class.getName(), out.toString())
                .redirectErrorStream(true).start();
        try {
            BufferedReader reader = new BufferedReader(new InputStreamReader(holder.getInputStream(),
                    StandardCharsets.UTF_8));
            assertThat(reader.readLine()).isEqualTo("locked");
            assertThatThrownBy(() -> train(config(out, 20).build()))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining(out.toString())
                    .hasMessageContaining("PID " + holder.pid());
            assertThat(out.resolve(CheckpointStore.JOURNAL)).doesNotExist();
        } finally {
            holder.destroyForcibly(); // SIGKILL: the lock file stays behind, its lock goes with the process
            assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(out.resolve(RunFolder.LOCK)).exists();
        assertThat(train(config(out, 20).build()).examplesSeen()).isEqualTo(20);
    }

    @Test
    void aSecondTrainerInTheSameProcessIsRefusedAndTheFirstKeepsItsLock() {
        Path out = dir.resolve("twice");
        try (Trainer first = Trainer.prepare(config(out, 20).build(), Clock.systemUTC())) {
            assertThatThrownBy(() -> Trainer.prepare(config(out, 20).build(), Clock.systemUTC()))
                    .isInstanceOf(ConfigurationException.class).hasMessageContaining("in use")
                    .hasMessageContaining("PID " + ProcessHandle.current().pid());
            assertThat(first.run(new TrainerListener() { }).examplesSeen()).isEqualTo(20);
        }
    }

    @Test
    void badInputLeavesNoFolderBehindDespiteTheLock() {
        Path out = dir.resolve("never");
        assertThatThrownBy(() -> train(config(out, 20).set("data", dir.resolve("missing").toString()).build()))
                .isInstanceOf(io.coldstream.core.ColdstreamException.class);
        assertThat(out).doesNotExist();
    }

    // Defect 2: a crash before the first checkpoint strands the folder.

    @Test
    void aFolderLeftByARunThatDiedBeforeItsFirstCheckpointStartsOverAndMatchesAFreshRun() throws Exception {
        Path reference = dir.resolve("reference");
        train(config(reference, 40).build());

        Path out = dir.resolve("crashed");
        // dies at 15 examples, before its first checkpoint (every 20), after a snapshot at 10
        TrainerConfig dying = config(out, 40).set("checkpoint.every", "20").set("snapshot.every", "10")
                .set("holdout.every", "15").build();
        assertThatThrownBy(() -> train(dying, new SimpleMeterRegistry(), 15, true))
                .hasMessageContaining("crash at 15");
        // and what a kill in the middle of writing the first checkpoint leaves: its hidden folder, journal entries
        Files.createDirectories(out.resolve("checkpoints/.ckpt-000001.tmp"));
        Files.write(out.resolve(CheckpointStore.JOURNAL), new byte[8 * 15]);
        assertThat(out.resolve("snapshots")).exists();
        assertThat(out.resolve("metrics.jsonl")).exists();

        RunResults results = train(config(out, 40).build());
        assertThat(results.examplesSeen()).isEqualTo(40);
        assertThat(results.resumed()).isFalse();
        assertThat(journal(out)).containsExactly(journal(reference));
        // the store was rebuilt from the start: the crashed run's snapshot at 10 examples is gone
        assertThat(SnapshotStore.readLatest(out.resolve("snapshots"))).isEqualTo("v000001");
        assertThat(new ObjectMapper().readTree(out.resolve("snapshots/v000001/manifest.json").toFile())
                .get("examplesSeen").asLong()).isEqualTo(40);
        assertThat(out.resolve("checkpoints/.ckpt-000001.tmp")).doesNotExist();
    }

    @Test
    void aFolderWithOtherFilesAndNoCheckpointIsStillRefused() throws IOException {
        Path out = Files.createDirectories(dir.resolve("other"));
        Files.writeString(out.resolve("notes.txt"), "mine");
        Files.writeString(out.resolve("metrics.jsonl"), "");
        assertThatThrownBy(() -> train(config(out, 20).build())).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("notes.txt");
        assertThat(out.resolve("notes.txt")).hasContent("mine");
        assertThat(out.resolve("metrics.jsonl")).exists();
    }

    // Defect 3: a resume with another --limit, every order x (same, larger, smaller).

    @Test
    void resumingWithTheSameLargerOrSmallerLimitTrainsEveryExampleOnceOrIsRefusedInEveryOrder() throws Exception {
        for (String order : List.of("iid", "file", "class-incremental")) {
            Path reference = dir.resolve(order + "-reference");
            train(config(reference, 40).set("order", order).build());
            Path stopped = dir.resolve(order + "-stopped");
            train(config(stopped, 40).set("order", order).set("holdout.every", "20").build(),
                    new SimpleMeterRegistry(), 20, false);
            assertThat(journal(stopped)).hasSize(20);

            Path same = dir.resolve(order + "-same");
            copy(stopped, same);
            assertThat(train(config(same, 40).set("order", order).build()).examplesSeen()).as(order).isEqualTo(40);
            assertThat(journal(same)).as(order + ", same limit").containsExactly(journal(reference));

            Path larger = dir.resolve(order + "-larger");
            copy(stopped, larger);
            if (order.equals("class-incremental")) {
                assertThatThrownBy(() -> train(config(larger, 80).set("order", order).build()))
                        .as(order + ", larger limit").isInstanceOf(ConfigurationException.class)
                        .hasMessageContaining("limit was 80").hasMessageContaining("--limit 40");
                assertThat(journal(larger)).hasSize(20);
            } else {
                assertThat(train(config(larger, 80).set("order", order).build()).examplesSeen()).isEqualTo(80);
                long[] ids = journal(larger);
                assertThat(Arrays.stream(ids).distinct().count()).as(order + ", larger limit").isEqualTo(80);
                assertThat(Arrays.copyOf(ids, 40)).containsExactly(journal(reference));
            }

            Path smaller = dir.resolve(order + "-smaller");
            copy(stopped, smaller);
            assertThatThrownBy(() -> train(config(smaller, 10).set("order", order).build()))
                    .as(order + ", smaller limit").isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("limit was 10").hasMessageContaining("already trained on 20 examples");
            assertThat(journal(smaller)).hasSize(20);
        }
    }

    // Write failure: the policy is to stop, keeping the previous checkpoint.

    @Test
    void aCheckpointThatCannotBeWrittenStopsTheRunAndTheRerunResumesFromThePreviousOne() {
        Path reference = dir.resolve("reference");
        train(config(reference, 40).build());
        Path out = dir.resolve("failing");
        System.setProperty(CrashPoint.FAIL_PROPERTY, "checkpoint-model-written@2");
        try {
            assertThatThrownBy(() -> train(config(out, 40).build()))
                    .isInstanceOf(io.coldstream.core.SnapshotException.class)
                    .hasMessageContaining("injected write failure")
                    .hasMessageContaining("ckpt-000001 at 10 examples, is kept");
        } finally {
            System.clearProperty(CrashPoint.FAIL_PROPERTY);
        }
        RunResults resumed = train(config(out, 40).build());
        assertThat(resumed.resumed()).isTrue();
        assertThat(resumed.examplesSeen()).isEqualTo(40);
        assertThat(journal(out)).containsExactly(journal(reference));
    }

    @Test
    void aSnapshotThatCannotBeWrittenStopsTheRunKeepsTheLatestAndTheRerunResumes() {
        Path reference = dir.resolve("reference");
        train(config(reference, 40).set("snapshot.every", "10").build());
        Path out = dir.resolve("failing-snapshot");
        System.setProperty(CrashPoint.FAIL_PROPERTY, "snapshot-model-written@2");
        try {
            assertThatThrownBy(() -> train(config(out, 40).set("snapshot.every", "10").build()))
                    .isInstanceOf(io.coldstream.core.SnapshotException.class)
                    .hasMessageContaining("injected write failure")
                    .hasMessageContaining("LATEST still names v000001 (at 10 examples)");
        } finally {
            System.clearProperty(CrashPoint.FAIL_PROPERTY);
        }
        Path snapshots = out.resolve("snapshots");
        assertThat(io.coldstream.model.SnapshotStore.readLatest(snapshots)).isEqualTo("v000001");
        assertThat(new io.coldstream.model.SnapshotStore(snapshots).versions()).containsExactly("v000001");
        new io.coldstream.model.SnapshotStore(snapshots).verify("v000001");

        RunResults resumed = train(config(out, 40).set("snapshot.every", "10").build());
        assertThat(resumed.resumed()).isTrue();
        assertThat(resumed.examplesSeen()).isEqualTo(40);
        assertThat(journal(out)).containsExactly(journal(reference));
        io.coldstream.model.SnapshotStore store = new io.coldstream.model.SnapshotStore(snapshots);
        for (String version : store.versions()) {
            store.verify(version);
        }
        assertThat(store.latest()).isPresent();
        assertThat(store.manifest(store.latest().orElseThrow()).examplesSeen()).isEqualTo(40);
    }

    // Defect 4: counts restart at every resume; bad records after the last checkpoint quarantined twice.

    @Test
    void badRecordCountsAndExamplesTrainedSurviveACrashAndTheQuarantineHoldsEachBadRecordOnce() throws Exception {
        Path queue = dir.resolve("queue");
        int good = 50;
        int bad = 0;
        try (QueueSink sink = new QueueSink(queue)) {
            for (int i = 0; i < good; i++) {
                byte[] pixels = new byte[SHAPE.elementCount()];
                Arrays.fill(pixels, (byte) (i * 5));
                sink.write(new Example(1000 + i, i % 10, SHAPE, pixels, new StreamPosition("q", i)));
                if (i < good - 1) {
                    // two bad records after every good one but the last: junk and a truncated record
                    sink.writeRecord(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
                    byte[] record = ExampleCodec.encode(new Example(5000 + i, 1, SHAPE, pixels,
                            new StreamPosition("q", i)));
                    sink.writeRecord(Arrays.copyOf(record, record.length - 7));
                    bad += 2;
                }
            }
        }
        Path out = dir.resolve("bad");
        TrainerConfig first = config(out, good).set("source", "queue:" + queue).set("checkpoint.every", "20")
                .set("holdout.every", "30").build();
        assertThatThrownBy(() -> train(first, new SimpleMeterRegistry(), 30, true)).hasMessageContaining("crash");

        MeterRegistry registry = new SimpleMeterRegistry();
        RunResults results = train(config(out, good).set("source", "queue:" + queue).build(), registry, -1, false);
        assertThat(results.resumed()).isTrue();
        assertThat(results.examplesSeen()).isEqualTo(good);
        assertThat(results.badRecords()).isEqualTo(bad);
        assertThat(registry.get("coldstream.examples.trained").counter().count()).isEqualTo(good);
        double counted = registry.find("coldstream.bad.records").counters().stream().mapToDouble(c -> c.count()).sum();
        assertThat(counted).isEqualTo(bad);
        assertThat(registry.find("coldstream.bad.records").counters()).hasSize(2);
        List<DeadLetter> letters = DeadLetters.readAll(out.resolve("quarantine"));
        assertThat(letters).hasSize(bad);
        assertThat(letters.stream().map(DeadLetter::position).distinct().count()).isEqualTo(bad);
        assertThat(Arrays.stream(journal(out)).distinct().count()).isEqualTo(good);
    }
}
