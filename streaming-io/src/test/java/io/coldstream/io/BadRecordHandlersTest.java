package io.coldstream.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coldstream.core.ConfigurationException;
import io.coldstream.core.DataException;
import io.coldstream.core.DatasetNotFoundException;
import io.coldstream.core.Shape;
import io.coldstream.core.StreamPosition;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BadRecordHandlersTest {

    private static final ExampleCodec CODEC = new ExampleCodec(new Shape(1, 2, 3), 10);

    @TempDir
    Path dir;

    /** Decodes a bad record and hands it to the handler, as a source does. */
    private static void feed(BadRecordHandler handler, byte[] record, int offset, int length, StreamPosition at) {
        try {
            CODEC.decode(record, offset, length, at);
            throw new AssertionError("record at " + at + " decoded but the test needs a bad one");
        } catch (BadRecordException problem) {
            handler.handle(record, offset, length, at, problem);
        }
    }

    private static byte[] badLabel() {
        return StreamRecords.uint8(12, 1, 2, 3, new byte[6]);
    }

    private static byte[] badMagic() {
        byte[] record = StreamRecords.uint8(1, 1, 2, 3, new byte[6]);
        record[0] = 'X';
        return record;
    }

    @Test
    void failStopsWithTheRecordsPositionReasonAndProblem() {
        BadRecordHandler fail = BadRecordHandlers.fail();
        byte[] record = badLabel();

        assertThatThrownBy(() -> feed(fail, record, 0, record.length, new StreamPosition("queue", 41)))
                .isInstanceOf(DataException.class)
                .isNotInstanceOf(BadRecordException.class)
                .hasMessage("stopped at bad record at queue@41 (label-out-of-range): label was 12 but must be in"
                        + " [0, 10); the bad-record policy is 'fail' (use 'skip' to count and quarantine bad"
                        + " records and go on)")
                .hasCauseInstanceOf(BadRecordException.class);
        assertThat(fail.count()).isEqualTo(1);
        assertThat(fail.count(BadRecordReason.LABEL_OUT_OF_RANGE)).isEqualTo(1);
        assertThat(fail.describe()).isEqualTo("fail");
    }

    @Test
    void skipCountsByReasonAndGoesOn() {
        try (BadRecordHandler skip = BadRecordHandlers.skip()) {
            for (int i = 0; i < 3; i++) {
                byte[] record = badLabel();
                feed(skip, record, 0, record.length, new StreamPosition("p", i));
            }
            byte[] magic = badMagic();
            feed(skip, magic, 0, magic.length, new StreamPosition("p", 3));

            assertThat(skip.count()).isEqualTo(4);
            assertThat(skip.count(BadRecordReason.LABEL_OUT_OF_RANGE)).isEqualTo(3);
            assertThat(skip.count(BadRecordReason.BAD_MAGIC)).isEqualTo(1);
            assertThat(skip.count(BadRecordReason.TRUNCATED)).isZero();
            assertThat(skip.describe()).isEqualTo("skip");
        }
    }

    @Test
    void skipQuarantinesTheRawBytesWithPositionAndReason() {
        Path quarantine = dir.resolve("bad");
        byte[] label = badLabel();
        byte[] framed = StreamRecords.concat(StreamRecords.concat(new byte[] {7, 7}, badMagic()), (byte) 7);
        try (BadRecordHandler skip = BadRecordHandlers.skip(quarantine)) {
            assertThat(quarantine).doesNotExist();
            feed(skip, label, 0, label.length, new StreamPosition("queue", 100));
            feed(skip, framed, 2, framed.length - 3, new StreamPosition("topic-3", 5));
            assertThat(skip.count()).isEqualTo(2);
            assertThat(skip.describe()).isEqualTo("skip (quarantine: " + quarantine + ")");
        }

        List<DeadLetter> letters = DeadLetters.readAll(quarantine);

        assertThat(letters).hasSize(2);
        assertThat(letters.get(0).position()).isEqualTo(new StreamPosition("queue", 100));
        assertThat(letters.get(0).reason()).isEqualTo(BadRecordReason.LABEL_OUT_OF_RANGE);
        assertThat(letters.get(0).detail()).isEqualTo("label was 12 but must be in [0, 10)");
        assertThat(letters.get(0).record()).isEqualTo(label);
        assertThat(letters.get(1).position()).isEqualTo(new StreamPosition("topic-3", 5));
        assertThat(letters.get(1).reason()).isEqualTo(BadRecordReason.BAD_MAGIC);
        assertThat(letters.get(1).record()).isEqualTo(Arrays.copyOfRange(framed, 2, framed.length - 1));
        assertThat(letters.get(1).index()).isGreaterThan(letters.get(0).index());
    }

    @Test
    void skipAppendsToAnExistingQuarantineAcrossHandlers() {
        Path quarantine = dir.resolve("bad");
        for (int run = 0; run < 2; run++) {
            try (BadRecordHandler skip = BadRecordHandlers.skip(quarantine)) {
                byte[] record = badLabel();
                feed(skip, record, 0, record.length, new StreamPosition("queue", run));
            }
        }

        assertThat(DeadLetters.readAll(quarantine)).extracting(l -> l.position().offset()).containsExactly(0L, 1L);
    }

    @Test
    void aSkipHandlerWithoutBadRecordsCreatesNoQuarantine() {
        Path quarantine = dir.resolve("never");
        BadRecordHandlers.skip(quarantine).close();

        assertThat(quarantine).doesNotExist();
        assertThatThrownBy(() -> DeadLetters.readAll(quarantine)).isInstanceOf(DatasetNotFoundException.class)
                .hasMessageContaining(quarantine.toString());
    }

    @Test
    void deadLettersRejectsAFolderWithoutAQueue() throws Exception {
        Files.writeString(dir.resolve("notes.txt"), "not a queue");

        assertThatThrownBy(() -> DeadLetters.readAll(dir)).isInstanceOf(DataException.class)
                .hasMessageContaining("holds files but no Chronicle Queue");
    }

    @Test
    void parsesPoliciesAndRejectsOthersNamingTheAllowedOnes() {
        assertThat(BadRecordHandlers.parse("skip", null).describe()).isEqualTo("skip");
        assertThat(BadRecordHandlers.parse(" SKIP ", dir).describe()).isEqualTo("skip (quarantine: " + dir + ")");
        assertThat(BadRecordHandlers.parse("fail", dir).describe()).isEqualTo("fail");
        assertThatThrownBy(() -> BadRecordHandlers.parse("ignore", dir)).isInstanceOf(ConfigurationException.class)
                .hasMessage("bad-record policy was 'ignore' but must be one of skip (count, quarantine and go on),"
                        + " fail (stop at the first bad record)");
        assertThatThrownBy(() -> BadRecordHandlers.parse(null, dir)).isInstanceOf(ConfigurationException.class);
    }
}
