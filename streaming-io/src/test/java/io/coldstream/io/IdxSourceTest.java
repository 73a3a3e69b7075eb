package io.coldstream.io;

import static io.coldstream.testkit.IdxFiles.images;
import static io.coldstream.testkit.IdxFiles.labels;
import static io.coldstream.testkit.IdxFiles.pattern;
import static io.coldstream.testkit.IdxFiles.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coldstream.core.Example;
import io.coldstream.core.SeededRandom;
import io.coldstream.core.Shape;
import io.coldstream.core.StreamPosition;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.OptionalLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxSourceTest {

    private static final byte[] LABELS = {3, 1, 0, 2, 1, 0};
    private static final byte[] PIXELS = pattern(LABELS.length * 4);

    @TempDir
    Path dir;

    private IdxDataset data;

    @BeforeEach
    void writeDataset() {
        data = IdxDataset.read(write(dir.resolve("train-images-idx3-ubyte"), images(LABELS.length, 2, 2, PIXELS)),
                write(dir.resolve("train-labels-idx1-ubyte"), labels(LABELS)));
    }

    @Test
    void streamsInTheGivenOrderWithStreamPositionsAndFileIds() {
        int[] order = {4, 0, 5, 1, 3, 2};
        try (IdxSource source = new IdxSource(data, order, 0, "train")) {
            for (int i = 0; i < order.length; i++) {
                Example example = source.next();
                assertThat(example.id()).isEqualTo(order[i]);
                assertThat(example.label()).isEqualTo(LABELS[order[i]]);
                assertThat(example.position()).isEqualTo(new StreamPosition("train", i));
                assertThat(example.pixels()).isEqualTo(Arrays.copyOfRange(PIXELS, order[i] * 4, order[i] * 4 + 4));
            }
            assertThat(source.next()).isNull();
            assertThat(source.next()).isNull();
        }
    }

    @Test
    void stopsAtTheLimitAndCountsDownRemaining() {
        IdxSource source = new IdxSource(data, new int[] {5, 4, 3, 2, 1, 0}, 4, "p");

        assertThat(source.remaining()).isEqualTo(OptionalLong.of(4));
        assertThat(source.streamLength()).isEqualTo(4);
        for (int i = 0; i < 4; i++) {
            assertThat(source.next().id()).isEqualTo(5 - i);
            assertThat(source.emitted()).isEqualTo(i + 1);
            assertThat(source.remaining()).isEqualTo(OptionalLong.of(3 - i));
        }
        assertThat(source.next()).isNull();
        assertThat(source.emitted()).isEqualTo(4);
        assertThat(source.remaining()).isEqualTo(OptionalLong.of(0));
    }

    @Test
    void aLimitAboveTheOrderLengthStreamsEverything() {
        IdxSource source = new IdxSource(data, new int[] {1, 2}, 100, "p");

        assertThat(source.remaining()).isEqualTo(OptionalLong.of(2));
        assertThat(source.next().id()).isEqualTo(1);
        assertThat(source.next().id()).isEqualTo(2);
        assertThat(source.next()).isNull();
    }

    @Test
    void seeksToResumeAfterACheckpointedPosition() {
        int[] order = {2, 3, 4, 5, 0, 1};
        IdxSource first = new IdxSource(data, order, 0, "train");
        first.next();
        StreamPosition checkpointed = first.next().position();

        IdxSource resumed = new IdxSource(data, order, 0, "train");
        resumed.seek(checkpointed.offset() + 1);
        Example next = resumed.next();

        assertThat(next.position()).isEqualTo(new StreamPosition("train", 2));
        assertThat(next.id()).isEqualTo(4);
        assertThat(resumed.remaining()).isEqualTo(OptionalLong.of(3));
        assertThatThrownBy(() -> resumed.seek(7)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("seek offset was 7 but must be in [0, 6]");
    }

    @Test
    void isNotChangedByLaterWritesToTheOrderArray() {
        int[] order = {0, 1};
        IdxSource source = new IdxSource(data, order, 0, "p");
        order[0] = 5;

        assertThat(source.next().id()).isZero();
    }

    @Test
    void rejectsAnOrderIndexOutsideTheDataset() {
        assertThatThrownBy(() -> new IdxSource(data, new int[] {0, 6}, 0, "p"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("order[1] was 6 but must be an index in [0, 6)");
        assertThatThrownBy(() -> new IdxSource(data, new int[] {0}, 0, " "))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void reportsShapeClassesAndADescription() {
        IdxSource source = IdxSource.ordered(data, StreamOrder.IID, 1, new SeededRandom(1), 0, "train");

        assertThat(source.shape()).isEqualTo(new Shape(1, 2, 2));
        assertThat(source.numClasses()).isEqualTo(4);
        assertThat(source.describe()).isEqualTo("idx:" + dir.toAbsolutePath() + " (iid, 6 examples)");
        assertThat(IdxSource.ordered(data, StreamOrder.CLASS_INCREMENTAL, 2, new SeededRandom(1), 3, "train")
                .describe()).isEqualTo("idx:" + dir.toAbsolutePath()
                        + " (class-incremental, 2 classes per stage, over a seeded subset of 3, 3 examples)");
    }

    @Test
    void orderedStreamsFollowTheSeededOrder() {
        IdxSource source = IdxSource.ordered(data, StreamOrder.CLASS_INCREMENTAL, 2, new SeededRandom(9), 0, "train");
        int[] expected = StreamOrders.order(data.labels(), StreamOrder.CLASS_INCREMENTAL, 2, new SeededRandom(9));

        for (int index : expected) {
            assertThat(source.next().id()).isEqualTo(index);
        }
        assertThat(source.next()).isNull();
    }

    @Test
    void refusesToReadAfterClose() {
        IdxSource source = new IdxSource(data, new int[] {0}, 0, "p");
        source.close();
        source.close();

        assertThatThrownBy(source::next).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void aLimitedClassIncrementalStreamStillBringsEveryClassInStages() {
        int n = 400;
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) {
            labels[i] = (byte) (i % 4);
        }
        IdxDataset many = IdxDataset.read(write(dir.resolve("m-images"), images(n, 1, 1, pattern(n))),
                write(dir.resolve("m-labels"), labels(labels)));
        try (IdxSource source = IdxSource.ordered(many, StreamOrder.CLASS_INCREMENTAL, 2, new SeededRandom(3), 40,
                "train")) {
            int[] seen = new int[40];
            java.util.Set<Long> ids = new java.util.HashSet<>();
            for (int i = 0; i < 40; i++) {
                Example e = source.next();
                seen[i] = e.label();
                ids.add(e.id());
            }
            assertThat(source.next()).isNull();
            assertThat(ids).hasSize(40);
            // classes 0 and 1 first, then 2 and 3; all four arrive
            int firstLate = 0;
            while (seen[firstLate] < 2) {
                firstLate++;
            }
            assertThat(Arrays.stream(seen, 0, firstLate)).allMatch(l -> l < 2);
            assertThat(Arrays.stream(seen, firstLate, 40)).allMatch(l -> l >= 2);
            assertThat(Arrays.stream(seen).distinct().sorted().toArray()).containsExactly(0, 1, 2, 3);
            assertThat(source.describe()).contains("over a seeded subset of 40");
        }
    }

    @Test
    void streamOrderIsTheOrderOrderedStreamsForEveryOrderAndLimit() {
        for (StreamOrder order : StreamOrder.values()) {
            for (long limit : new long[] {0, 4, 6, 9}) {
                int[] planned = IdxSource.streamOrder(data, order, 2, new SeededRandom(13), limit);
                try (IdxSource source = IdxSource.ordered(data, order, 2, new SeededRandom(13), limit, "train")) {
                    assertThat(planned).as(order + " limit " + limit)
                            .hasSize((int) source.streamLength());
                    for (int id : planned) {
                        assertThat(source.next().id()).isEqualTo(id);
                    }
                    assertThat(source.next()).isNull();
                }
            }
        }
    }

    @Test
    void aMultiTaskStreamOfOneDatasetIsTheIidStreamLimitIncluded() {
        for (long limit : new long[] {0, 4}) {
            assertThat(IdxSource.streamOrder(data, StreamOrder.MULTI_TASK, 2, new SeededRandom(5), limit))
                    .isEqualTo(IdxSource.streamOrder(data, StreamOrder.IID, 2, new SeededRandom(5), limit));
        }
        assertThat(IdxSource.ordered(data, StreamOrder.MULTI_TASK, 2, new SeededRandom(5), 4, "train").describe())
                .endsWith("(multi-task, 1 task, 4 examples)");
    }
}
