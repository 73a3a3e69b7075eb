package io.coldstream.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ByteSizeTest {

    @Test
    void parsesBinaryUnitsCaseInsensitively() {
        assertThat(ByteSize.parse("16MB").bytes()).isEqualTo(16L << 20);
        assertThat(ByteSize.parse("512 kb").bytes()).isEqualTo(512L << 10);
        assertThat(ByteSize.parse("1.5GB").bytes()).isEqualTo(3L << 29);
        assertThat(ByteSize.parse("4096").bytes()).isEqualTo(4096);
        assertThat(ByteSize.parse("100B").bytes()).isEqualTo(100);
    }

    @Test
    void printsTheLargestExactUnit() {
        assertThat(ByteSize.parse("16MB")).hasToString("16MB");
        assertThat(new ByteSize(1536)).hasToString("1536B");
        assertThat(new ByteSize(2048)).hasToString("2KB");
    }

    @Test
    void rejectsTextThatIsNotASizeNamingTheForms() {
        assertThatThrownBy(() -> ByteSize.parse("-3 MB")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'-3 MB' is not a size").hasMessageContaining("16MB");
        assertThatThrownBy(() -> ByteSize.parse("lots")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ByteSize.parse("3TB")).isInstanceOf(IllegalArgumentException.class);
    }
}
