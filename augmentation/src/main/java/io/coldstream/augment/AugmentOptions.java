package io.coldstream.augment;

import io.coldstream.core.ConfigurationException;
import java.util.ArrayList;
import java.util.List;

/**
 * The settings of the augmentations that {@link Augmentations#parse(String, AugmentOptions)} can
 * build. Every setting is validated, and every bad one is reported at once.
 *
 * @param cropPadding zero padding of {@link RandomCrop} in pixels on each side, {@code >= 0}
 * @param flipProbability chance that {@link HorizontalFlip} mirrors a row, in {@code [0, 1]}
 * @param mixupAlpha Beta(alpha, alpha) shape of {@link Mixup}, finite and {@code > 0}
 */
public record AugmentOptions(int cropPadding, double flipProbability, double mixupAlpha) {

    /** Default crop padding, 4 pixels (the CIFAR setting). */
    public static final int DEFAULT_CROP_PADDING = 4;
    /** Default flip probability, 0.5. */
    public static final double DEFAULT_FLIP_PROBABILITY = HorizontalFlip.DEFAULT_PROBABILITY;
    /** Default mixup alpha, 0.2 (within the 0.1 to 0.4 range of Zhang et al. 2018). */
    public static final double DEFAULT_MIXUP_ALPHA = 0.2;

    /**
     * Checks every setting.
     *
     * @param cropPadding zero padding of the crop in pixels on each side, {@code >= 0}
     * @param flipProbability chance of a flip, in {@code [0, 1]}
     * @param mixupAlpha mixup's Beta shape, finite and {@code > 0}
     * @throws ConfigurationException listing every bad setting with its value and rule
     */
    public AugmentOptions {
        List<String> problems = new ArrayList<>();
        if (cropPadding < 0) {
            problems.add("augment.cropPadding was " + cropPadding + " but it must be >= 0");
        }
        if (!(flipProbability >= 0 && flipProbability <= 1)) {
            problems.add("augment.flipProbability was " + flipProbability + " but it must be in [0, 1]");
        }
        if (!(mixupAlpha > 0) || Double.isInfinite(mixupAlpha)) {
            problems.add("augment.mixupAlpha was " + mixupAlpha + " but it must be finite and > 0");
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException(problems);
        }
    }

    /** @return crop padding 4, flip probability 0.5, mixup alpha 0.2 */
    public static AugmentOptions defaults() {
        return new AugmentOptions(DEFAULT_CROP_PADDING, DEFAULT_FLIP_PROBABILITY, DEFAULT_MIXUP_ALPHA);
    }

    /**
     * @param padding the new crop padding in pixels, {@code >= 0}
     * @return a copy with that crop padding
     */
    public AugmentOptions withCropPadding(int padding) {
        return new AugmentOptions(padding, flipProbability, mixupAlpha);
    }

    /**
     * @param probability the new flip probability, in {@code [0, 1]}
     * @return a copy with that flip probability
     */
    public AugmentOptions withFlipProbability(double probability) {
        return new AugmentOptions(cropPadding, probability, mixupAlpha);
    }

    /**
     * @param alpha the new mixup alpha, finite and {@code > 0}
     * @return a copy with that mixup alpha
     */
    public AugmentOptions withMixupAlpha(double alpha) {
        return new AugmentOptions(cropPadding, flipProbability, alpha);
    }
}
