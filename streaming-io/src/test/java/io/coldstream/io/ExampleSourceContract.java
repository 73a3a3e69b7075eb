package io.coldstream.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.coldstream.core.Example;
import io.coldstream.core.Shape;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The {@link ExampleSource} protocol, which every source's test extends (STYLE rule 8): examples
 * come with positions increasing per partition, {@link ExampleSource#lastPositions()} follows
 * what was returned, {@link ExampleSource#seek} with those positions on a fresh source continues
 * exactly after them, {@link ExampleSource#bounded()} says what {@code null} means, and
 * {@link ExampleSource#close()} is idempotent.
 *
 * <p>A subclass gives a fixture: a stream of {@link #streamLength()} examples with distinct ids,
 * which every {@link #open()} reads afresh from its start. Public, and in the test-jar, so that
 * sources of later modules run it too.
 */
public abstract class ExampleSourceContract {

    /** How long a test waits for an unbounded source to deliver what its fixture holds. */
    protected static final Duration DELIVERY = Duration.ofSeconds(60);

    /**
     * @return a fresh source over the fixture, at its start; the test closes it
     * @throws Exception if the fixture cannot be opened
     */
    protected abstract ExampleSource open() throws Exception;

    /** @return how many examples the fixture holds, {@code >= 3} */
    protected abstract int streamLength();

    /** @return whether the source is {@link ExampleSource#bounded()} */
    protected abstract boolean expectBounded();

    /** @return the shape every example has */
    protected abstract Shape expectedShape();

    /** @return the number of classes the source reports */
    protected abstract int expectedNumClasses();

    /**
     * @param id an example's id
     * @return the example the fixture holds with that id (its position is not compared)
     */
    protected abstract Example expected(long id);

    /**
     * Reads {@code n} examples: a bounded source must deliver them without a {@code null}; an
     * unbounded one may return {@code null} while they are on their way, for up to {@link #DELIVERY}.
     */
    protected final List<Example> read(ExampleSource source, int n) {
        List<Example> seen = new ArrayList<>();
        long deadline = System.nanoTime() + DELIVERY.toNanos();
        while (seen.size() < n) {
            Example e = source.next();
            if (e != null) {
                seen.add(e);
                continue;
            }
            assertThat(expectBounded()).as("a bounded source returned null after %d of %d examples", seen.size(), n)
                    .isFalse();
            assertThat(System.nanoTime()).as("%d of %d examples within %s", seen.size(), n, DELIVERY)
                    .isLessThan(deadline);
        }
        return seen;
    }

    /** Per partition, the examples' (offset, id) pairs in the order they came. */
    private static Map<String, List<long[]>> byPartition(List<Example> examples) {
        Map<String, List<long[]>> result = new LinkedHashMap<>();
        for (Example e : examples) {
            result.computeIfAbsent(e.position().partition(), p -> new ArrayList<>())
                    .add(new long[] {e.position().offset(), e.id()});
        }
        return result;
    }

    private static Map<String, Long> last(List<Example> examples) {
        Map<String, Long> last = new HashMap<>();
        for (Example e : examples) {
            last.put(e.position().partition(), e.position().offset());
        }
        return last;
    }

    @Test
    void returnsEveryExampleOnceWithPositionsIncreasingPerPartition() throws Exception {
        try (ExampleSource source = open()) {
            List<Example> all = read(source, streamLength());

            Set<Long> ids = new HashSet<>();
            Map<String, Long> previous = new HashMap<>();
            for (Example e : all) {
                assertThat(ids.add(e.id())).as("id %d returned twice", e.id()).isTrue();
                Example expected = expected(e.id());
                assertThat(e.label()).as("label of id %d", e.id()).isEqualTo(expected.label());
                assertThat(e.pixels()).as("pixels of id %d", e.id()).isEqualTo(expected.pixels());
                assertThat(e.shape()).isEqualTo(expectedShape());
                assertThat(e.label()).isBetween(0, source.numClasses() - 1);
                Long before = previous.put(e.position().partition(), e.position().offset());
                if (before != null) {
                    assertThat(e.position().offset()).as("offset in %s", e.position().partition())
                            .isGreaterThan(before);
                }
            }
        }
    }

    @Test
    void lastPositionsIsEmptyAtFirstThenFollowsWhatWasReturned() throws Exception {
        try (ExampleSource source = open()) {
            assertThat(source.lastPositions()).isEmpty();
            Map<String, Long> expected = new HashMap<>();
            for (int i = 0; i < streamLength(); i++) {
                Example e = read(source, 1).get(0);
                expected.put(e.position().partition(), e.position().offset());
                assertThat(source.lastPositions()).as("after %s", e.position()).isEqualTo(expected);
            }
        }
    }

    @Test
    void seekToLastPositionsOnAFreshSourceContinuesExactlyAfterThem() throws Exception {
        List<Example> all;
        try (ExampleSource source = open()) {
            all = read(source, streamLength());
        }
        int cut = streamLength() / 3;
        Map<String, Long> checkpoint;
        List<Example> head;
        try (ExampleSource source = open()) {
            head = read(source, cut);
            checkpoint = source.lastPositions();
        }
        assertThat(checkpoint).isEqualTo(last(head));

        List<Example> rest;
        try (ExampleSource resumed = open()) {
            resumed.seek(checkpoint);
            assertThat(resumed.lastPositions()).as("right after the seek").isEqualTo(checkpoint);
            rest = read(resumed, streamLength() - cut);
            assertThat(resumed.lastPositions()).isEqualTo(last(all));
        }

        // Per partition, what comes after the seek is exactly what followed the checkpoint in the
        // first reading (partitions may interleave differently).
        Map<String, List<long[]>> expected = new LinkedHashMap<>();
        byPartition(all).forEach((partition, entries) -> {
            Long after = checkpoint.get(partition);
            List<long[]> tail = entries.stream().filter(x -> after == null || x[0] > after).toList();
            if (!tail.isEmpty()) {
                expected.put(partition, tail);
            }
        });
        Map<String, List<long[]>> actual = byPartition(rest);
        assertThat(actual.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
        expected.forEach((partition, entries) -> assertThat(actual.get(partition))
                .as("partition %s after %s", partition, checkpoint.get(partition))
                .containsExactlyElementsOf(entries));
    }

    @Test
    void seekWithAnEmptyMapReadsFromTheStart() throws Exception {
        Set<Long> first;
        try (ExampleSource source = open()) {
            first = ids(read(source, streamLength()));
        }
        try (ExampleSource source = open()) {
            source.seek(Map.of());
            assertThat(source.lastPositions()).isEmpty();
            assertThat(ids(read(source, streamLength()))).isEqualTo(first);
        }
    }

    @Test
    void afterEverythingNextReturnsNullAndBoundedSaysWhatThatMeans() throws Exception {
        Map<String, Long> end;
        try (ExampleSource source = open()) {
            assertThat(source.bounded()).isEqualTo(expectBounded());
            read(source, streamLength());
            end = source.lastPositions();
            assertThat(source.next()).as("after the whole fixture").isNull();
            assertThat(source.lastPositions()).as("a null moves nothing").isEqualTo(end);
            if (source.bounded()) {
                assertThat(source.next()).as("a bounded source stays ended").isNull();
                assertThat(source.remaining()).hasValue(0);
            }
        }
        try (ExampleSource resumed = open()) {
            resumed.seek(end);
            assertThat(resumed.next()).as("resumed after the last example").isNull();
        }
    }

    @Test
    void commitOfReturnedPositionsIsAccepted() throws Exception {
        try (ExampleSource source = open()) {
            read(source, 2);
            Map<String, Long> positions = source.lastPositions();
            assertThatCode(() -> source.commit(positions)).doesNotThrowAnyException();
            assertThatCode(() -> source.commit(Map.of())).doesNotThrowAnyException();
            assertThat(source.lastPositions()).isEqualTo(positions);
        }
    }

    @Test
    void reportsShapeClassesAndADescription() throws Exception {
        try (ExampleSource source = open()) {
            assertThat(source.shape()).isEqualTo(expectedShape());
            assertThat(source.numClasses()).isEqualTo(expectedNumClasses());
            assertThat(source.describe()).isNotBlank();
        }
    }

    @Test
    void closeIsIdempotent() throws Exception {
        ExampleSource source = open();
        read(source, 1);
        source.close();
        assertThatCode(source::close).doesNotThrowAnyException();
    }

    private static Set<Long> ids(List<Example> examples) {
        Set<Long> ids = new HashSet<>();
        for (Example e : examples) {
            ids.add(e.id());
        }
        return ids;
    }
}
