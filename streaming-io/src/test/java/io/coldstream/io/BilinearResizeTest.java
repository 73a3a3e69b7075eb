package io.coldstream.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class BilinearResizeTest {

    private static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    private static int[] unsigned(byte[] values, int from, int to) {
        return Arrays.stream(Arrays.copyOfRange(toInts(values), from, to)).toArray();
    }

    private static int[] toInts(byte[] values) {
        int[] out = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i] & 0xff;
        }
        return out;
    }

    @Test
    void enlargesWithPixelCentresAligned() {
        // Output x = 0..3 samples input x = -0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped to 1).
        byte[] dst = new byte[4];
        new BilinearResize(1, 2, 1, 4).resize(bytes(0, 200), 0, dst, 0, 1);

        assertThat(toInts(dst)).containsExactly(0, 50, 150, 200);
    }

    @Test
    void interpolatesInBothDirections() {
        byte[] dst = new byte[16];
        new BilinearResize(2, 2, 4, 4).resize(bytes(0, 100, 200, 40), 0, dst, 0, 1);

        assertThat(unsigned(dst, 0, 4)).containsExactly(0, 25, 75, 100);
        assertThat(unsigned(dst, 12, 16)).containsExactly(200, 160, 80, 40);
        // row 1 is 3/4 of row 0 and 1/4 of row 3's source row: (0.75 * 25 + 0.25 * 160) = 58.75
        assertThat(dst[4 + 1] & 0xff).isEqualTo(59);
    }

    @Test
    void theSameSizeIsACopyAndAConstantImageStaysConstant() {
        byte[] src = new byte[2 * 28 * 28];
        for (int i = 0; i < src.length; i++) {
            src[i] = (byte) (i * 37);
        }
        byte[] same = new byte[src.length];
        new BilinearResize(28, 28, 28, 28).resize(src, 0, same, 0, 2);
        assertThat(same).isEqualTo(src);

        byte[] flat = new byte[28 * 28];
        Arrays.fill(flat, (byte) 201);
        byte[] big = new byte[3 + 32 * 32];
        new BilinearResize(28, 28, 32, 32).resize(flat, 0, big, 3, 1);
        assertThat(Arrays.copyOfRange(toInts(big), 3, big.length)).containsOnly(201);
        assertThat(Arrays.copyOfRange(big, 0, 3)).as("nothing before dstOffset").containsOnly(0);
    }
}
