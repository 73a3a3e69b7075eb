package io.coldstream.bench;

import io.coldstream.io.Dataset;
import io.coldstream.io.Datasets;
import io.coldstream.learner.TrainerConfig;

/** Opens a benchmark's dataset exactly as the trainer will: the same spec and dataset options. */
final class BenchDatasets {

    private BenchDatasets() {
    }

    static Dataset open(TrainerConfig config) {
        return Datasets.open(config.data(), config.datasetOptions());
    }

    /** @return the first class of each task: {@code {0}} for a single dataset */
    static int[] taskClassOffsets(Dataset data) {
        return data.taskClassOffsets();
    }
}
