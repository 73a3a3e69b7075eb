package io.coldstream.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coldstream.core.DataException;
import io.coldstream.core.DatasetNotFoundException;
import io.coldstream.core.Example;
import io.coldstream.core.Shape;
import io.coldstream.core.StreamPosition;
import io.coldstream.testkit.Allocations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QueueSourceTest {

    private static final Shape MNIST = new Shape(1, 28, 28);
    private static final ExampleCodec CODEC = new ExampleCodec(MNIST, 10);

    @TempDir
    Path dir;

    private static Example example(int i) {
        return StreamRecords.example(10_000L + i, i % 10, MNIST);
    }

    private static long[] write(Path queue, int count) {
        long[] indices = new long[count];
        try (QueueSink sink = new QueueSink(queue)) {
            for (int i = 0; i < count; i++) {
                sink.write(example(i));
                indices[i] = sink.lastIndexWritten();
            }
            assertThat(sink.written()).isEqualTo(count);
        }
        return indices;
    }

    private static QueueSource open(Path queue, BadRecordHandler handler) {
        return new QueueSource(queue, CODEC, handler, false, null);
    }

    private static void assertIsExample(Example actual, int i, long index) {
        Example expected = example(i);
        assertThat(actual).as("example %d", i).isNotNull();
        assertThat(actual.id()).isEqualTo(expected.id());
        assertThat(actual.label()).isEqualTo(expected.label());
        assertThat(actual.pixels()).isEqualTo(expected.pixels());
        assertThat(actual.shape()).isEqualTo(MNIST);
        assertThat(actual.position()).isEqualTo(new StreamPosition("queue", index));
    }

    @Test
    void readsBackAThousandExamplesInOrderWithTheirQueueIndicesAsPositions() {
        Path queue = dir.resolve("q");
        long[] indices = write(queue, 1000);

        try (QueueSource source = open(queue, BadRecordHandlers.fail())) {
            assertThat(source.remaining()).isEqualTo(OptionalLong.of(1000));
            for (int i = 0; i < 1000; i++) {
                assertIsExample(source.next(), i, indices[i]);
            }
            assertThat(source.next()).isNull();
            assertThat(source.lastIndexRead()).isEqualTo(indices[999]);
            assertThat(source.examplesRead()).isEqualTo(1000);
            assertThat(source.remaining()).isEqualTo(OptionalLong.of(0));
            assertThat(source.shape()).isEqualTo(MNIST);
            assertThat(source.numClasses()).isEqualTo(10);
            assertThat(source.describe()).isEqualTo("queue:" + queue + " (to current end, bad records: fail)");
        }
        for (int i = 1; i < indices.length; i++) {
            assertThat(indices[i]).isGreaterThan(indices[i - 1]);
        }
    }

    @Test
    void seekAfterResumesJustAfterTheGivenIndex() {
        Path queue = dir.resolve("q");
        long[] indices = write(queue, 50);

        try (QueueSource source = open(queue, BadRecordHandlers.fail())) {
            source.seekAfter(indices[19]);
            assertThat(source.lastIndexRead()).isEqualTo(indices[19]);
            assertThat(source.remaining()).isEqualTo(OptionalLong.of(30));
            for (int i = 20; i < 50; i++) {
                assertIsExample(source.next(), i, indices[i]);
            }
            assertThat(source.next()).isNull();

            source.seekAfter(indices[0]);
            assertIsExample(source.next(), 1, indices[1]);
            source.seekAfter(indices[49]);
            assertThat(source.next()).isNull();
        }
    }

    @Test
    void seekAfterAnIndexTheQueueDoesNotHoldFailsNamingIt() {
        Path queue = dir.resolve("q");
        long[] indices = write(queue, 3);

        try (QueueSource source = open(queue, BadRecordHandlers.fail())) {
            long missing = indices[2] + 5;
            assertThatThrownBy(() -> source.seekAfter(missing)).isInstanceOf(DataException.class)
                    .hasMessageContaining("after queue index " + missing)
                    .hasMessageContaining("the queue holds no record there")
                    .hasMessageContaining(Long.toHexString(indices[0]));
            assertThatThrownBy(() -> source.seekAfter(-1)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void appendsAfterRecordsAlreadyInTheQueue() {
        Path queue = dir.resolve("q");
        long[] first = write(queue, 3);
        long[] second;
        try (QueueSink sink = new QueueSink(queue)) {
            sink.write(example(3));
            second = new long[] {sink.lastIndexWritten()};
            assertThat(sink.written()).isEqualTo(1);
        }

        try (QueueSource source = open(queue, BadRecordHandlers.fail())) {
            for (int i = 0; i < 3; i++) {
                assertIsExample(source.next(), i, first[i]);
            }
            assertIsExample(source.next(), 3, second[0]);
        }
    }

    @Test
    void followModeSeesRecordsAppendedAfterItStartedThenReturnsNullOnceIdle() throws Exception {
        Path queue = dir.resolve("q");
        Files.createDirectories(queue);
        int count = 200;
        Duration idle = Duration.ofMillis(1000);
        try (QueueSource source = new QueueSource(queue, CODEC, BadRecordHandlers.fail(), true, idle);
                QueueSink sink = new QueueSink(queue)) {
            long start = System.nanoTime();
            assertThat(source.next()).as("an empty queue, idle after 1 s").isNull();
            assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(idle.toNanos());
            // The sink is opened here, so that a slow first open cannot outlast the idle time; it
            // writes on another thread while this one waits in next().
            CompletableFuture<long[]> writer = CompletableFuture.supplyAsync(() -> {
                long[] indices = new long[count];
                try (sink) {
                    for (int i = 0; i < count; i++) {
                        if (i % 50 == 0) {
                            sleep(30);
                        }
                        sink.write(example(i));
                        indices[i] = sink.lastIndexWritten();
                    }
                }
                return indices;
            });
            List<Example> seen = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                Example e = source.next();
                assertThat(e).as("record %d of %d", i, count).isNotNull();
                seen.add(e);
            }
            long[] indices = writer.get(10, TimeUnit.SECONDS);
            for (int i = 0; i < count; i++) {
                assertIsExample(seen.get(i), i, indices[i]);
            }
            start = System.nanoTime();
            assertThat(source.next()).isNull();
            assertThat(System.nanoTime() - start).as("waited for the idle time").isGreaterThanOrEqualTo(
                    idle.toNanos());
        }
    }

    @Test
    void closeFromAnotherThreadWakesAWaitingNextWhichReturnsNull() throws Exception {
        Path queue = dir.resolve("q");
        write(queue, 1);
        QueueSource source = new QueueSource(queue, CODEC, BadRecordHandlers.fail(), true, null);
        assertThat(source.next()).isNotNull();
        CompletableFuture<Void> closer = CompletableFuture.runAsync(() -> {
            sleep(200);
            source.close();
        });

        long start = System.nanoTime();
        assertThat(source.next()).isNull();

        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(150));
        closer.get(5, TimeUnit.SECONDS);
        assertThat(source.next()).isNull();
        source.close();
        assertThat(source.remaining()).isEmpty();
        assertThatThrownBy(() -> source.seekAfter(0)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void anInterruptedReaderStillReadsWhatIsThereButStopsWaiting() {
        Path queue = dir.resolve("q");
        long[] indices = write(queue, 2);
        try (QueueSource source = new QueueSource(queue, CODEC, BadRecordHandlers.fail(), true, null)) {
            Thread.currentThread().interrupt();
            assertIsExample(source.next(), 0, indices[0]);
            assertIsExample(source.next(), 1, indices[1]);
            assertThat(source.next()).isNull();
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void skipsBadRecordsCountingAndQuarantiningThemAndNeverReturnsThem() {
        Path queue = dir.resolve("q");
        Path quarantine = dir.resolve("bad");
        byte[] badLabel = StreamRecords.uint8(99, 1, 28, 28, new byte[784]);
        byte[] good = ExampleCodec.encode(example(1));
        byte[] truncated = java.util.Arrays.copyOf(good, 100);
        List<Long> indices = new ArrayList<>();
        try (QueueSink sink = new QueueSink(queue)) {
            for (byte[] record : new byte[][] {ExampleCodec.encode(example(0)), badLabel, good, truncated,
                    new byte[] {0x00}, ExampleCodec.encode(example(2))}) {
                sink.writeRecord(record);
                indices.add(sink.lastIndexWritten());
            }
        }

        List<Example> returned = new ArrayList<>();
        try (BadRecordHandler skip = BadRecordHandlers.skip(quarantine);
                QueueSource source = open(queue, skip)) {
            for (Example e = source.next(); e != null; e = source.next()) {
                returned.add(e);
            }
            assertThat(skip.count()).isEqualTo(3);
            assertThat(skip.count(BadRecordReason.LABEL_OUT_OF_RANGE)).isEqualTo(1);
            assertThat(skip.count(BadRecordReason.TRUNCATED)).isEqualTo(1);
            assertThat(skip.count(BadRecordReason.BAD_MAGIC)).isEqualTo(1);
            assertThat(source.lastIndexRead()).isEqualTo(indices.get(5));
        }

        assertThat(returned).extracting(Example::id).containsExactly(10_000L, 10_001L, 10_002L);
        assertThat(returned).extracting(e -> e.position().offset())
                .containsExactly(indices.get(0), indices.get(2), indices.get(5));
        List<DeadLetter> letters = DeadLetters.readAll(quarantine);
        assertThat(letters).extracting(DeadLetter::position).containsExactly(
                new StreamPosition("queue", indices.get(1)), new StreamPosition("queue", indices.get(3)),
                new StreamPosition("queue", indices.get(4)));
        assertThat(letters.get(0).record()).isEqualTo(badLabel);
        assertThat(letters.get(1).record()).isEqualTo(truncated);
        assertThat(letters.get(2).record()).containsExactly(0x00);
    }

    @Test
    void theFailPolicyStopsAtTheFirstBadRecordNamingItsQueueIndex() {
        Path queue = dir.resolve("q");
        long badIndex;
        try (QueueSink sink = new QueueSink(queue)) {
            sink.write(example(0));
            sink.writeRecord(StreamRecords.uint8(99, 1, 28, 28, new byte[784]));
            badIndex = sink.lastIndexWritten();
        }

        try (QueueSource source = open(queue, BadRecordHandlers.fail())) {
            assertThat(source.next()).isNotNull();
            assertThatThrownBy(source::next).isInstanceOf(DataException.class)
                    .hasMessageStartingWith("stopped at bad record at queue@" + badIndex + " (label-out-of-range)");
        }
    }

    @Test
    void keepsRawRecordsByteForByteWhateverTheyHold() {
        Path queue = dir.resolve("q");
        byte[][] records = {
            {0x00}, {(byte) 0x8F}, {(byte) 0x8F, 0, 0, 0}, {0, 0, 0, 0, 0}, StreamRecords.pixels(3, 1001),
        };
        try (QueueSink sink = new QueueSink(queue)) {
            for (byte[] record : records) {
                sink.writeRecord(record);
            }
            assertThatThrownBy(() -> sink.writeRecord(new byte[0])).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("at least one byte");
        }
        try (BadRecordHandler skip = BadRecordHandlers.skip(dir.resolve("bad"));
                QueueSource source = open(queue, skip)) {
            assertThat(source.next()).isNull();
            assertThat(skip.count()).isEqualTo(records.length);
        }

        assertThat(DeadLetters.readAll(dir.resolve("bad"))).extracting(DeadLetter::record)
                .containsExactly(records);
    }

    @Test
    void aMissingFolderIsADatasetNotFoundNamingIt() {
        Path missing = dir.resolve("nowhere");

        assertThatThrownBy(() -> open(missing, BadRecordHandlers.fail()))
                .isInstanceOf(DatasetNotFoundException.class).hasMessageContaining(missing.toString());
        assertThat(missing).doesNotExist();
    }

    @Test
    void aFolderWithOtherFilesButNoQueueIsRejected() throws Exception {
        Files.writeString(dir.resolve("train-images-idx3-ubyte"), "not a queue");

        assertThatThrownBy(() -> open(dir, BadRecordHandlers.fail())).isInstanceOf(DataException.class)
                .hasMessageContaining("holds files but no Chronicle Queue");
        assertThat(dir.resolve(ChronicleQueues.METADATA_FILE)).doesNotExist();
    }

    @Test
    void aSinkRefusesAFileAndWritesAfterClose() throws Exception {
        Path file = Files.writeString(dir.resolve("file"), "x");

        assertThatThrownBy(() -> new QueueSink(file)).isInstanceOf(DataException.class)
                .hasMessageContaining("is a file");
        QueueSink sink = new QueueSink(dir.resolve("q"));
        sink.close();
        sink.close();
        assertThatThrownBy(() -> sink.write(example(0))).isInstanceOf(IllegalStateException.class);
        assertThat(sink.describe()).isEqualTo("queue:" + dir.resolve("q"));
    }

    @Test
    void leavesNoThreadsAndNoAnalyticsIdBehind() {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        Path queue = dir.resolve("q");
        write(queue, 10);
        try (BadRecordHandler skip = BadRecordHandlers.skip(dir.resolve("bad"));
                QueueSource source = new QueueSource(queue, CODEC, skip, true, Duration.ofMillis(10))) {
            while (source.next() != null) {
                assertThat(source.lastIndexRead()).isNotNegative();
            }
        }

        Set<String> added = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && !before.contains(t))
                .filter(t -> !t.getName().startsWith("ForkJoinPool"))
                .map(Thread::getName).collect(Collectors.toSet());
        assertThat(added).as("threads left running").isEmpty();
        assertThat(Path.of(System.getProperty("user.home"), ".chronicle.analytics.client.id")).doesNotExist();
        assertThat(System.getProperty("chronicle.analytics.disable")).isEqualTo("true");
    }

    @Test
    void writingAndReadingTensorRecordsAllocatesOnlyTheReturnedExamples() {
        Shape small = new Shape(1, 8, 8);
        ExampleCodec codec = new ExampleCodec(small, 10);
        Example e = StreamRecords.example(1, 1, small);
        Path queue = dir.resolve("q");
        long writeBytes;
        try (QueueSink sink = new QueueSink(queue)) {
            for (int i = 0; i < 20_000; i++) {
                sink.write(e);
            }
            writeBytes = Allocations.bytesAllocatedBy(() -> {
                for (int i = 0; i < 10_000; i++) {
                    sink.write(e);
                }
            });
        }
        long readBytes;
        long[] sum = {0};
        try (QueueSource source = new QueueSource(queue, codec, BadRecordHandlers.fail(), false, null)) {
            for (int i = 0; i < 20_000; i++) {
                sum[0] += source.next().label();
            }
            readBytes = Allocations.bytesAllocatedBy(() -> {
                for (int i = 0; i < 10_000; i++) {
                    sum[0] += source.next().label();
                }
            });
        }

        // Chronicle's own indexing allocates a few dozen bytes every few appends (~2 bytes per append
        // measured); the encoding and the document write themselves allocate nothing.
        assertThat(writeBytes).as("bytes allocated by 10,000 appends").isLessThan(40_000);
        // Per read: the 64-byte pixel array (+16), the Example (<= 48) and its StreamPosition (<= 32).
        assertThat(readBytes).as("bytes allocated by 10,000 reads (label sum %d)", sum[0])
                .isLessThanOrEqualTo(10_000L * (64 + 16 + 48 + 32) + 1024);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
