package io.coldstream.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coldstream.core.ConfigurationException;
import io.coldstream.core.SeededRandom;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class StreamOrdersTest {

    /** 10 classes, 30 examples each, interleaved the way a shuffled file would hold them. */
    private static final int[] LABELS = labels(10, 30);

    private static int[] labels(int classes, int perClass) {
        int[] labels = new int[classes * perClass];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = (i * 7) % classes;
        }
        return labels;
    }

    @Test
    void iidIsAPermutation() {
        int[] order = StreamOrders.order(LABELS, StreamOrder.IID, 1, new SeededRandom(1));

        assertThat(order).hasSize(LABELS.length);
        assertThat(sorted(order)).isEqualTo(IntStream.range(0, LABELS.length).toArray());
        assertThat(order).isNotEqualTo(IntStream.range(0, LABELS.length).toArray());
    }

    @Test
    void iidIsDeterministicPerSeed() {
        int[] a = StreamOrders.order(LABELS, StreamOrder.IID, 1, new SeededRandom(42));
        int[] b = StreamOrders.order(LABELS, StreamOrder.IID, 1, new SeededRandom(42));
        int[] c = StreamOrders.order(LABELS, StreamOrder.IID, 1, new SeededRandom(43));

        assertThat(a).isEqualTo(b);
        assertThat(a).isNotEqualTo(c);
    }

    @Test
    void fileOrderIsTheIdentityAndDrawsNothing() {
        SeededRandom random = new SeededRandom(5);
        int[] order = StreamOrders.order(LABELS, StreamOrder.FILE, 2, random);

        assertThat(order).isEqualTo(IntStream.range(0, LABELS.length).toArray());
        assertThat(random.state()).isEqualTo(5);
    }

    @Test
    void classIncrementalWithTwoClassesPerStageGivesFiveStagesInLabelOrder() {
        int[] order = StreamOrders.order(LABELS, StreamOrder.CLASS_INCREMENTAL, 2, new SeededRandom(7));

        assertThat(sorted(order)).isEqualTo(IntStream.range(0, LABELS.length).toArray());
        for (int stage = 0; stage < 5; stage++) {
            int[] stageOrder = Arrays.copyOfRange(order, stage * 60, stage * 60 + 60);
            assertThat(classesOf(stageOrder)).containsExactlyInAnyOrder(2 * stage, 2 * stage + 1);
            assertShuffledWithinStage(stageOrder);
        }
    }

    @Test
    void classIncrementalWithThreeClassesPerStageEndsWithASmallerStage() {
        int[] order = StreamOrders.order(LABELS, StreamOrder.CLASS_INCREMENTAL, 3, new SeededRandom(7));

        List<Set<Integer>> stages = List.of(Set.of(0, 1, 2), Set.of(3, 4, 5), Set.of(6, 7, 8), Set.of(9));
        int from = 0;
        for (Set<Integer> classes : stages) {
            int[] stageOrder = Arrays.copyOfRange(order, from, from + 30 * classes.size());
            assertThat(classesOf(stageOrder)).isEqualTo(classes);
            if (classes.size() > 1) {
                assertShuffledWithinStage(stageOrder);
            }
            from += stageOrder.length;
        }
        assertThat(from).isEqualTo(LABELS.length);
        assertThat(sorted(order)).isEqualTo(IntStream.range(0, LABELS.length).toArray());
    }

    @Test
    void classIncrementalGroupsOnlyTheClassesPresent() {
        int[] labels = {5, 1, 9, 1, 5, 9, 7};
        int[] order = StreamOrders.order(labels, StreamOrder.CLASS_INCREMENTAL, 2, new SeededRandom(3));

        int[] streamLabels = Arrays.stream(order).map(i -> labels[i]).toArray();
        assertThat(Arrays.copyOfRange(streamLabels, 0, 4)).containsExactlyInAnyOrder(1, 1, 5, 5);
        assertThat(Arrays.copyOfRange(streamLabels, 4, 7)).containsExactlyInAnyOrder(7, 9, 9);
    }

    @Test
    void classIncrementalIsDeterministicPerSeed() {
        int[] a = StreamOrders.order(LABELS, StreamOrder.CLASS_INCREMENTAL, 2, new SeededRandom(11));
        int[] b = StreamOrders.order(LABELS, StreamOrder.CLASS_INCREMENTAL, 2, new SeededRandom(11));
        int[] c = StreamOrders.order(LABELS, StreamOrder.CLASS_INCREMENTAL, 2, new SeededRandom(12));

        assertThat(a).isEqualTo(b).isNotEqualTo(c);
    }

    @Test
    void classIncrementalOrderIsUnchangedByTheStagedGeneralisation() {
        // Pinned from the class-incremental code before it took stage boundaries: checkpoints of
        // class-incremental runs resume on the order they were taken with.
        int[] labels = {5, 1, 9, 1, 5, 9, 7, 0, 0, 3, 3, 2, 7, 1, 0};

        assertThat(StreamOrders.order(labels, StreamOrder.CLASS_INCREMENTAL, 2, new SeededRandom(3)))
                .containsExactly(8, 3, 13, 14, 1, 7, 10, 11, 9, 0, 6, 4, 12, 2, 5);
        assertThat(StreamOrders.order(labels, StreamOrder.CLASS_INCREMENTAL, 3, new SeededRandom(8)))
                .containsExactly(8, 11, 7, 14, 13, 1, 3, 4, 0, 6, 9, 10, 12, 2, 5);
    }

    @Test
    void multiTaskStreamsEachTaskInTurnShuffledWithinIt() {
        int[] offsets = {0, 4, 7}; // three tasks: classes 0-3, 4-6, 7-9
        int[] order = StreamOrders.order(LABELS, StreamOrder.MULTI_TASK, 2, offsets, new SeededRandom(7));

        assertThat(sorted(order)).isEqualTo(IntStream.range(0, LABELS.length).toArray());
        List<Set<Integer>> tasks = List.of(Set.of(0, 1, 2, 3), Set.of(4, 5, 6), Set.of(7, 8, 9));
        int from = 0;
        for (Set<Integer> classes : tasks) {
            int[] taskOrder = Arrays.copyOfRange(order, from, from + 30 * classes.size());
            assertThat(classesOf(taskOrder)).isEqualTo(classes);
            assertShuffledWithinStage(taskOrder);
            from += taskOrder.length;
        }
        assertThat(StreamOrders.order(LABELS, StreamOrder.MULTI_TASK, 2, offsets, new SeededRandom(7)))
                .as("seeded").isEqualTo(order);
        assertThat(StreamOrders.order(LABELS, StreamOrder.MULTI_TASK, 2, offsets, new SeededRandom(8)))
                .isNotEqualTo(order);
        assertThat(StreamOrders.order(LABELS, StreamOrder.MULTI_TASK, 4, offsets, new SeededRandom(7)))
                .as("stage classes do not matter").isEqualTo(order);
    }

    @Test
    void multiTaskOverOneTaskIsExactlyIid() {
        int[] iid = StreamOrders.order(LABELS, StreamOrder.IID, 2, new SeededRandom(21));

        assertThat(StreamOrders.order(LABELS, StreamOrder.MULTI_TASK, 2, new SeededRandom(21))).isEqualTo(iid);
        assertThat(StreamOrders.order(LABELS, StreamOrder.MULTI_TASK, 2, new int[] {0}, new SeededRandom(21)))
                .isEqualTo(iid);
    }

    @Test
    void multiTaskRefusesOffsetsThatDoNotStartAtZeroAndAscend() {
        assertThatThrownBy(() -> StreamOrders.order(LABELS, StreamOrder.MULTI_TASK, 2, new int[] {1, 4},
                new SeededRandom(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("task class offsets must start at 0 but were [1, 4]");
        assertThatThrownBy(() -> StreamOrders.order(LABELS, StreamOrder.MULTI_TASK, 2, new int[] {0, 6, 4},
                new SeededRandom(1))).hasMessage("task class offsets must ascend but were [0, 6, 4]");
    }

    @Test
    void multiTaskPutsClassesPastTheLastOffsetInTheLastTask() {
        int[] order = StreamOrders.order(LABELS, StreamOrder.MULTI_TASK, 2, new int[] {0, 8}, new SeededRandom(3));

        assertThat(classesOf(Arrays.copyOfRange(order, 0, 240))).isEqualTo(Set.of(0, 1, 2, 3, 4, 5, 6, 7));
        assertThat(classesOf(Arrays.copyOfRange(order, 240, 300))).isEqualTo(Set.of(8, 9));
    }

    @Test
    void rejectsFewerThanOneClassPerStage() {
        assertThatThrownBy(() -> StreamOrders.order(LABELS, StreamOrder.CLASS_INCREMENTAL, 0, new SeededRandom(1)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("--stage-classes was 0 but must be >= 1");
    }

    @Test
    void rejectsANegativeLabel() {
        assertThatThrownBy(() -> StreamOrders.order(new int[] {0, -2}, StreamOrder.CLASS_INCREMENTAL, 1,
                new SeededRandom(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("label of example 1 was -2 but must be >= 0");
    }

    @Test
    void handlesAnEmptyDataset() {
        for (StreamOrder order : StreamOrder.values()) {
            assertThat(StreamOrders.order(new int[0], order, 2, new SeededRandom(1))).isEmpty();
        }
    }

    @Test
    void parsesCliNamesAndRejectsOthersListingTheAllowedOnes() {
        assertThat(StreamOrder.parse("iid")).isEqualTo(StreamOrder.IID);
        assertThat(StreamOrder.parse(" Class-Incremental ")).isEqualTo(StreamOrder.CLASS_INCREMENTAL);
        assertThat(StreamOrder.parse("file")).isEqualTo(StreamOrder.FILE);
        assertThat(StreamOrder.parse("Multi-Task")).isEqualTo(StreamOrder.MULTI_TASK);
        assertThat(StreamOrder.MULTI_TASK.cliName()).isEqualTo("multi-task");
        assertThat(StreamOrder.CLASS_INCREMENTAL.cliName()).isEqualTo("class-incremental");
        assertThatThrownBy(() -> StreamOrder.parse("random"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("stream order was 'random' but must be one of iid, class-incremental, file, multi-task");
        assertThatThrownBy(() -> StreamOrder.parse(null)).isInstanceOf(ConfigurationException.class);
    }

    private static Set<Integer> classesOf(int[] indices) {
        Set<Integer> classes = new HashSet<>();
        for (int i : indices) {
            classes.add(LABELS[i]);
        }
        return classes;
    }

    /** A stage sorted by class, or in file order, would not be shuffled together. */
    private static void assertShuffledWithinStage(int[] stageOrder) {
        int[] firstHalfLabels = Arrays.stream(stageOrder, 0, stageOrder.length / 2).map(i -> LABELS[i]).toArray();
        assertThat(Arrays.stream(firstHalfLabels).distinct().count()).isGreaterThan(1);
        assertThat(stageOrder).isNotEqualTo(sorted(stageOrder));
    }

    private static int[] sorted(int[] values) {
        int[] copy = values.clone();
        Arrays.sort(copy);
        return copy;
    }
}
