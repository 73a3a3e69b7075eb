package io.coldstream.augment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coldstream.core.ConfigurationException;
import org.junit.jupiter.api.Test;

class AugmentOptionsTest {

    @Test
    void defaultsArePadding4FlipHalfAlphaPointTwo() {
        assertThat(AugmentOptions.defaults()).isEqualTo(new AugmentOptions(4, 0.5, 0.2));
    }

    @Test
    void acceptsTheBoundaries() {
        assertThat(new AugmentOptions(0, 0, Double.MIN_VALUE).flipProbability()).isZero();
        assertThat(new AugmentOptions(0, 1, 100).flipProbability()).isEqualTo(1.0);
    }

    @Test
    void rejectsEachBadSettingWithItsValueAndRule() {
        assertThatThrownBy(() -> new AugmentOptions(-1, 0.5, 0.2))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("augment.cropPadding was -1 but it must be >= 0");
        assertThatThrownBy(() -> new AugmentOptions(4, 1.5, 0.2))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("augment.flipProbability was 1.5 but it must be in [0, 1]");
        assertThatThrownBy(() -> new AugmentOptions(4, Double.NaN, 0.2))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("augment.flipProbability was NaN but it must be in [0, 1]");
        assertThatThrownBy(() -> new AugmentOptions(4, 0.5, 0))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("augment.mixupAlpha was 0.0 but it must be finite and > 0");
    }

    @Test
    void reportsEveryBadSettingAtOnce() {
        assertThatThrownBy(() -> new AugmentOptions(-2, -0.1, Double.NaN))
                .isInstanceOfSatisfying(ConfigurationException.class,
                        e -> assertThat(e.problems()).hasSize(3));
    }

    @Test
    void withersChangeOneSettingAndValidate() {
        AugmentOptions options = AugmentOptions.defaults().withCropPadding(2).withFlipProbability(0.1).withMixupAlpha(1);

        assertThat(options).isEqualTo(new AugmentOptions(2, 0.1, 1.0));
        assertThatThrownBy(() -> options.withMixupAlpha(-1)).isInstanceOf(ConfigurationException.class);
    }
}
