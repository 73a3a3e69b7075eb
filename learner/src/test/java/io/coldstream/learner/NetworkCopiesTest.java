package io.coldstream.learner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coldstream.core.MiniBatch;
import io.coldstream.core.Shape;
import io.coldstream.model.Network;
import io.coldstream.model.NetworkKind;
import io.coldstream.model.Networks;
import io.coldstream.model.OptimizerSettings;
import io.coldstream.testkit.SameParameters;
import org.junit.jupiter.api.Test;

/** The reused snapshot and checkpoint copies: equal to a fresh copy, never more open than needed, none left open. */
class NetworkCopiesTest {

    private static final Shape SHAPE = new Shape(1, 12, 12);

    private static MiniBatch batch(int seed) {
        MiniBatch b = new MiniBatch(4, SHAPE, 3);
        byte[] pixels = new byte[SHAPE.elementCount()];
        for (int row = 0; row < 4; row++) {
            for (int i = 0; i < pixels.length; i++) {
                pixels[i] = (byte) (i * 31 + row * 7 + seed);
            }
            b.setRow(row, pixels, 0, (row + seed) % 3);
        }
        b.setSize(4);
        return b;
    }

    @Test
    void aHandedBackCopyIsReusedAndEqualsWhatCopyGivesNow() {
        long before = Networks.open();
        try (Network net = Networks.create(NetworkKind.SMALL_CNN, SHAPE, 3, OptimizerSettings.defaults(), 7, 4);
                NetworkCopies copies = new NetworkCopies(net, 2)) {
            net.fit(batch(1));
            Network first = copies.copyOf();
            SameParameters.assertBitIdentical(first.parameters(), net.parameters(), "the first copy");
            first.close();
            assertThat(copies.idle()).isEqualTo(1);
            assertThat(Networks.open()).as("the source and one kept copy").isEqualTo(before + 2);

            net.fit(batch(2));
            Network second = copies.copyOf();
            assertThat(Networks.open()).as("the kept copy was reused").isEqualTo(before + 2);
            try (Network fresh = net.copy()) {
                SameParameters.assertBitIdentical(second.parameters(), fresh.parameters(), "a reused copy");
                assertThat(second.steps()).isEqualTo(fresh.steps()).isEqualTo(2);
                assertThat(second.fit(batch(3))).isEqualTo(fresh.fit(batch(3)));
            }
            second.close();
            second.close(); // a second close hands nothing back twice
            assertThat(copies.idle()).isEqualTo(1);
            assertThatThrownBy(second::parameters).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("handed back");
        }
        assertThat(Networks.open()).as("all closed").isEqualTo(before);
    }

    @Test
    void keepsAtMostKeepIdleAndClosesACopyHandedBackAfterClose() {
        long before = Networks.open();
        try (Network net = Networks.create(NetworkKind.SMALL_CNN, SHAPE, 3, OptimizerSettings.defaults(), 7, 4)) {
            NetworkCopies copies = new NetworkCopies(net, 1);
            Network a = copies.copyOf();
            Network b = copies.copyOf();
            assertThat(Networks.open()).isEqualTo(before + 3);
            a.close();
            b.close();
            assertThat(copies.idle()).isEqualTo(1);
            assertThat(Networks.open()).as("one kept, one closed").isEqualTo(before + 2);

            Network lent = copies.copyOf();
            copies.close();
            assertThat(Networks.open()).as("still being written").isEqualTo(before + 2);
            lent.close();
            assertThat(Networks.open()).as("closed when handed back after close").isEqualTo(before + 1);
            assertThatThrownBy(copies::copyOf).isInstanceOf(IllegalStateException.class);
        }
        assertThat(Networks.open()).isEqualTo(before);
    }
}
