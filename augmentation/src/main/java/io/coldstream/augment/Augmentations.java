package io.coldstream.augment;

import io.coldstream.core.ConfigurationException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Builds augmentation pipelines from the command line's {@code --augment} list.
 *
 * <p>Stateless and thread-safe.
 */
public final class Augmentations {

    /** Name of {@link RandomCrop} in a list. */
    public static final String CROP = "crop";
    /** Name of {@link HorizontalFlip} in a list. */
    public static final String FLIP = "flip";
    /** Name of {@link Mixup} in a list. */
    public static final String MIXUP = "mixup";
    /** The name that stands for no augmentation. */
    public static final String NONE = "none";

    private static final List<String> NAMES = List.of(CROP, FLIP, MIXUP, NONE);
    private static final String ALLOWED = String.join(", ", NAMES);

    private Augmentations() {
    }

    /** @return the names {@link #parse} accepts: crop, flip, mixup, none */
    public static List<String> names() {
        return NAMES;
    }

    /**
     * Parses a comma-separated list such as {@code "crop,flip,mixup"}: any subset of
     * {@code crop}, {@code flip} and {@code mixup}, case-insensitive, blanks around names ignored.
     * {@code "none"} or an empty (or blank) list means no augmentation. Whatever the order given,
     * the pipeline runs in the canonical order crop, flip, mixup, so that mixup (which blends
     * rows) comes last and blends images already cropped and flipped.
     *
     * @param spec the list; not null
     * @param options the settings of the augmentations built
     * @return the pipeline, empty for {@code "none"}
     * @throws ConfigurationException naming every unknown, empty or repeated name (for instance
     *     {@code "augment had 'blur' but allowed names are crop, flip, mixup, none"}), or
     *     {@code none} together with other names
     */
    public static AugmentationPipeline parse(String spec, AugmentOptions options) {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(options, "options");
        if (spec.isBlank()) {
            return new AugmentationPipeline(List.of());
        }
        List<String> problems = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (String token : spec.split(",", -1)) {
            String name = token.strip().toLowerCase(Locale.ROOT);
            if (name.isEmpty()) {
                problems.add("augment had an empty name in '" + spec + "' but allowed names are " + ALLOWED);
            } else if (!NAMES.contains(name)) {
                problems.add("augment had '" + token.strip() + "' but allowed names are " + ALLOWED);
            } else if (!seen.add(name)) {
                problems.add("augment had '" + name + "' more than once in '" + spec
                        + "' but allowed names are " + ALLOWED + ", each at most once");
            }
        }
        if (seen.contains(NONE) && seen.size() > 1) {
            problems.add("augment had 'none' together with other names in '" + spec
                    + "' but 'none' must stand alone");
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException(problems);
        }
        List<Augmentation> steps = new ArrayList<>();
        if (seen.contains(CROP)) {
            steps.add(new RandomCrop(options.cropPadding()));
        }
        if (seen.contains(FLIP)) {
            steps.add(new HorizontalFlip(options.flipProbability()));
        }
        if (seen.contains(MIXUP)) {
            steps.add(new Mixup(options.mixupAlpha()));
        }
        return new AugmentationPipeline(steps);
    }

    /**
     * {@link #parse(String, AugmentOptions)} with {@link AugmentOptions#defaults()}.
     *
     * @param spec the list; not null
     * @return the pipeline
     * @throws ConfigurationException as {@link #parse(String, AugmentOptions)}
     */
    public static AugmentationPipeline parse(String spec) {
        return parse(spec, AugmentOptions.defaults());
    }
}
