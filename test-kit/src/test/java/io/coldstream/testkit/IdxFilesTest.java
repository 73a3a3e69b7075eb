package io.coldstream.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coldstream.core.Shape;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxFilesTest {

    @TempDir
    Path dir;

    @Test
    void writesTheHeaderBigEndianThenThePayload() {
        ByteBuffer b = ByteBuffer.wrap(IdxFiles.images(2, 3, 4, new byte[] {9, 8}));

        assertThat(b.getInt()).isEqualTo(0x803);
        assertThat(new int[] {b.getInt(), b.getInt(), b.getInt()}).containsExactly(2, 3, 4);
        assertThat(new byte[] {b.get(), b.get()}).containsExactly(9, 8);
        assertThat(b.hasRemaining()).isFalse();
    }

    @Test
    void gzipRoundTrips() throws IOException {
        byte[] bytes = IdxFiles.labels(new byte[] {1, 2, 3});

        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(IdxFiles.gzip(bytes)))) {
            assertThat(in.readAllBytes()).isEqualTo(bytes);
        }
    }

    @Test
    void writesASplitUnderItsStandardNames() throws IOException {
        Shape shape = new Shape(1, 2, 2);
        IdxFiles.writeSplit(dir.resolve("d"), "t10k", shape, new byte[] {0, 1}, IdxFiles.pattern(8));

        assertThat(Files.readAllBytes(dir.resolve("d/t10k-images-idx3-ubyte")))
                .isEqualTo(IdxFiles.images(2, 2, 2, IdxFiles.pattern(8)));
        assertThat(Files.readAllBytes(dir.resolve("d/t10k-labels-idx1-ubyte")))
                .isEqualTo(IdxFiles.labels(new byte[] {0, 1}));
        assertThatThrownBy(() -> IdxFiles.writeSplit(dir, "train", shape, new byte[] {0}, new byte[3]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("1 examples of 1x2x2 need 4 bytes of pixels but 3 were given");
    }
}
