package io.coldstream.augment;

import io.coldstream.core.MiniBatch;
import io.coldstream.core.SeededRandom;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Several augmentations applied one after the other, in list order, to the same rows and with
 * the same generator. An empty pipeline leaves the batch alone. Build one from a CLI list with
 * {@link Augmentations#parse(String, AugmentOptions)}.
 *
 * <p>Allocates nothing per call beyond what its steps do. Not thread-safe when any step keeps
 * scratch buffers (as {@link Mixup} does).
 */
public final class AugmentationPipeline implements Augmentation {

    private final List<Augmentation> steps;
    private final Augmentation[] stepArray;

    /**
     * @param steps the augmentations, in the order they run; copied; no null elements
     * @throws NullPointerException if the list or an element is null
     */
    public AugmentationPipeline(List<Augmentation> steps) {
        this.steps = List.copyOf(Objects.requireNonNull(steps, "steps"));
        this.stepArray = this.steps.toArray(new Augmentation[0]);
    }

    /** @return the steps in the order they run; unmodifiable */
    public List<Augmentation> steps() {
        return steps;
    }

    /** @return whether the pipeline has no step and so leaves every batch unchanged */
    public boolean isEmpty() {
        return stepArray.length == 0;
    }

    /**
     * Applies every step in order.
     *
     * @param batch the batch to change in place
     * @param random shared by the steps, each drawing in turn
     */
    @Override
    public void apply(MiniBatch batch, SeededRandom random) {
        for (Augmentation step : stepArray) {
            step.apply(batch, random);
        }
    }

    /** @return the steps joined by {@code " -> "}, e.g. {@code crop(padding=4) -> flip(p=0.5)}, or {@code none} */
    @Override
    public String toString() {
        if (steps.isEmpty()) {
            return "none";
        }
        return steps.stream().map(Object::toString).collect(Collectors.joining(" -> "));
    }
}
