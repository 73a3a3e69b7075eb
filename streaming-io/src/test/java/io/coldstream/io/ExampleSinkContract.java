package io.coldstream.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.coldstream.core.Example;
import io.coldstream.core.Shape;
import io.coldstream.core.StreamPosition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The {@link ExampleSink} protocol, which every sink's test extends (STYLE rule 8): what a sink
 * writes, the matching source reads back with the same ids, labels and pixels; {@link
 * ExampleSink#written()} counts; {@link ExampleSink#close()} is idempotent.
 *
 * <p>A subclass gives a fresh, empty stream for each test ({@link #openSink()}) and the source
 * that reads it ({@link #openSource()}). Public, and in the test-jar, so that sinks of later
 * modules run it too.
 */
public abstract class ExampleSinkContract {

    /** The shape of the examples written. */
    protected static final Shape SHAPE = new Shape(1, 5, 3);
    /** The number of classes of the examples written. */
    protected static final int CLASSES = 7;

    private static final int COUNT = 40;
    private static final Duration DELIVERY = Duration.ofSeconds(60);

    /**
     * @return a sink on this test's stream, empty so far; the test closes it
     * @throws Exception if the stream cannot be opened
     */
    protected abstract ExampleSink openSink() throws Exception;

    /**
     * @return a source reading this test's stream from its start, decoding examples of
     *     {@link #SHAPE} and {@link #CLASSES}; the test closes it
     * @throws Exception if the stream cannot be opened
     */
    protected abstract ExampleSource openSource() throws Exception;

    private static Example example(int i) {
        byte[] pixels = new byte[SHAPE.elementCount()];
        for (int j = 0; j < pixels.length; j++) {
            pixels[j] = (byte) (i * 31 + j * 7);
        }
        return new Example(1_000L + i, i % CLASSES, SHAPE, pixels, new StreamPosition("elsewhere", 5));
    }

    /** Reads {@code n} examples by id, allowing {@code null}s (nothing yet) for up to {@link #DELIVERY}. */
    private Map<Long, Example> readBack(int n) throws Exception {
        Map<Long, Example> byId = new HashMap<>();
        Map<String, Long> previous = new HashMap<>();
        try (ExampleSource source = openSource()) {
            long deadline = System.nanoTime() + DELIVERY.toNanos();
            while (byId.size() < n) {
                Example e = source.next();
                if (e == null) {
                    assertThat(source.bounded()).as("the stream ended after %d of %d", byId.size(), n).isFalse();
                    assertThat(System.nanoTime()).as("%d of %d examples read back", byId.size(), n).isLessThan(deadline);
                    continue;
                }
                assertThat(byId.put(e.id(), e)).as("id %d read twice", e.id()).isNull();
                Long before = previous.put(e.position().partition(), e.position().offset());
                if (before != null) {
                    assertThat(e.position().offset()).isGreaterThan(before);
                }
            }
            assertThat(source.next()).as("nothing more than was written").isNull();
        }
        return byId;
    }

    @Test
    void whatIsWrittenReadsBackWithItsIdsLabelsAndPixels() throws Exception {
        List<Example> written = new ArrayList<>();
        try (ExampleSink sink = openSink()) {
            assertThat(sink.written()).isZero();
            for (int i = 0; i < COUNT; i++) {
                Example e = example(i);
                sink.write(e);
                written.add(e);
                assertThat(sink.written()).isEqualTo(i + 1);
            }
        }

        Map<Long, Example> read = readBack(COUNT);
        for (Example e : written) {
            Example back = read.get(e.id());
            assertThat(back).as("id %d", e.id()).isNotNull();
            assertThat(back.label()).isEqualTo(e.label());
            assertThat(back.shape()).isEqualTo(SHAPE);
            assertThat(back.pixels()).isEqualTo(e.pixels());
            assertThat(back.position().partition()).as("the stream gives a new position").isNotEqualTo("elsewhere");
        }
    }

    @Test
    void writeRecordAppendsAnEncodedRecordAsItIs() throws Exception {
        try (ExampleSink sink = openSink()) {
            sink.write(example(0));
            sink.writeRecord(ExampleCodec.encode(example(1)));
            assertThat(sink.written()).isEqualTo(2);
        }

        Map<Long, Example> read = readBack(2);
        assertThat(read.keySet()).containsExactlyInAnyOrder(1_000L, 1_001L);
        assertThat(read.get(1_001L).pixels()).isEqualTo(example(1).pixels());
    }

    @Test
    void closeIsIdempotentAndKeepsTheCount() throws Exception {
        ExampleSink sink = openSink();
        sink.write(example(3));
        sink.close();
        assertThatCode(sink::close).doesNotThrowAnyException();
        assertThat(sink.written()).isEqualTo(1);
        assertThat(sink.describe()).isNotBlank();
        assertThat(readBack(1)).containsOnlyKeys(1_003L);
    }
}
