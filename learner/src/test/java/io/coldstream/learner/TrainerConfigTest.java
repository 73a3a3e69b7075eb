package io.coldstream.learner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coldstream.core.ConfigurationException;
import io.coldstream.io.StreamOrder;
import io.coldstream.replay.EvictionPolicy;
import org.junit.jupiter.api.Test;
import io.coldstream.model.NetworkKind;
import io.coldstream.model.LearningRateSchedule;

class TrainerConfigTest {

    @Test
    void defaultsFollowCssl() {
        TrainerConfig c = TrainerConfig.builder().build();
        assertThat(c.replayK()).isEqualTo(50);
        assertThat(c.replayBudget().bytes()).isEqualTo(16L << 20);
        assertThat(c.replayPolicy()).isEqualTo(EvictionPolicy.CLASS_BALANCED);
        assertThat(c.order()).isEqualTo(StreamOrder.IID);
        assertThat(c.network()).isEqualTo(NetworkKind.SMALL_CNN);
        assertThat(c.data().toString()).isEqualTo("/usr/share/datasets/fashion-mnist");
    }

    @Test
    void flagsAndKeysSetTheSameValues() {
        TrainerConfig byFlag = TrainerConfig.builder().set("--replay-budget", "8MB").set("--stage-classes", "3")
                .set("--order", "class-incremental").build();
        TrainerConfig byKey = TrainerConfig.builder().set("replay.budget", "8MB").set("stage.classes", "3")
                .set("order", "class-incremental").build();
        assertThat(byFlag).isEqualTo(byKey);
        assertThat(byFlag.replayBudget().bytes()).isEqualTo(8L << 20);
        assertThat(byFlag.stageClasses()).isEqualTo(3);
    }

    @Test
    void reportsEveryBadValueAtOnceNamingTheFlag() {
        assertThatThrownBy(() -> TrainerConfig.builder().nameKeysAsFlags()
                .set("--replay-budget", "-3 MB")
                .set("--replay-policy", "lru")
                .set("--replay-k", "lots")
                .set("--lr", "0")
                .set("--augment", "crop,blur")
                .set("--network", "vgg")
                .build())
                .isInstanceOfSatisfying(ConfigurationException.class, e -> {
                    assertThat(e.problems()).hasSize(6);
                    assertThat(e.getMessage())
                            .contains("--replay-budget")
                            .contains("'-3 MB'")
                            .contains("--replay-policy")
                            .contains("class-balanced, reservoir")
                            .contains("--replay-k was 'lots' but it must be a whole number")
                            .contains("--lr was 0.0 but it must be a positive number")
                            .contains("blur")
                            .contains("small-cnn, resnet18");
                });
    }

    @Test
    void namesConfigKeysWhenNotFromFlags() {
        assertThatThrownBy(() -> TrainerConfig.builder().set("replay.k", "-1").build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("replay.k was -1 but it must be >= 0");
    }

    @Test
    void rejectsUnknownKeysListingTheKnownOnes() {
        assertThatThrownBy(() -> TrainerConfig.builder().set("replay.size", "3").build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("unknown key 'replay.size'")
                .hasMessageContaining("replay.budget");
    }

    @Test
    void describeGroupsKeysAsTheConfigFileDoes() {
        var d = TrainerConfig.builder().set("replay.k", "7").build().describe();
        assertThat(d).containsKeys("data", "order", "replay", "augment", "lr", "out");
        assertThat(d.get("replay")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsEntry("k", 7).containsEntry("budget", "16MB").containsEntry("policy", "class-balanced");
    }

    @Test
    void parsesLearningRateSchedules() {
        assertThat(LearningRateSchedule.parse("step:5000:0.5")).isEqualTo(new LearningRateSchedule(5000, 0.5));
        assertThat(LearningRateSchedule.parse("constant").isConstant()).isTrue();
        assertThatThrownBy(() -> LearningRateSchedule.parse("cosine"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("'constant' and 'step:EVERY:GAMMA'");
    }
}
