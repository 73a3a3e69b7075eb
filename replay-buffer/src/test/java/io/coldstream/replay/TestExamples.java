package io.coldstream.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.coldstream.core.Example;
import io.coldstream.core.Shape;
import io.coldstream.core.StreamPosition;

/** Examples whose pixels encode their id and label, so a sampled entry can be checked. */
final class TestExamples {

    static final Shape SHAPE = new Shape(1, 4, 4);
    static final int ELEMENTS = SHAPE.elementCount();

    private TestExamples() {
    }

    /** Pixels: id as 4 big-endian bytes, then the label, then a pattern derived from the id. */
    static Example example(int id, int label) {
        byte[] pixels = new byte[ELEMENTS];
        pixels[0] = (byte) (id >>> 24);
        pixels[1] = (byte) (id >>> 16);
        pixels[2] = (byte) (id >>> 8);
        pixels[3] = (byte) id;
        pixels[4] = (byte) label;
        for (int j = 5; j < ELEMENTS; j++) {
            pixels[j] = pattern(id, j);
        }
        return new Example(id, label, SHAPE, pixels, new StreamPosition("test", id));
    }

    /** The id stored in the entry at {@code entry} of a sample's pixel array. */
    static int idAt(byte[] pixels, int entry) {
        int o = entry * ELEMENTS;
        return (pixels[o] & 0xff) << 24 | (pixels[o + 1] & 0xff) << 16 | (pixels[o + 2] & 0xff) << 8 | (pixels[o + 3] & 0xff);
    }

    /** Checks that entry {@code entry} is an intact copy of example {@code idAt(...)} with that label. */
    static void assertIntact(byte[] pixels, int entry, int label) {
        int o = entry * ELEMENTS;
        int id = idAt(pixels, entry);
        assertThat(pixels[o + 4]).as("label byte of entry %d (id %d)", entry, id).isEqualTo((byte) label);
        for (int j = 5; j < ELEMENTS; j++) {
            assertThat(pixels[o + j]).as("pixel %d of entry %d (id %d)", j, entry, id).isEqualTo(pattern(id, j));
        }
    }

    private static byte pattern(int id, int j) {
        return (byte) (id * 31 + j * 7);
    }
}
