package io.coldstream.learner;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.coldstream.learner.internal.AtomicFiles;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Trains for real on the Fashion-MNIST stream (Debian package dataset-fashion-mnist). */
class TrainerIT {

    @TempDir
    Path dir;

    private TrainerConfig.Builder config(String out, long limit) {
        return TrainerConfig.builder()
                .set("limit", Long.toString(limit))
                .set("out", dir.resolve(out).toString());
    }

    private static TrainResult train(TrainerConfig config, List<Progress> progress) {
        try (Trainer trainer = Trainer.prepare(config, Clock.systemUTC())) {
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
        TrainResult result = train(config, progress);

        assertThat(result.examplesSeen()).isEqualTo(400);
        // Ten classes: chance is 0.10. A few hundred examples with replay get far above it.
        assertThat(result.finalAccuracy()).isGreaterThan(0.45);
        assertThat(result.prequentialAccuracy()).isGreaterThan(0.25);
        assertThat(result.holdout()).extracting(TrainResult.HoldoutPoint::examplesSeen).containsExactly(200L, 400L);
        assertThat(result.replayBytes()).isLessThanOrEqualTo(result.replayBudgetBytes());
        assertThat(result.replayEntries()).isEqualTo(400);
        assertThat(progress).isNotEmpty();
        assertThat(progress.get(progress.size() - 1).examplesSeen()).isEqualTo(400);

        JsonNode json = new ObjectMapper().readTree(config.out().resolve("results.json").toFile());
        assertThat(json.fieldNames()).toIterable().contains("examplesSeen", "prequentialAccuracy", "holdout",
                "finalAccuracy", "stepsPerSecond", "replay", "badRecords", "configuration");
        assertThat(json.get("replay").fieldNames()).toIterable().contains("entries", "bytes", "budgetBytes");
        assertThat(json.get("finalAccuracy").asDouble()).isEqualTo(result.finalAccuracy());

        Path store = config.out().resolve("snapshots");
        assertThat(SnapshotPublisher.readLatest(store)).isEqualTo("v000002");
        for (String v : List.of("v000001", "v000002")) {
            JsonNode manifest = new ObjectMapper().readTree(store.resolve(v).resolve("manifest.json").toFile());
            assertThat(manifest.get("sha256").asText()).isEqualTo(AtomicFiles.sha256(store.resolve(v).resolve("model.zip")));
        }
        JsonNode last = new ObjectMapper().readTree(store.resolve("v000002/manifest.json").toFile());
        assertThat(last.get("examplesSeen").asLong()).isEqualTo(400);
        assertThat(last.get("sourcePositions").get("train").asLong()).isEqualTo(399);
    }

    @Test
    void theSameSeedAndStreamGiveBitIdenticalParametersAfter100Steps() {
        float[] first = parametersAfter(config("a", 100).set("seed", "7").build());
        float[] second = parametersAfter(config("b", 100).set("seed", "7").build());
        float[] otherSeed = parametersAfter(config("c", 100).set("seed", "8").build());
        assertThat(second).containsExactly(first);
        assertThat(otherSeed).isNotEqualTo(first);
    }

    private static float[] parametersAfter(TrainerConfig config) {
        try (Trainer trainer = Trainer.prepare(config, Clock.systemUTC())) {
            trainer.run(new TrainerListener() { });
            assertThat(trainer.network().steps()).isEqualTo(100);
            return trainer.network().parameters();
        }
    }
}
