package io.coldstream.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coldstream.core.ConfigurationException;
import io.coldstream.core.SeededRandom;
import io.coldstream.core.Shape;
import io.coldstream.io.DatasetSplit;
import io.coldstream.io.Datasets;
import io.coldstream.io.IdxSource;
import io.coldstream.io.StreamOrder;
import io.coldstream.testkit.IdxFiles;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StreamPlanTest {

    private static final Shape SHAPE = new Shape(1, 4, 4);

    @TempDir
    Path dir;

    /** 60 examples, labels 0..5 ten times each, interleaved. */
    private DatasetSplit train() {
        byte[] labels = new byte[60];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = (byte) (i % 6);
        }
        IdxFiles.writeSplit(dir, "train", SHAPE, labels, IdxFiles.pattern(60 * SHAPE.elementCount()));
        IdxFiles.writeSplit(dir, "t10k", SHAPE, new byte[] {0, 1, 2, 3, 4, 5},
                IdxFiles.pattern(6 * SHAPE.elementCount()));
        return Datasets.open(dir.toString()).train();
    }

    @Test
    void classIncrementalStagesEndWhereTheNextStagesClassesBegin() {
        StreamPlan plan = StreamPlan.of(train(), 6, Scenario.CLASS_INCREMENTAL, 2, 5, new int[] {0}, 7, 0);
        assertThat(plan.stageEnds).containsExactly(20, 40, 60);
        assertThat(plan.groupOfClass).containsExactly(0, 0, 1, 1, 2, 2);
        assertThat(plan.groups).isEqualTo(3);
        assertThat(plan.seenAfter[0]).containsExactly(true, true, false, false, false, false);
        assertThat(plan.seenAfter[1]).containsExactly(true, true, true, true, false, false);
        assertThat(plan.seenAfter[2]).containsOnly(true);
        for (int i = 0; i < 60; i++) {
            assertThat(plan.groupOfClass[plan.labels[i]]).as("stream index %d", i).isEqualTo(plan.stageOf(i));
        }
    }

    @Test
    void planIsTheOrderTheTrainerStreams() {
        DatasetSplit train = train();
        StreamPlan plan = StreamPlan.of(train, 6, Scenario.CLASS_INCREMENTAL, 2, 5, new int[] {0}, 11, 30);
        IdxSource source = IdxSource.ordered(train, StreamOrder.CLASS_INCREMENTAL, 2,
                new SeededRandom(11).derive("order"), 30, "train");
        for (int i = 0; i < 30; i++) {
            assertThat(source.next().id()).isEqualTo(plan.order[i]);
        }
        assertThat(source.next()).isNull();
        assertThat(plan.order).hasSize(30);
        assertThat(plan.stageEnds[plan.stages() - 1]).isEqualTo(30);
    }

    @Test
    void iidStagesAreEqualFractionsOverAllClasses() {
        StreamPlan plan = StreamPlan.of(train(), 6, Scenario.IID, 2, 4, new int[] {0}, 3, 0);
        assertThat(plan.stageEnds).containsExactly(15, 30, 45, 60);
        assertThat(plan.groups).isEqualTo(1);
        assertThat(plan.groupOfClass).containsOnly(0);
    }

    @Test
    void classIncrementalStagesMayHoldThreeClasses() {
        StreamPlan plan = StreamPlan.of(train(), 6, Scenario.CLASS_INCREMENTAL, 3, 1, new int[] {0, 3}, 3, 0);
        assertThat(plan.stageEnds).containsExactly(30, 60);
        assertThat(plan.groupOfClass).containsExactly(0, 0, 0, 1, 1, 1);
    }

    @Test
    void refusesAStreamThatNeverShowsAClass() {
        assertThatThrownBy(() -> StreamPlan.of(train(), 7, Scenario.IID, 2, 5, new int[] {0}, 3, 0))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("never shows class [6]");
    }

    @Test
    void refusesMoreIidStagesThanExamples() {
        assertThatThrownBy(() -> StreamPlan.of(train(), 6, Scenario.IID, 2, 61, new int[] {0}, 3, 0))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("[1, 60]");
    }

    @Test
    void multiTaskNeedsSeveralTasks() {
        assertThatThrownBy(() -> StreamPlan.of(train(), 6, Scenario.MULTI_TASK, 2, 5, new int[] {0}, 3, 0))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("--data A,B");
    }

    @Test
    void aClassWithNoTrainExamplesIsNotBlamedOnTheLimit() {
        assertThatThrownBy(() -> StreamPlan.of(train(), 7, Scenario.IID, 2, 5, new int[] {0}, 3, 0))
                .hasMessageContaining("the train split holds none of its examples").hasMessageNotContaining("--limit");
    }
}
