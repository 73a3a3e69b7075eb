package io.coldstream.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coldstream.core.ConfigurationException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BenchMethodTest {

    @Test
    void variantsAreCsslWithSettings() {
        BenchMethod m = BenchMethod.variant("k20-noaug:replay.k=20, augment=none");
        assertThat(m.name()).isEqualTo("k20-noaug");
        assertThat(m.offline()).isFalse();
        assertThat(m.settings()).containsExactly(Map.entry("replay.k", "20"), Map.entry("augment", "none"));
    }

    @Test
    void aVariantMayNotTakeABuiltInName() {
        // a variant called offline would become Omega-all's denominator
        for (String name : List.of("offline", "cssl", "finetune")) {
            assertThatThrownBy(() -> BenchMethod.variant(name + ":replay.k=5"))
                    .isInstanceOf(ConfigurationException.class).hasMessageContaining("built-in");
        }
    }

    @Test
    void malformedVariantsSayHowToWriteThem() {
        assertThatThrownBy(() -> BenchMethod.variant("k20")).hasMessageContaining("NAME:KEY=VALUE");
        assertThatThrownBy(() -> BenchMethod.variant("k20:replay.k")).hasMessageContaining("KEY=VALUE");
        assertThatThrownBy(() -> BenchMethod.variant("../x:replay.k=1")).hasMessageContaining("names a folder");
    }

    @Test
    void aSuiteRunsEachScenarioOnceAndOnPytorchUnlessTold() {
        BenchSuite.Overrides twice = new BenchSuite.Overrides(null, List.of(Scenario.IID, Scenario.IID), null, null,
                null, null, null, null, null, null, null, Map.of());
        List<BenchExperiment> experiments = BenchSuite.QUICK.experiments(twice);
        assertThat(experiments).hasSize(1);
        assertThat(experiments.get(0).settings()).containsEntry("engine", "pytorch");
        BenchSuite.Overrides dl4j = new BenchSuite.Overrides(null, null, null, null, null, null, null, null, null,
                null, null, Map.of("--engine", "dl4j"));
        assertThat(BenchSuite.QUICK.experiments(dl4j).get(0).settings()).containsExactly(Map.entry("--engine", "dl4j"));
    }
}
