package io.coldstream.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coldstream.core.ConfigurationException;
import io.coldstream.core.Shape;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Every codec runs {@link ReplayCodecContract}; each lossy one checks its own bound. */
class ReplayCodecsTest {

    @Test
    void aNameThatIsNoCodecListsTheCodecs() {
        assertThatThrownBy(() -> ReplayCodec.parse("zip"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("replay.codec was 'zip' but it must be one of: raw, quantized, quantized-2, quantized-6,"
                        + " downsampled, downsampled-quantized, jpeg");
    }

    @Test
    void everyQuantizerMeetsItsBoundExactlyOverEveryValue() {
        for (ReplayCodec codec : new ReplayCodec[] {ReplayCodec.QUANTIZED, ReplayCodec.QUANTIZED_2,
                ReplayCodec.QUANTIZED_6}) {
            Shape shape = new Shape(1, 16, 16);
            byte[] all = new byte[256];
            for (int v = 0; v < 256; v++) {
                all[v] = (byte) v;
            }
            byte[] restored = ReplayCodecContract.roundTrip(codec, all, shape);
            int worst = 0;
            for (int v = 0; v < 256; v++) {
                worst = Math.max(worst, Math.abs(v - (restored[v] & 0xff)));
            }
            assertThat(worst).as("%s: worst error over [0, 255]", codec).isEqualTo(codec.maxAbsError());
            assertThat(restored[0]).isZero();
            assertThat(restored[255]).isEqualTo((byte) 255);
        }
    }

    @Nested
    class Raw extends ReplayCodecContract {
        @Override
        ReplayCodec codec() {
            return ReplayCodec.RAW;
        }

        @Override
        long expectedPayloadBytes(Shape shape) {
            return shape.elementCount();
        }

        @Override
        void assertWithinBound(byte[] original, byte[] restored, Shape shape) {
            assertThat(restored).isEqualTo(original);
        }
    }

    abstract static class Quantizer extends ReplayCodecContract {
        abstract int bits();

        @Override
        long expectedPayloadBytes(Shape shape) {
            return ((long) shape.elementCount() * bits() + 7) / 8;
        }

        @Override
        void assertWithinBound(byte[] original, byte[] restored, Shape shape) {
            for (int i = 0; i < original.length; i++) {
                assertThat(Math.abs((original[i] & 0xff) - (restored[i] & 0xff))).as("value %d", i)
                        .isLessThanOrEqualTo(codec().maxAbsError());
            }
        }
    }

    @Nested
    class Quantized4 extends Quantizer {
        @Override
        ReplayCodec codec() {
            return ReplayCodec.QUANTIZED;
        }

        @Override
        int bits() {
            return 4;
        }
    }

    @Nested
    class Quantized2 extends Quantizer {
        @Override
        ReplayCodec codec() {
            return ReplayCodec.QUANTIZED_2;
        }

        @Override
        int bits() {
            return 2;
        }
    }

    @Nested
    class Quantized6 extends Quantizer {
        @Override
        ReplayCodec codec() {
            return ReplayCodec.QUANTIZED_6;
        }

        @Override
        int bits() {
            return 6;
        }
    }

    @Nested
    class Downsampled extends BlockCodec {
        @Override
        ReplayCodec codec() {
            return ReplayCodec.DOWNSAMPLED;
        }

        @Override
        long expectedPayloadBytes(Shape shape) {
            return (long) shape.channels() * ((shape.height() + 1) / 2) * ((shape.width() + 1) / 2);
        }

        @Override
        int slack() {
            return 0;
        }
    }

    @Nested
    class DownsampledQuantized extends BlockCodec {
        @Override
        ReplayCodec codec() {
            return ReplayCodec.DOWNSAMPLED_QUANTIZED;
        }

        @Override
        long expectedPayloadBytes(Shape shape) {
            return ((long) shape.channels() * ((shape.height() + 1) / 2) * ((shape.width() + 1) / 2) + 1) / 2;
        }

        @Override
        int slack() {
            return 8;
        }
    }

    @Nested
    class Jpeg extends ReplayCodecContract {
        @Override
        ReplayCodec codec() {
            return ReplayCodec.JPEG;
        }

        @Override
        long expectedPayloadBytes(Shape shape) {
            return 1 + 2L * shape.channels() + (shape.elementCount() + 3) / 4;
        }

        /** ImageIO allocates on every encode and decode: measured 0.9 KB a decode, 157 KB an encode (about 4 tries) for 28x28. */
        @Override
        long allowedBytesPerStep() {
            assertThat(codec().allocationFree()).isFalse();
            return 50 * 2048 + 200 * 1024;
        }

        @Override
        int allocationSteps() {
            return 100;
        }

        @Test
        void storesRealFashionMnistImagesAsJpegWithLessErrorThanQuantized2InTheSameBytes() {
            int count = 1000;
            byte[] images = io.coldstream.testkit.IdxFiles.firstImages(io.coldstream.testkit.IdxFiles.FASHION_MNIST_TEST_IMAGES,
                    count);
            assertThat(ReplayCodec.JPEG.payloadBytes(MNIST)).isEqualTo(ReplayCodec.QUANTIZED_2.payloadBytes(MNIST) + 3);
            int[] byQuality = new int[JpegCodec.QUALITIES.length + 1];
            long jpegError = 0;
            long quantizedError = 0;
            ByteBuffer stored = ByteBuffer.allocateDirect(ReplayCodec.JPEG.storedBytes(MNIST));
            for (int i = 0; i < count; i++) {
                byte[] image = Arrays.copyOfRange(images, i * 784, (i + 1) * 784);
                byte[] restored = roundTrip(image, MNIST);
                assertWithinBound(image, restored, MNIST);
                byte[] quantized = roundTrip(ReplayCodec.QUANTIZED_2, image, MNIST);
                for (int p = 0; p < 784; p++) {
                    jpegError += Math.abs((image[p] & 0xff) - (restored[p] & 0xff));
                    quantizedError += Math.abs((image[p] & 0xff) - (quantized[p] & 0xff));
                }
                ReplayCodec.JPEG.encode(image, stored, 0, MNIST);
                int index = stored.get(0) & 0xff;
                byQuality[index == JpegCodec.FALLBACK ? JpegCodec.QUALITIES.length : index]++;
            }
            double jpegMae = jpegError / (784.0 * count);
            double quantizedMae = quantizedError / (784.0 * count);
            String counts = Arrays.toString(byQuality);
            assertThat(byQuality[JpegCodec.QUALITIES.length]).as("fallbacks; entries per quality %s", counts)
                    .isLessThan(count / 20);
            assertThat(jpegMae).as("mean error per value, entries per quality %s", counts).isLessThan(8.0)
                    .isLessThan(quantizedMae * 0.75);
        }

        /** Every 8x8 block's mean (smaller at an edge) within the stated bound of the original's. */
        @Override
        void assertWithinBound(byte[] original, byte[] restored, Shape shape) {
            int h = shape.height();
            int w = shape.width();
            for (int c = 0; c < shape.channels(); c++) {
                for (int by = 0; by < h; by += 8) {
                    for (int bx = 0; bx < w; bx += 8) {
                        double difference = 0;
                        int n = 0;
                        for (int y = by; y < Math.min(by + 8, h); y++) {
                            for (int x = bx; x < Math.min(bx + 8, w); x++) {
                                int i = c * h * w + y * w + x;
                                difference += (original[i] & 0xff) - (restored[i] & 0xff);
                                n++;
                            }
                        }
                        assertThat(Math.abs(difference / n)).as("mean of the block at %d,%d,%d", c, by, bx)
                                .isLessThanOrEqualTo(JpegCodec.MAX_BLOCK_MEAN_ERROR);
                    }
                }
            }
        }
    }

    abstract static class BlockCodec extends ReplayCodecContract {
        /** @return how far outside its block's [min, max] a value may be restored (quantization) */
        abstract int slack();

        /** Each value within its 2x2 block's [min - slack, max + slack]; the block's mean within 0.5 + slack. */
        @Override
        void assertWithinBound(byte[] original, byte[] restored, Shape shape) {
            int h = shape.height();
            int w = shape.width();
            for (int c = 0; c < shape.channels(); c++) {
                for (int by = 0; by < h; by += 2) {
                    for (int bx = 0; bx < w; bx += 2) {
                        int min = 255;
                        int max = 0;
                        double sumOriginal = 0;
                        double sumRestored = 0;
                        int n = 0;
                        for (int y = by; y < Math.min(by + 2, h); y++) {
                            for (int x = bx; x < Math.min(bx + 2, w); x++) {
                                int v = original[c * h * w + y * w + x] & 0xff;
                                min = Math.min(min, v);
                                max = Math.max(max, v);
                                sumOriginal += v;
                                sumRestored += restored[c * h * w + y * w + x] & 0xff;
                                n++;
                            }
                        }
                        for (int y = by; y < Math.min(by + 2, h); y++) {
                            for (int x = bx; x < Math.min(bx + 2, w); x++) {
                                assertThat(restored[c * h * w + y * w + x] & 0xff).as("value at %d,%d,%d", c, y, x)
                                        .isBetween(min - slack(), max + slack());
                            }
                        }
                        assertThat(Math.abs(sumOriginal - sumRestored) / n).as("block mean at %d,%d", by, bx)
                                .isLessThanOrEqualTo(0.5 + slack());
                    }
                }
            }
        }
    }
}
