package io.coldstream.io;

import static io.coldstream.io.StreamRecords.NOWHERE;
import static io.coldstream.io.StreamRecords.colour;
import static io.coldstream.io.StreamRecords.concat;
import static io.coldstream.io.StreamRecords.encoded;
import static io.coldstream.io.StreamRecords.example;
import static io.coldstream.io.StreamRecords.float32;
import static io.coldstream.io.StreamRecords.grey;
import static io.coldstream.io.StreamRecords.header;
import static io.coldstream.io.StreamRecords.image;
import static io.coldstream.io.StreamRecords.uint8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.coldstream.core.DataException;
import io.coldstream.core.Example;
import io.coldstream.core.Shape;
import io.coldstream.core.StreamPosition;
import io.coldstream.testkit.Allocations;
import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ExampleCodecTest {

    private static final Shape MNIST = new Shape(1, 28, 28);
    private static final Shape TINY = new Shape(1, 2, 3);
    private static final StreamPosition AT_7 = new StreamPosition("queue", 7);

    private final ExampleCodec mnist = new ExampleCodec(MNIST, 10);
    private final ExampleCodec tiny = new ExampleCodec(TINY, 10);

    /** Every reason a crafted record produced in this class; checked to cover the whole enum. */
    private static final Set<BadRecordReason> SEEN = EnumSet.noneOf(BadRecordReason.class);

    private BadRecordException reject(ExampleCodec codec, byte[] record, BadRecordReason reason) {
        BadRecordException e = catchThrowableOfType(BadRecordException.class,
                () -> codec.decode(record, 0, record.length, AT_7));
        assertThat(e).as("decoding should fail with %s", reason).isNotNull();
        assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason);
        assertThat(e.position()).isEqualTo(AT_7);
        assertThat(e.getMessage()).startsWith("bad record at queue@7 (" + reason.metricName() + "): ");
        assertThat(e).isInstanceOf(DataException.class);
        SEEN.add(reason);
        return e;
    }

    @Test
    void roundTripsUint8ExamplesWithTheirIds() {
        Example original = example(123_456_789_012L, 9, MNIST);
        byte[] record = ExampleCodec.encode(original);

        assertThat(record).hasSize(ExampleCodec.encodedLength(original)).hasSize(12 + 8 + 12 + 784);
        assertThat(Arrays.copyOf(record, 8)).containsExactly(0x43, 0x53, 0x45, 0x58, 1, 0, 1, 0);
        Example decoded = mnist.decode(record, 0, record.length, AT_7);
        assertThat(decoded.id()).isEqualTo(123_456_789_012L);
        assertThat(decoded.label()).isEqualTo(9);
        assertThat(decoded.shape()).isEqualTo(MNIST);
        assertThat(decoded.pixels()).isEqualTo(original.pixels()).isNotSameAs(record);
        assertThat(decoded.position()).isEqualTo(AT_7);
    }

    @Test
    void decodesARecordInTheMiddleOfALargerArray() {
        byte[] record = ExampleCodec.encode(example(5, 2, TINY));
        byte[] framed = concat(concat(new byte[] {9, 9, 9}, record), (byte) 9);

        Example decoded = tiny.decode(framed, 3, record.length, AT_7);

        assertThat(decoded.id()).isEqualTo(5);
        assertThat(decoded.pixels()).isEqualTo(StreamRecords.pixels(5, 6));
    }

    @Test
    void writesBigEndianFieldsAsTheReadmeDocuments() {
        byte[] record = ExampleCodec.encode(new Example(0x0102030405060708L, 0x0a, TINY,
                new byte[] {1, 2, 3, 4, 5, 6}, NOWHERE));

        ByteBuffer b = ByteBuffer.wrap(record);
        assertThat(b.getInt(8)).isEqualTo(10);
        assertThat(b.getLong(12)).isEqualTo(0x0102030405060708L);
        assertThat(b.getInt(20)).isEqualTo(1);
        assertThat(b.getInt(24)).isEqualTo(2);
        assertThat(b.getInt(28)).isEqualTo(3);
        assertThat(Arrays.copyOfRange(record, 32, 38)).containsExactly(1, 2, 3, 4, 5, 6);
    }

    @Test
    void givesAnIdlessRecordTheOffsetOfItsPositionAsId() {
        byte[] record = uint8(3, 1, 2, 3, new byte[] {0, 1, 2, 3, 4, (byte) 255});

        Example decoded = tiny.decode(record, 0, record.length, new StreamPosition("queue", 99));

        assertThat(decoded.id()).isEqualTo(99);
        assertThat(decoded.label()).isEqualTo(3);
        assertThat(decoded.pixels()).containsExactly(0, 1, 2, 3, 4, 255);
    }

    @Test
    void roundTripsFloat32FeaturesToUint8ByRoundingTimes255() {
        float[] values = {0f, 1f, 0.5f, 0.25f, 1f / 255f, 0.999f};
        byte[] record = ExampleCodec.encodeFloat(42, 1, TINY, values);

        assertThat(record).hasSize(20 + 12 + 4 * 6);
        assertThat(record[7]).isEqualTo((byte) ExampleCodec.ELEMENT_FLOAT32);
        Example decoded = tiny.decode(record, 0, record.length, AT_7);
        assertThat(decoded.id()).isEqualTo(42);
        assertThat(decoded.label()).isEqualTo(1);
        byte[] expected = new byte[6];
        for (int i = 0; i < 6; i++) {
            expected[i] = (byte) Math.round(values[i] * 255f);
        }
        assertThat(decoded.pixels()).isEqualTo(expected).containsExactly(0, 255, 128, 64, 1, 255);
    }

    @Test
    void roundTripsAGreyPngExactly() {
        BufferedImage picture = grey(28, 28);
        byte[] record = ExampleCodec.encodeImage(77, 4, encoded(picture, "png"));

        Example decoded = mnist.decode(record, 0, record.length, AT_7);

        assertThat(decoded.id()).isEqualTo(77);
        assertThat(decoded.label()).isEqualTo(4);
        assertThat(decoded.shape()).isEqualTo(MNIST);
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                assertThat(decoded.pixels()[y * 28 + x] & 0xff).isEqualTo((x * 9 + y * 5) & 0xff);
            }
        }
    }

    @Test
    void decodesAColourPngToRgbPlanesChannelsFirst() {
        Shape shape = new Shape(3, 6, 8);
        byte[] record = ExampleCodec.encodeImage(1, 0, encoded(colour(8, 6), "png"));

        Example decoded = new ExampleCodec(shape, 2).decode(record, 0, record.length, AT_7);

        byte[] p = decoded.pixels();
        for (int y = 0; y < 6; y++) {
            for (int x = 0; x < 8; x++) {
                int i = y * 8 + x;
                assertThat(p[i] & 0xff).isEqualTo(StreamRecords.red(x, 8));
                assertThat(p[48 + i] & 0xff).isEqualTo(StreamRecords.green(y, 6));
                assertThat(p[96 + i] & 0xff).isEqualTo(StreamRecords.BLUE);
            }
        }
    }

    @Test
    void decodesJpegToTheExpectedShapeWithValuesCloseToTheOriginal() {
        Shape colourShape = new Shape(3, 16, 24);
        byte[] colourRecord = ExampleCodec.encodeImage(2, 1, encoded(colour(24, 16), "jpeg"));
        byte[] greyRecord = ExampleCodec.encodeImage(3, 1, encoded(grey(28, 28), "jpeg"));

        Example c = new ExampleCodec(colourShape, 2).decode(colourRecord, 0, colourRecord.length, AT_7);
        Example g = mnist.decode(greyRecord, 0, greyRecord.length, AT_7);

        assertThat(c.shape()).isEqualTo(colourShape);
        assertThat(g.shape()).isEqualTo(MNIST);
        double error = 0;
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 24; x++) {
                int i = y * 24 + x;
                error += Math.abs((c.pixels()[i] & 0xff) - StreamRecords.red(x, 24));
                error += Math.abs((c.pixels()[384 + i] & 0xff) - StreamRecords.green(y, 16));
                error += Math.abs((c.pixels()[768 + i] & 0xff) - StreamRecords.BLUE);
            }
        }
        assertThat(error / (3 * 384)).as("mean absolute JPEG error").isLessThan(8);
        long greyError = 0;
        for (int i = 0; i < 784; i++) {
            greyError += Math.abs((g.pixels()[i] & 0xff) - (((i % 28) * 9 + (i / 28) * 5) & 0xff));
        }
        assertThat(greyError / 784.0).as("mean absolute grey JPEG error").isLessThan(40);
    }

    @Test
    void rejectsWrongMagicNamingTheBytesSeen() {
        byte[] record = ExampleCodec.encode(example(1, 1, TINY));
        record[0] = 'A';

        assertThat(reject(tiny, record, BadRecordReason.BAD_MAGIC).getMessage())
                .contains("0x41534558").contains("0x43534558");
    }

    @Test
    void rejectsAnUnknownVersion() {
        byte[] record = ExampleCodec.encode(example(1, 1, TINY));
        record[4] = 2;

        assertThat(reject(tiny, record, BadRecordReason.UNKNOWN_VERSION).detail())
                .isEqualTo("format version was 2 but this reader knows only version 1");
    }

    @Test
    void rejectsAnUnknownKind() {
        byte[] record = ExampleCodec.encode(example(1, 1, TINY));
        record[5] = 7;

        assertThat(reject(tiny, record, BadRecordReason.UNKNOWN_KIND).detail()).contains("kind was 7");
    }

    @Test
    void rejectsFlagBitsOtherThanHasId() {
        byte[] record = ExampleCodec.encode(example(1, 1, TINY));
        record[6] = 0x03;

        assertThat(reject(tiny, record, BadRecordReason.BAD_FLAGS).detail()).contains("0x03").contains("bit 0");
    }

    @Test
    void rejectsUnknownTensorElementTypesAndNonZeroImageElementTypes() {
        byte[] tensor = ExampleCodec.encode(example(1, 1, TINY));
        tensor[7] = 2;
        byte[] picture = ExampleCodec.encodeImage(1, 1, encoded(grey(3, 2), "png"));
        picture[7] = 1;

        assertThat(reject(tiny, tensor, BadRecordReason.UNKNOWN_ELEMENT_TYPE).detail())
                .contains("element type was 2");
        assertThat(reject(tiny, picture, BadRecordReason.UNKNOWN_ELEMENT_TYPE).detail())
                .contains("image element type was 1");
    }

    @Test
    void rejectsLabelsOutsideTheClasses() {
        assertThat(reject(tiny, uint8(10, 1, 2, 3, new byte[6]), BadRecordReason.LABEL_OUT_OF_RANGE).detail())
                .isEqualTo("label was 10 but must be in [0, 10)");
        assertThat(reject(tiny, uint8(-1, 1, 2, 3, new byte[6]), BadRecordReason.LABEL_OUT_OF_RANGE).detail())
                .contains("label was -1");
    }

    @Test
    void rejectsAShapeOtherThanTheStreams() {
        assertThat(reject(tiny, uint8(1, 1, 3, 2, new byte[6]), BadRecordReason.SHAPE_MISMATCH).detail())
                .isEqualTo("shape was 1x3x2 but this stream's examples are 1x2x3");
    }

    @Test
    void rejectsImpossibleSizes() {
        assertThat(reject(tiny, uint8(1, 0, 2, 3, new byte[0]), BadRecordReason.SIZE_MISMATCH).detail())
                .contains("shape was 0x2x3").contains(">= 1");
        assertThat(reject(tiny, uint8(1, 1 << 16, 1 << 16, 4, new byte[0]), BadRecordReason.SIZE_MISMATCH)
                .detail()).contains("needs 17179869184 bytes");
        assertThat(reject(tiny, image(1, 1, 0, new byte[0]), BadRecordReason.SIZE_MISMATCH).detail())
                .contains("image length was 0");
        assertThat(reject(tiny, image(1, 1, -5, new byte[3]), BadRecordReason.SIZE_MISMATCH).detail())
                .contains("image length was -5");
    }

    @Test
    void rejectsPayloadsShorterThanTheirShape() {
        assertThat(reject(tiny, uint8(1, 1, 2, 3, new byte[5]), BadRecordReason.TRUNCATED).detail())
                .isEqualTo("payload has 5 bytes but shape 1x2x3 of uint8 needs 6");
    }

    @Test
    void rejectsTrailingBytesAfterATensorOrAnImage() {
        byte[] tensor = concat(ExampleCodec.encode(example(1, 1, TINY)), (byte) 0);
        byte[] png = encoded(grey(3, 2), "png");
        byte[] picture = image(1, 1, png.length, concat(png, (byte) 0, (byte) 0));

        assertThat(reject(tiny, tensor, BadRecordReason.TRAILING_BYTES).detail()).startsWith("1 bytes follow");
        assertThat(reject(tiny, picture, BadRecordReason.TRAILING_BYTES).detail()).startsWith("2 bytes follow");
    }

    @Test
    void rejectsNonFiniteAndOutOfRangeFeatures() {
        assertThat(reject(tiny, float32(1, 1, 1, 2, 3, 0f, 0f, Float.NaN, 0f, 0f, 0f), BadRecordReason.NON_FINITE)
                .detail()).isEqualTo("float32 feature 2 was NaN but features must be finite numbers in [0, 1]");
        reject(tiny, float32(1, 1, 1, 2, 3, 0f, 0f, 0f, 0f, 0f, Float.NEGATIVE_INFINITY), BadRecordReason.NON_FINITE);
        assertThat(reject(tiny, float32(1, 1, 1, 2, 3, 0f, 1.5f, 0f, 0f, 0f, 0f), BadRecordReason.OUT_OF_RANGE)
                .detail()).isEqualTo("float32 feature 1 was 1.5 but features must lie in [0, 1]");
        reject(tiny, float32(1, 1, 1, 2, 3, -0.01f, 0f, 0f, 0f, 0f, 0f), BadRecordReason.OUT_OF_RANGE);
    }

    @Test
    void rejectsImageBytesThatAreNotPngOrJpeg() {
        byte[] garbage = "definitely not an image".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] gif = encoded(grey(28, 28), "gif");
        byte[] png = encoded(grey(28, 28), "png");
        byte[] cutPng = Arrays.copyOf(png, png.length / 2);

        assertThat(reject(mnist, ExampleCodec.encodeImage(1, 1, garbage), BadRecordReason.UNDECODABLE_IMAGE)
                .detail()).contains("not a PNG or JPEG image");
        assertThat(reject(mnist, ExampleCodec.encodeImage(1, 1, gif), BadRecordReason.UNDECODABLE_IMAGE).detail())
                .contains("GIF");
        reject(mnist, ExampleCodec.encodeImage(1, 1, cutPng), BadRecordReason.UNDECODABLE_IMAGE);
    }

    @Test
    void rejectsImagesOfAnotherSizeOrChannelCount() {
        byte[] wide = ExampleCodec.encodeImage(1, 1, encoded(grey(29, 28), "png"));
        byte[] colourful = ExampleCodec.encodeImage(1, 1, encoded(colour(28, 28), "png"));
        byte[] grey = ExampleCodec.encodeImage(1, 1, encoded(grey(28, 28), "png"));

        assertThat(reject(mnist, wide, BadRecordReason.WRONG_IMAGE_SIZE).detail())
                .isEqualTo("PNG image is 28x29 (height x width) but this stream's examples are 1x28x28");
        assertThat(reject(mnist, colourful, BadRecordReason.WRONG_IMAGE_SIZE).detail())
                .contains("colour (3 channels)");
        assertThat(reject(new ExampleCodec(new Shape(3, 28, 28), 10), grey, BadRecordReason.WRONG_IMAGE_SIZE)
                .detail()).contains("grey (1 channel)");
    }

    @Test
    void reportsEveryPrefixOfAValidRecordAsTruncated() {
        byte[][] valid = {
            ExampleCodec.encode(example(3, 2, TINY)),
            uint8(2, 1, 2, 3, new byte[6]),
            ExampleCodec.encodeFloat(4, 2, TINY, new float[] {0, 0.1f, 0.2f, 0.3f, 0.4f, 1}),
            ExampleCodec.encodeImage(5, 2, encoded(grey(3, 2), "png")),
        };
        for (byte[] record : valid) {
            assertThat(tiny.decode(record, 0, record.length, AT_7)).isNotNull();
            for (int length = 0; length < record.length; length++) {
                int n = length;
                BadRecordException e = catchThrowableOfType(BadRecordException.class,
                        () -> tiny.decode(record, 0, n, AT_7));
                assertThat(e).as("prefix of %d of %d bytes", n, record.length).isNotNull();
                assertThat(e.reason()).as(e.getMessage()).isEqualTo(BadRecordReason.TRUNCATED);
            }
        }
        SEEN.add(BadRecordReason.TRUNCATED);
    }

    @Test
    void neverThrowsAnythingButBadRecordExceptionOnCorruptedBytes() {
        byte[] png = ExampleCodec.encodeImage(5, 2, encoded(grey(3, 2), "png"));
        byte[] jpeg = ExampleCodec.encodeImage(5, 2, encoded(colour(3, 2), "jpeg"));
        byte[] tensor = ExampleCodec.encodeFloat(4, 2, TINY, new float[] {0, 0.1f, 0.2f, 0.3f, 0.4f, 1});
        ExampleCodec colourTiny = new ExampleCodec(new Shape(3, 2, 3), 10);
        io.coldstream.core.SeededRandom random = new io.coldstream.core.SeededRandom(11);
        for (byte[] original : new byte[][] {png, jpeg, tensor}) {
            for (int trial = 0; trial < 300; trial++) {
                byte[] record = original.clone();
                // Corrupt one to three bytes after the header, where the decoders do their work.
                for (int k = 0; k <= trial % 3; k++) {
                    int at = random.nextInt(20, record.length);
                    record[at] = (byte) random.nextInt(256);
                }
                for (ExampleCodec codec : new ExampleCodec[] {tiny, colourTiny}) {
                    try {
                        Example decoded = codec.decode(record, 0, record.length, AT_7);
                        assertThat(decoded.shape()).isEqualTo(codec.shape());
                    } catch (BadRecordException expected) {
                        assertThat(expected.reason()).isNotNull();
                    }
                }
            }
        }
    }

    @Test
    void producesEveryReasonFromSomeCraftedRecord() {
        // Runs the other tests' crafted records again so this test stands on its own.
        rejectsWrongMagicNamingTheBytesSeen();
        rejectsAnUnknownVersion();
        rejectsAnUnknownKind();
        rejectsFlagBitsOtherThanHasId();
        rejectsUnknownTensorElementTypesAndNonZeroImageElementTypes();
        rejectsLabelsOutsideTheClasses();
        rejectsAShapeOtherThanTheStreams();
        rejectsImpossibleSizes();
        rejectsPayloadsShorterThanTheirShape();
        rejectsTrailingBytesAfterATensorOrAnImage();
        rejectsNonFiniteAndOutOfRangeFeatures();
        rejectsImageBytesThatAreNotPngOrJpeg();
        rejectsImagesOfAnotherSizeOrChannelCount();

        assertThat(SEEN).containsExactlyInAnyOrder(BadRecordReason.values());
        assertThat(BadRecordReason.WRONG_IMAGE_SIZE.metricName()).isEqualTo("wrong-image-size");
        assertThat(BadRecordReason.BAD_MAGIC.metricName()).isEqualTo("bad-magic");
    }

    @Test
    void rejectsARecordThatIsOnlyAHeaderAsTruncatedNamingTheMissingField() {
        byte[] record = header(12, ExampleCodec.MAGIC, 1, 0, 0, 0, 1, null).array();

        assertThat(reject(tiny, record, BadRecordReason.TRUNCATED).detail())
                .isEqualTo("record has 12 bytes but ends inside its shape, which needs at least 24 bytes");
    }

    @Test
    void checksItsArguments() {
        assertThatThrownBy(() -> new ExampleCodec(TINY, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("numClasses was 1");
        assertThatThrownBy(() -> tiny.decode(new byte[4], 2, 4, AT_7))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> ExampleCodec.encodeFloat(1, 1, TINY, new float[5]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs 6");
        assertThatThrownBy(() -> ExampleCodec.encodeImage(1, 1, new byte[0]))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void encodesIntoABufferWithoutAllocating() {
        Example e = example(1, 3, MNIST);
        byte[] buffer = new byte[ExampleCodec.encodedLength(e)];
        for (int i = 0; i < 20_000; i++) {
            ExampleCodec.encode(e, buffer, 0);
        }
        long allocated = Allocations.bytesAllocatedBy(() -> {
            for (int i = 0; i < 10_000; i++) {
                ExampleCodec.encode(e, buffer, 0);
            }
        });

        assertThat(allocated).as("bytes allocated by 10,000 encodes").isLessThan(1024);
    }

    @Test
    void decodingATensorAllocatesOnlyTheExampleAndItsPixels() {
        byte[] uint8 = ExampleCodec.encode(example(1, 3, MNIST));
        float[] values = new float[784];
        Arrays.fill(values, 0.5f);
        byte[] floats = ExampleCodec.encodeFloat(2, 3, MNIST, values);
        long sink = 0;
        for (int i = 0; i < 20_000; i++) {
            sink += mnist.decode(uint8, 0, uint8.length, AT_7).pixels()[i % 784];
            sink += mnist.decode(floats, 0, floats.length, AT_7).pixels()[i % 784];
        }
        long[] sum = {sink};
        long allocated = Allocations.bytesAllocatedBy(() -> {
            for (int i = 0; i < 10_000; i++) {
                sum[0] += mnist.decode(uint8, 0, uint8.length, AT_7).pixels()[i % 784];
                sum[0] += mnist.decode(floats, 0, floats.length, AT_7).pixels()[i % 784];
            }
        });

        // Per decode: a 784-byte pixel array (16-byte header) and one Example (at most 48 bytes).
        long allowed = 20_000L * (784 + 16 + 48) + 1024;
        assertThat(allocated).as("bytes allocated by 20,000 decodes (checksum %d)", sum[0]).isLessThanOrEqualTo(allowed);
    }
}
