package io.coldstream.bench;

import io.coldstream.core.ConfigurationException;
import io.coldstream.io.FashionMnist;
import io.coldstream.learner.TrainerConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The harness's suites ({@code coldstream bench --suite NAME}): which scenarios, on which data, with
 * which defaults, and the published results printed beside them. Every default can be overridden
 * through {@link Overrides}. Suites run on {@code engine=pytorch} (libtorch, about three times
 * Deeplearning4j's speed on CPU) unless a setting names another engine.
 */
public enum BenchSuite {

    /** A short class-incremental Fashion-MNIST stream (5 stages of 2 classes), cssl vs finetune vs offline; minutes on 2 cores, run in CI. */
    QUICK("quick", FashionMnist.DEFAULT_DIR.toString(), List.of(Scenario.CLASS_INCREMENTAL), 2, 2_000, 2_000, 10, 32,
            List.of(fashionReference())),
    /** The full Fashion-MNIST runs: iid, one pass over all 60,000, and class-incremental in 5 stages of 2; an hour or more on 2 cores. */
    FASHION("fashion", FashionMnist.DEFAULT_DIR.toString(), List.of(Scenario.IID, Scenario.CLASS_INCREMENTAL), 2, 0, 0,
            5, 64, List.of(fashionReference())),
    /** Class-incremental CIFAR-100 in 10 stages of 10 classes (20 stages with {@code --stage-classes 5}); needs {@code --data cifar100:DIR}. */
    CIFAR100("cifar100", null, List.of(Scenario.CLASS_INCREMENTAL), 10, 0, 0, 5, 64, List.of(
            "Online class-incremental Split CIFAR-100 (10 stages, one pass, from scratch): final accuracy about 28% at a"
                    + " memory of 1,000 examples, 35% at 2,000 and 42% at 5,000 (OCM and OnPro, as reproduced by"
                    + " LibContinual and the OnPro code)")),
    /** Class-incremental ImageNet in stages of 100 classes; needs {@code --data imagefolder:DIR}. */
    IMAGENET("imagenet", null, List.of(Scenario.CLASS_INCREMENTAL), 100, 0, 10_000, 2, 64, List.of(
            "REMIND on ImageNet (a pretrained base, 100 classes per stage): Omega-all 0.855 (top-5)",
            "CSSL (Wolfe and Kyrillidis, 2022) reports class-incremental ImageNet from a cold start with ResNet-18"));

    private final String cliName;
    private final String defaultData;
    private final List<Scenario> scenarios;
    private final int stageClasses;
    private final long limit;
    private final int testSize;
    private final int offlineEpochs;
    private final int offlineBatch;
    private final List<String> referencePoints;

    BenchSuite(String cliName, String defaultData, List<Scenario> scenarios, int stageClasses, long limit,
            int testSize, int offlineEpochs, int offlineBatch, List<String> referencePoints) {
        this.cliName = cliName;
        this.defaultData = defaultData;
        this.scenarios = scenarios;
        this.stageClasses = stageClasses;
        this.limit = limit;
        this.testSize = testSize;
        this.offlineEpochs = offlineEpochs;
        this.offlineBatch = offlineBatch;
        this.referencePoints = referencePoints;
    }

    private static String fashionReference() {
        return "Fashion-MNIST offline, small CNNs (the dataset's own benchmark table): 0.916-0.925 top-1 after many epochs";
    }

    /**
     * What a user may change about a suite; {@code null} (or an empty list) keeps the suite's default.
     *
     * @param data the dataset spec
     * @param scenarios the scenarios
     * @param methods the methods (default cssl, finetune, offline)
     * @param variants extra cssl variants ({@link BenchMethod#variant})
     * @param limit stream examples per run
     * @param stageClasses classes per class-incremental stage
     * @param evalStages evaluation points of an iid stream (default 5)
     * @param testSize test examples per evaluation
     * @param offlineEpochs the offline baseline's epochs per stage
     * @param offlineBatch the offline baseline's mini-batch size
     * @param seed the seed (default 42)
     * @param settings trainer settings for every run
     */
    public record Overrides(String data, List<Scenario> scenarios, List<BenchMethod> methods,
            List<BenchMethod> variants, Long limit, Integer stageClasses, Integer evalStages, Integer testSize,
            Integer offlineEpochs, Integer offlineBatch, Long seed, Map<String, String> settings) {

        /** @return no overrides: the suite as defined */
        public static Overrides none() {
            return new Overrides(null, null, null, null, null, null, null, null, null, null, null, Map.of());
        }
    }

    /**
     * @param text a suite's name
     * @return whether a suite has that name
     */
    public static boolean exists(String text) {
        return Arrays.stream(values()).anyMatch(s -> s.cliName.equals(text));
    }

    /**
     * @param text {@code quick}, {@code fashion}, {@code cifar100} or {@code imagenet}
     * @return the suite
     * @throws ConfigurationException naming the value and the allowed names
     */
    public static BenchSuite parse(String text) {
        for (BenchSuite s : values()) {
            if (s.cliName.equals(text == null ? "" : text.strip().toLowerCase(Locale.ROOT))) {
                return s;
            }
        }
        throw new ConfigurationException("suite was '" + text + "' but must be one of "
                + Arrays.stream(values()).map(BenchSuite::cliName).collect(Collectors.joining(", ")));
    }

    /** @return the name on the command line */
    public String cliName() {
        return cliName;
    }

    /** @return the published results printed beside this suite's */
    public List<String> referencePoints() {
        return referencePoints;
    }

    /**
     * @param o what the user changed
     * @return the suite's experiments, one per scenario
     * @throws ConfigurationException if the suite needs {@code --data} and none was given, or a value is bad
     */
    public List<BenchExperiment> experiments(Overrides o) {
        String data = o.data() != null ? o.data() : defaultData;
        if (data == null) {
            throw new ConfigurationException("suite " + cliName + " needs --data: "
                    + (this == CIFAR100 ? "cifar100:DIR, the folder of the CIFAR-100 binary version (train.bin, test.bin)"
                            : "imagefolder:DIR, a folder holding train/<class>/*.JPEG and val/<class>/*.JPEG")
                    + "; nothing is downloaded");
        }
        List<Scenario> chosen = List.copyOf(new LinkedHashSet<>(
                o.scenarios() == null || o.scenarios().isEmpty() ? scenarios : o.scenarios())); // once each
        List<BenchMethod> methods = new ArrayList<>(o.methods() == null || o.methods().isEmpty()
                ? List.of(BenchMethod.CSSL, BenchMethod.FINETUNE, BenchMethod.OFFLINE) : o.methods());
        if (o.variants() != null) {
            methods.addAll(o.variants());
        }
        Map<String, String> settings = new LinkedHashMap<>(o.settings() == null ? Map.of() : o.settings());
        if (settings.keySet().stream().noneMatch(k -> "engine".equals(TrainerConfig.Builder.normalise(k)))) {
            settings.put("engine", "pytorch"); // the faster CPU engine: a suite's runs take a third of the time
        }
        List<BenchExperiment> experiments = new ArrayList<>();
        for (Scenario scenario : chosen) {
            experiments.add(new BenchExperiment(scenario.cliName(), data, scenario, methods,
                    o.limit() != null ? o.limit() : limit,
                    o.stageClasses() != null ? o.stageClasses() : stageClasses,
                    o.evalStages() != null ? o.evalStages() : 5,
                    o.testSize() != null ? o.testSize() : testSize,
                    o.offlineEpochs() != null ? o.offlineEpochs() : offlineEpochs,
                    o.offlineBatch() != null ? o.offlineBatch() : offlineBatch,
                    o.seed() != null ? o.seed() : 42L,
                    settings));
        }
        return experiments;
    }
}
