package io.coldstream.augment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coldstream.core.ConfigurationException;
import org.junit.jupiter.api.Test;

class AugmentationsTest {

    @Test
    void buildsStepsInCanonicalOrderWhateverTheOrderGiven() {
        AugmentationPipeline pipeline = Augmentations.parse(" Mixup,FLIP , crop", AugmentOptions.defaults());

        assertThat(pipeline.steps()).hasSize(3);
        assertThat(pipeline.steps().get(0)).isInstanceOf(RandomCrop.class);
        assertThat(pipeline.steps().get(1)).isInstanceOf(HorizontalFlip.class);
        assertThat(pipeline.steps().get(2)).isInstanceOf(Mixup.class);
    }

    @Test
    void buildsAnySubset() {
        assertThat(Augmentations.parse("flip", AugmentOptions.defaults())).hasToString("flip(p=0.5)");
        assertThat(Augmentations.parse("mixup,crop", AugmentOptions.defaults()))
                .hasToString("crop(padding=4) -> mixup(alpha=0.2)");
    }

    @Test
    void passesTheOptionsToTheSteps() {
        AugmentationPipeline pipeline = Augmentations.parse("crop,flip,mixup", new AugmentOptions(2, 0.3, 1.5));

        assertThat(pipeline).hasToString("crop(padding=2) -> flip(p=0.3) -> mixup(alpha=1.5)");
        assertThat(((RandomCrop) pipeline.steps().get(0)).padding()).isEqualTo(2);
        assertThat(((HorizontalFlip) pipeline.steps().get(1)).probability()).isEqualTo(0.3);
        assertThat(((Mixup) pipeline.steps().get(2)).alpha()).isEqualTo(1.5);
    }

    @Test
    void noneOrEmptyMeansNoAugmentation() {
        for (String spec : new String[] {"none", "NONE", " none ", "", "   "}) {
            assertThat(Augmentations.parse(spec, AugmentOptions.defaults()).steps()).as("'%s'", spec).isEmpty();
        }
    }

    @Test
    void rejectsUnknownNamesListingTheAllowedOnes() {
        assertThatThrownBy(() -> Augmentations.parse("crop,blur", AugmentOptions.defaults()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("augment had 'blur' but allowed names are crop, flip, mixup, none");
    }

    @Test
    void rejectsDuplicates() {
        assertThatThrownBy(() -> Augmentations.parse("flip,crop,FLIP", AugmentOptions.defaults()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("augment had 'flip' more than once in 'flip,crop,FLIP' but allowed names are"
                        + " crop, flip, mixup, none, each at most once");
    }

    @Test
    void rejectsEmptyNamesAndNoneWithOthers() {
        assertThatThrownBy(() -> Augmentations.parse("crop,,flip", AugmentOptions.defaults()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("augment had an empty name in 'crop,,flip'");
        assertThatThrownBy(() -> Augmentations.parse("none,crop", AugmentOptions.defaults()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("augment had 'none' together with other names in 'none,crop' but 'none' must stand alone");
    }

    @Test
    void reportsEveryProblemAtOnce() {
        assertThatThrownBy(() -> Augmentations.parse("blur,crop,crop,jitter", AugmentOptions.defaults()))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.problems())
                        .hasSize(3)
                        .anySatisfy(p -> assertThat(p).contains("'blur'"))
                        .anySatisfy(p -> assertThat(p).contains("'crop' more than once"))
                        .anySatisfy(p -> assertThat(p).contains("'jitter'")));
    }

    @Test
    void listsItsNames() {
        assertThat(Augmentations.names()).containsExactly("crop", "flip", "mixup", "none");
    }
}
