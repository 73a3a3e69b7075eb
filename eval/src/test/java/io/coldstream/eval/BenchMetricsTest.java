package io.coldstream.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class BenchMetricsTest {

    private static final double NAN = Double.NaN;

    /** Three stages of a class-incremental scenario with three groups, one per stage. */
    private static final List<StageAccuracy> STREAMING = List.of(
            Stages.of(0, 0.90, 0.99, 1, 0.90, 0.00, 0.00),
            Stages.of(1, 0.60, 0.90, 2, 0.60, 0.85, 0.00),
            Stages.of(2, 0.45, 0.80, 3, 0.70, 0.50, 0.95));
    private static final List<StageAccuracy> OFFLINE = List.of(
            Stages.of(0, 0.95, 1.00, 1, 0.95, 0.00, 0.00),
            Stages.of(1, 0.80, 1.00, 2, 0.80, 0.80, 0.00),
            Stages.of(2, 0.75, 0.80, 3, 0.75, 0.75, 0.75));

    @Test
    void omegaAllIsTheMeanRatioToTheOfflineModelStageByStage() {
        // (0.90/0.95 + 0.60/0.80 + 0.45/0.75) / 3 = (0.947368... + 0.75 + 0.60) / 3: the streaming model is worse.
        assertThat(BenchMetrics.omegaAll(STREAMING, OFFLINE)).isCloseTo(0.7657894736842105, within(1e-12));
        // (0.99/1.00 + 0.90/1.00 + 0.80/0.80) / 3 = 2.89 / 3
        assertThat(BenchMetrics.omegaAllTop5(STREAMING, OFFLINE)).isCloseTo(0.9633333333333333, within(1e-12));
        assertThat(BenchMetrics.omegaAll(OFFLINE, OFFLINE)).isEqualTo(1.0);
        // Better than offline: above 1.
        assertThat(BenchMetrics.omegaAll(OFFLINE, STREAMING)).isCloseTo((0.95 / 0.90 + 0.80 / 0.60 + 0.75 / 0.45) / 3,
                within(1e-12)).isGreaterThan(1);
    }

    @Test
    void omegaAllRefusesStagesThatDoNotMatchAndIsNaNWhenUndefined() {
        assertThatThrownBy(() -> BenchMetrics.omegaAll(STREAMING, OFFLINE.subList(0, 2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Omega-all matches stages by index but the streaming model has 3 stages and the offline"
                        + " model 2");
        List<StageAccuracy> shifted = List.of(OFFLINE.get(1), OFFLINE.get(1), OFFLINE.get(2));
        assertThatThrownBy(() -> BenchMetrics.omegaAll(STREAMING, shifted))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at stage index 0 the streaming model had seen 1 classes and the offline model 2");

        List<StageAccuracy> zero = List.of(Stages.of(0, 0.0, 1, 0.0, 0.0), Stages.of(1, 0.5, 2, 0.5, 0.5));
        List<StageAccuracy> some = List.of(Stages.of(0, 0.2, 1, 0.2, 0.0), Stages.of(1, 0.5, 2, 0.5, 0.5));
        assertThat(BenchMetrics.omegaAll(some, zero)).isNaN();
        assertThat(BenchMetrics.omegaAll(zero, some)).isEqualTo((0.0 / 0.2 + 1.0) / 2);
        assertThat(BenchMetrics.omegaAll(List.of(), List.of())).isNaN();
    }

    @Test
    void averageForgettingIsTheDropFromTheBestEarlierAccuracyOfEachGroupSeenBeforeTheEnd() {
        // Group 0: max(0.90, 0.60) - 0.70 = 0.20. Group 1: 0.85 - 0.50 = 0.35 (stage 0 did not see it).
        // Group 2 is first seen at the final stage: left out.
        assertThat(BenchMetrics.averageForgetting(STREAMING)).isCloseTo(0.275, within(1e-12));
        // Offline: group 0: max(0.95, 0.80) - 0.75 = 0.20; group 1: 0.80 - 0.75 = 0.05.
        assertThat(BenchMetrics.averageForgetting(OFFLINE)).isCloseTo(0.125, within(1e-12));
    }

    @Test
    void forgettingIsNegativeWhenOldGroupsImproveLater() {
        List<StageAccuracy> stages = List.of(
                Stages.of(0, 0.5, 1, 0.5, 0.0, 0.0),
                Stages.of(1, 0.5, 2, 0.6, 0.4, 0.0),
                Stages.of(2, 0.8, 3, 0.8, 0.7, 0.9));

        // Group 0: max(0.5, 0.6) - 0.8 = -0.2; group 1: 0.4 - 0.7 = -0.3.
        assertThat(BenchMetrics.averageForgetting(stages)).isCloseTo(-0.25, within(1e-12));
        assertThat(BenchMetrics.forgettingPerClass(stages)).containsExactly(new double[] {-0.2, -0.3, NAN},
                within(1e-12));
    }

    @Test
    void anEarlierStageCountsOnlyOnceTheGroupWasSeen() {
        // Group 1 scores 0.99 at stage 0, before it was streamed (a lucky bias): that is not what it forgot.
        List<StageAccuracy> stages = List.of(
                Stages.of(0, 0.9, 1, 0.9, 0.99, 0.0),
                Stages.of(1, 0.7, 2, 0.7, 0.6, 0.0),
                Stages.of(2, 0.5, 3, 0.6, 0.5, 0.4));

        // Group 0: 0.9 - 0.6 = 0.3; group 1: 0.6 - 0.5 = 0.1.
        assertThat(BenchMetrics.averageForgetting(stages)).isCloseTo(0.2, within(1e-12));
    }

    @Test
    void forgettingIsNaNWithFewerThanTwoGroupsOrStages() {
        assertThat(BenchMetrics.averageForgetting(List.of(Stages.of(0, 0.9, 1, 0.9), Stages.of(1, 0.5, 1, 0.5))))
                .isNaN();
        assertThat(BenchMetrics.averageForgetting(STREAMING.subList(0, 1))).isNaN();
        assertThat(BenchMetrics.averageForgetting(List.of())).isNaN();
        assertThat(BenchMetrics.forgettingPerClass(STREAMING.subList(0, 1))).containsOnly(NAN);
        assertThat(BenchMetrics.forgettingPerClass(List.of())).isEmpty();
        // A group without test examples (NaN) is left out.
        List<StageAccuracy> stages = List.of(Stages.of(0, 0.9, 2, 0.9, NAN), Stages.of(1, 0.5, 2, 0.5, NAN));
        assertThat(BenchMetrics.averageForgetting(stages)).isCloseTo(0.4, within(1e-12));
    }

    @Test
    void forgettingPerClassIsNaNForClassesNotSeenBeforeTheFinalStage() {
        List<StageAccuracy> stages = List.of(
                Stages.of(0, 0.8, 1, 0.8, 0.1, 0.0, 0.0),
                Stages.of(1, 0.7, 2, 0.3, 0.9, 0.0, 0.0),
                Stages.of(2, 0.6, 3, 0.5, 0.6, 0.7, 0.2));

        // Class 0: max(0.8, 0.3) - 0.5; class 1: 0.9 - 0.6; class 2 first seen at the end; class 3 never.
        assertThat(BenchMetrics.forgettingPerClass(stages)).containsExactly(new double[] {0.3, 0.3, NAN, NAN},
                within(1e-12));
        assertThatThrownBy(() -> BenchMetrics.forgettingPerClass(List.of(stages.get(0), Stages.of(1, 0.5, 1, 0.5))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("same classes throughout");
    }

    @Test
    void stageAccuraciesCheckTheirFigures() {
        List<Double> two = List.of(0.5, 0.5);
        List<Boolean> seen = List.of(true, false);
        assertThatThrownBy(() -> new StageAccuracy(0, 0, 2, 10, 0.5, 0.5, two, two, seen, seen))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("stage 0: seenClasses was 2 but classSeen marks 1 classes as seen");
        assertThatThrownBy(() -> new StageAccuracy(0, 0, 1, 10, 0.6, 0.5, two, two, seen, seen))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("top5 was 0.5 but must be >= top1");
        assertThatThrownBy(() -> new StageAccuracy(0, 0, 1, 0, 0.6, 0.6, two, two, seen, seen))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("top1 was 0.6 but must be NaN when there are no examples");
        assertThatThrownBy(() -> new StageAccuracy(0, 0, 1, 10, 0.5, 0.5, List.of(1.5, 0.0), two, seen, seen))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("perGroupTop1[0] was 1.5");
        assertThatThrownBy(() -> new StageAccuracy(-1, 0, 1, 10, 0.5, 0.5, two, two, seen, seen))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("stage was -1 but must be >= 0");
        assertThatThrownBy(() -> new MethodResult("cssl", "s", List.of(Stages.of(0, 0.5, 1, 0.5),
                Stages.of(1, 0.5, 1, 0.5, 0.5)), 1, 1, java.util.Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("all stages must have the same");
    }

    @Test
    void aMethodResultGivesItsFinalFiguresAndRate() {
        MethodResult r = new MethodResult("cssl", "fashion", STREAMING, 2500, 1000, java.util.Map.of("lr", "0.05"));

        assertThat(r.finalTop1()).isEqualTo(0.45);
        assertThat(r.finalTop5()).isEqualTo(0.80);
        assertThat(r.examplesPerSecond()).isEqualTo(400.0);
        MethodResult empty = new MethodResult("cssl", "fashion", List.of(), 0, 0, java.util.Map.of());
        assertThat(empty.finalTop1()).isNaN();
        assertThat(empty.examplesPerSecond()).isNaN();
    }
}
