package io.coldstream.bench;

import io.coldstream.core.ConfigurationException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One scenario on one dataset, every method on the same stream and network.
 *
 * @param name the experiment's name in the results and its folder under {@code runs/}, such as
 *     {@code class-incremental}
 * @param data the dataset spec ({@code --data}: {@code idx:DIR}, {@code cifar100:DIR},
 *     {@code imagefolder:DIR}, {@code A,B} for multi-task)
 * @param scenario how the dataset becomes a stream
 * @param methods what runs on it, in order; {@code offline} is Omega-all's denominator
 * @param limit the most stream examples ({@code --limit}); {@code 0} = the whole train split
 * @param stageClasses classes per class-incremental stage
 * @param evalStages evaluation points of an iid stream
 * @param testSize test examples each evaluation uses (a seeded subset); {@code 0} = the whole test split
 * @param offlineEpochs the offline baseline's epochs per stage
 * @param offlineBatch the offline baseline's mini-batch size
 * @param seed the seed of every run ({@code --seed})
 * @param settings trainer settings every method shares (keys or flags of {@code coldstream train}),
 *     such as {@code engine=pytorch}; unmodifiable copy
 */
public record BenchExperiment(String name, String data, Scenario scenario, List<BenchMethod> methods, long limit,
        int stageClasses, int evalStages, int testSize, int offlineEpochs, int offlineBatch, long seed,
        Map<String, String> settings) {

    /** Validates the parts, with messages in terms of {@code coldstream bench}'s flags. */
    public BenchExperiment {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(scenario, "scenario");
        methods = List.copyOf(methods);
        if (methods.isEmpty()) {
            throw new ConfigurationException("an experiment needs at least one method (--methods)");
        }
        if (methods.stream().map(BenchMethod::name).distinct().count() != methods.size()) {
            throw new ConfigurationException("methods were " + methods.stream().map(BenchMethod::name).toList()
                    + " but each name may appear once");
        }
        if (limit < 0) {
            throw new ConfigurationException("--limit was " + limit + " but must be >= 0 (0 = the whole train split)");
        }
        if (stageClasses < 1) {
            throw new ConfigurationException("--stage-classes was " + stageClasses + " but must be >= 1");
        }
        if (evalStages < 1 || evalStages > 1000) {
            throw new ConfigurationException("--eval-stages was " + evalStages + " but must be in [1, 1000]");
        }
        if (testSize < 0) {
            throw new ConfigurationException("--test-size was " + testSize + " but must be >= 0 (0 = all)");
        }
        if (offlineEpochs < 1 || offlineEpochs > 1000) {
            throw new ConfigurationException("--offline-epochs was " + offlineEpochs + " but must be in [1, 1000]");
        }
        if (offlineBatch < 1 || offlineBatch > 4096) {
            throw new ConfigurationException("--offline-batch was " + offlineBatch + " but must be in [1, 4096]");
        }
        settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
    }

    /** @return whether one of the methods is the offline baseline (so Omega-all can be computed) */
    public boolean hasOffline() {
        return methods.stream().anyMatch(BenchMethod::offline);
    }
}
