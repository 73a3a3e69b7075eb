package io.coldstream.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coldstream.core.ConfigurationException;
import org.junit.jupiter.api.Test;

class EvictionPolicyTest {

    @Test
    void parsesCliNamesInAnyCase() {
        assertThat(EvictionPolicy.parse("class-balanced")).isEqualTo(EvictionPolicy.CLASS_BALANCED);
        assertThat(EvictionPolicy.parse("Class-Balanced")).isEqualTo(EvictionPolicy.CLASS_BALANCED);
        assertThat(EvictionPolicy.parse("RESERVOIR")).isEqualTo(EvictionPolicy.RESERVOIR);
        assertThat(EvictionPolicy.parse(" reservoir ")).isEqualTo(EvictionPolicy.RESERVOIR);
    }

    @Test
    void cliNameParsesBackToThePolicy() {
        for (EvictionPolicy policy : EvictionPolicy.values()) {
            assertThat(EvictionPolicy.parse(policy.cliName())).isEqualTo(policy);
        }
        assertThat(EvictionPolicy.CLASS_BALANCED.cliName()).isEqualTo("class-balanced");
        assertThat(EvictionPolicy.RESERVOIR.cliName()).isEqualTo("reservoir");
    }

    @Test
    void rejectsAnUnknownNameListingTheAllowedOnes() {
        assertThatThrownBy(() -> EvictionPolicy.parse("fifo"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("replay.policy was 'fifo' but it must be one of: class-balanced, reservoir");
        assertThatThrownBy(() -> EvictionPolicy.parse("class_balanced"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("'class_balanced'");
    }

    @Test
    void rejectsAMissingName() {
        assertThatThrownBy(() -> EvictionPolicy.parse(null))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("replay.policy was missing but it must be one of: class-balanced, reservoir");
    }
}
