package io.coldstream.learner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.coldstream.core.AtomicFiles;
import io.coldstream.eval.HoldoutPoint;
import io.coldstream.eval.RunResults;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import io.coldstream.testkit.SameParameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import io.coldstream.model.SnapshotStore;

/** Trains for real on the Fashion-MNIST stream (Debian package dataset-fashion-mnist). */
class TrainerIT {

    @TempDir
    Path dir;

    private TrainerConfig.Builder config(String out, long limit) {
        return TrainerConfig.builder()
                .set("limit", Long.toString(limit))
                .set("out", dir.resolve(out).toString());
    }

    private static RunResults train(TrainerConfig config, List<Progress> progress, MeterRegistry registry) {
        try (Trainer trainer = Trainer.prepare(config, Clock.systemUTC(), registry)) {
            return trainer.run(new TrainerListener() {
                @Override
                public void onProgress(Progress p) {
                    progress.add(p);
                }
            });
        }
    }

    @Test
    void aShortStreamLiftsHoldoutAccuracyWellAboveChanceAndPublishesVerifiableSnapshots() throws Exception {
        TrainerConfig config = config("run", 400).set("holdout.every", "200").set("holdout.size", "500")
                .set("snapshot.every", "200").build();
        List<Progress> progress = new ArrayList<>();
        MeterRegistry registry = new SimpleMeterRegistry();
        RunResults result = train(config, progress, registry);

        assertThat(result.examplesSeen()).isEqualTo(400);
        // Ten classes: chance is 0.10. A few hundred examples with replay get far above it.
        assertThat(result.finalAccuracy()).isGreaterThan(0.45);
        assertThat(result.prequentialAccuracy()).isGreaterThan(0.25);
        assertThat(result.holdout()).extracting(HoldoutPoint::examplesSeen).containsExactly(200L, 400L);
        assertThat(result.replayBytes()).isLessThanOrEqualTo(result.replayBudgetBytes());
        assertThat(result.replayEntries()).isEqualTo(400);
        RunResults.ReplayStorage storage = result.replayStorage();
        assertThat(storage.codec()).isEqualTo("raw");
        assertThat(storage.bookkeepingBytes()).as("class-balanced: 12 bytes an entry").isEqualTo(400L * 12);
        assertThat(storage.payloadBytes() + storage.bookkeepingBytes()).isEqualTo(result.replayBytes());
        assertThat(storage.meanBytesPerEntry()).isEqualTo(result.replayBytes() / 400.0);
        assertThat(storage.fixedBytes()).isPositive()
                .isLessThanOrEqualTo(result.replayBudgetBytes() - result.replayBytes());
        assertThat(progress).isNotEmpty();
        assertThat(progress.get(progress.size() - 1).examplesSeen()).isEqualTo(400);

        JsonNode json = new ObjectMapper().readTree(config.out().resolve("results.json").toFile());
        assertThat(json.fieldNames()).toIterable().contains("examplesSeen", "prequentialAccuracy", "holdout",
                "finalAccuracy", "stepsPerSecond", "replay", "badRecords", "configuration");
        assertThat(json.get("replay").fieldNames()).toIterable().contains("entries", "bytes", "budgetBytes");
        assertThat(json.get("finalAccuracy").asDouble()).isEqualTo(result.finalAccuracy());

        Path store = config.out().resolve("snapshots");
        assertThat(SnapshotStore.readLatest(store)).isEqualTo("v000002");
        for (String v : List.of("v000001", "v000002")) {
            JsonNode manifest = new ObjectMapper().readTree(store.resolve(v).resolve("manifest.json").toFile());
            assertThat(manifest.get("sha256").asText()).isEqualTo(AtomicFiles.sha256(store.resolve(v).resolve("model.zip")));
        }
        JsonNode last = new ObjectMapper().readTree(store.resolve("v000002/manifest.json").toFile());
        assertThat(last.get("examplesSeen").asLong()).isEqualTo(400);
        assertThat(last.get("sourcePositions").get("train").asLong()).isEqualTo(399);

        // the meters moved
        assertThat(registry.get("coldstream.examples.trained").counter().count()).isEqualTo(400);
        assertThat(registry.get("coldstream.step").timer().count()).isEqualTo(400);
        assertThat(registry.get("coldstream.replay.entries").gauge().value()).isEqualTo(400);
        assertThat(registry.get("coldstream.replay.class.entries").tag("class", "0").gauge().value()).isPositive();
        assertThat(registry.get("coldstream.holdout.accuracy").gauge().value()).isEqualTo(result.finalAccuracy());
        assertThat(registry.get("coldstream.holdout.duration").timer().count()).isEqualTo(3);
        assertThat(registry.get("coldstream.snapshot.version").gauge().value()).isEqualTo(2);
        assertThat(registry.get("coldstream.prequential.accuracy").tag("window", "all").gauge().value())
                .isEqualTo(result.prequentialAccuracy());
        assertThat(registry.get("coldstream.source.lag").gauge().value()).isZero();

        // metrics.jsonl: an interval line every 100 examples, a line per holdout, a final line
        List<JsonNode> lines = new ArrayList<>();
        for (String line : java.nio.file.Files.readAllLines(config.out().resolve("metrics.jsonl"))) {
            lines.add(new ObjectMapper().readTree(line));
        }
        assertThat(lines).extracting(l -> l.get("kind").asText() + "@" + l.get("examplesSeen").asLong())
                .containsExactly("interval@100", "holdout@200", "interval@200", "interval@300", "holdout@400",
                        "interval@400", "final@400");
        JsonNode interval = lines.get(1 + 1);
        assertThat(interval.get("replay").get("classCounts").size()).isEqualTo(10);
        assertThat(interval.get("stepMillis").get("p95").asDouble()).isPositive();
        assertThat(interval.get("meanLoss").asDouble()).isPositive();
        assertThat(lines.get(lines.size() - 1).get("snapshotVersion").asText()).isEqualTo("v000002");
    }

    @Test
    void theSameSeedAndStreamGiveBitIdenticalParametersAfter100Steps() {
        float[] first = parametersAfter(config("a", 100).set("seed", "7").build());
        float[] second = parametersAfter(config("b", 100).set("seed", "7").build());
        float[] otherSeed = parametersAfter(config("c", 100).set("seed", "8").build());
        SameParameters.assertBitIdentical(second, first, "parameters");
        assertThat(otherSeed).isNotEqualTo(first);
    }

    private static float[] parametersAfter(TrainerConfig config) {
        try (Trainer trainer = Trainer.prepare(config, Clock.systemUTC())) {
            trainer.run(new TrainerListener() { });
            assertThat(trainer.network().steps()).isEqualTo(100);
            return trainer.network().parameters();
        }
    }

    @Test
    void aResumedRunReachesTheSameParametersAsAnUninterruptedOne() {
        TrainerConfig whole = config("whole", 240).set("checkpoint.every", "80").set("holdout.every", "0")
                .set("holdout.size", "200").build();
        float[] uninterrupted;
        try (Trainer trainer = Trainer.prepare(whole, Clock.systemUTC())) {
            trainer.run(new TrainerListener() { });
            uninterrupted = trainer.network().parameters();
        }
        // the same run, stopped at 120 (a final checkpoint), then resumed up to 240
        TrainerConfig firstHalf = config("halves", 120).set("checkpoint.every", "80").set("holdout.every", "0")
                .set("holdout.size", "200").build();
        try (Trainer trainer = Trainer.prepare(firstHalf, Clock.systemUTC())) {
            assertThat(trainer.resumed()).isFalse();
            trainer.run(new TrainerListener() { });
        }
        TrainerConfig secondHalf = config("halves", 240).set("checkpoint.every", "80").set("holdout.every", "0")
                .set("holdout.size", "200").build();
        float[] resumed;
        try (Trainer trainer = Trainer.prepare(secondHalf, Clock.systemUTC())) {
            assertThat(trainer.resumed()).isTrue();
            assertThat(trainer.examplesSeen()).isEqualTo(120);
            RunResults result = trainer.run(new TrainerListener() { });
            assertThat(result.examplesSeen()).isEqualTo(240);
            assertThat(result.resumed()).isTrue();
            resumed = trainer.network().parameters();
        }
        SameParameters.assertBitIdentical(resumed, uninterrupted, "parameters");
        long[] journal = CheckpointStore.readJournal(secondHalf.out().resolve(CheckpointStore.JOURNAL));
        assertThat(journal).containsExactly(CheckpointStore.readJournal(whole.out().resolve(CheckpointStore.JOURNAL)));
        assertThat(journal).hasSize(240).doesNotHaveDuplicates();
    }

    @Test
    void aWeightAverageIsWhatIsPublishedAndItResumesBitForBit() throws Exception {
        java.util.function.BiFunction<String, Long, TrainerConfig> averaged = (out, limit) -> config(out, limit)
                .set("engine", "pytorch").set("ema.decay", "0.9").set("checkpoint.every", "60")
                .set("snapshot.every", "60").set("holdout.every", "0").set("holdout.size", "200").build();
        TrainerConfig whole = averaged.apply("whole", 120L);
        float[] trained;
        float[] average;
        try (Trainer trainer = Trainer.prepare(whole, Clock.systemUTC())) {
            trainer.run(new TrainerListener() { });
            trained = trainer.network().parameters();
            average = trainer.published().parameters();
        }
        assertThat(average).isNotEqualTo(trained);
        // the snapshot is the average, and the checkpoint holds it beside the trained model
        Path store = whole.out().resolve("snapshots");
        try (io.coldstream.model.Network snapshot = io.coldstream.model.Networks.restore(
                store.resolve(SnapshotStore.readLatest(store)).resolve("model.zip"), io.coldstream.model.NetworkKind.SMALL_CNN,
                new io.coldstream.core.Shape(1, 28, 28), 10, 8)) {
            SameParameters.assertBitIdentical(snapshot.parameters(), average, "snapshot parameters");
        }
        assertThat(whole.out().resolve("checkpoints/ckpt-000002/" + CheckpointStore.AVERAGE)).isRegularFile();
        // stopped at 60, resumed to 120: the same trained weights and the same average
        try (Trainer trainer = Trainer.prepare(averaged.apply("halves", 60L), Clock.systemUTC())) {
            trainer.run(new TrainerListener() { });
        }
        try (Trainer trainer = Trainer.prepare(averaged.apply("halves", 120L), Clock.systemUTC())) {
            assertThat(trainer.resumed()).isTrue();
            trainer.run(new TrainerListener() { });
            SameParameters.assertBitIdentical(trainer.network().parameters(), trained, "trained parameters");
            SameParameters.assertBitIdentical(trainer.published().parameters(), average, "average");
        }
        // the average never feeds back into training, so a run may resume without one
        TrainerConfig without = config("halves", 130).set("engine", "pytorch").set("ema.decay", "0").set("checkpoint.every", "60")
                .set("snapshot.every", "60").set("holdout.every", "0").set("holdout.size", "200").build();
        try (Trainer trainer = Trainer.prepare(without, Clock.systemUTC())) {
            assertThat(trainer.resumed()).isTrue();
            trainer.run(new TrainerListener() { });
            assertThat(trainer.published()).isSameAs(trainer.network());
        }
    }

    @Test
    void resumingWithSettingsThatChangeWhatIsLearntIsRefused() {
        TrainerConfig first = config("run", 30).set("holdout.every", "0").set("holdout.size", "100").build();
        try (Trainer trainer = Trainer.prepare(first, Clock.systemUTC())) {
            trainer.run(new TrainerListener() { });
        }
        TrainerConfig changed = config("run", 60).set("holdout.every", "0").set("holdout.size", "100")
                .set("replay.k", "20").set("lr", "0.05").build();
        assertThatThrownBy(() -> Trainer.prepare(changed, Clock.systemUTC()))
                .isInstanceOf(io.coldstream.core.ConfigurationException.class)
                .hasMessageContaining("replay.k was '20' but the checkpoint")
                .hasMessageContaining("lr was '0.05'");
    }
}
