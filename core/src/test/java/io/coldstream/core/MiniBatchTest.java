package io.coldstream.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MiniBatchTest {

    @Test
    void setRowScalesPixelsAndWritesAOneHotTarget() {
        MiniBatch batch = new MiniBatch(3, new Shape(1, 2, 2), 4);
        byte[] pixels = {0, (byte) 255, (byte) 128, 1, 9, 9, 9, 9};
        batch.setRow(1, pixels, 0, 2);
        batch.setRow(1, pixels, 0, 3); // rewriting a row clears the old target
        batch.setSize(2);
        assertThat(batch.features()).hasSize(12);
        assertThat(batch.features()[4]).isEqualTo(0f);
        assertThat(batch.features()[5]).isEqualTo(1f);
        assertThat(batch.features()[6]).isEqualTo(128 / 255f);
        assertThat(batch.targets()).containsExactly(0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0);
        assertThat(batch.label(1)).isEqualTo(3);
    }

    @Test
    void rejectsSizesAndLabelsOutOfRange() {
        MiniBatch batch = new MiniBatch(2, new Shape(1, 1, 1), 2);
        assertThatThrownBy(() -> batch.setSize(3)).hasMessageContaining("[0, 2]");
        assertThatThrownBy(() -> batch.setRow(0, new byte[1], 0, 2)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> new MiniBatch(0, new Shape(1, 1, 1), 2)).hasMessageContaining("capacity was 0");
    }
}
