package io.coldstream.io;

import io.coldstream.core.Example;
import io.coldstream.core.SeededRandom;
import io.coldstream.core.Shape;
import io.coldstream.core.StreamPosition;
import io.coldstream.testkit.IdxFiles;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** {@link IdxSource}, opened from {@code idx:DIR} by {@link Sources}, keeps the source protocol. */
class IdxSourceContractTest extends ExampleSourceContract {

    private static final Shape SHAPE = new Shape(1, 3, 2);
    private static final int COUNT = 30;
    private static final byte[] LABELS = new byte[COUNT];
    private static final byte[] PIXELS = IdxFiles.pattern(COUNT * SHAPE.elementCount());

    static {
        for (int i = 0; i < COUNT; i++) {
            LABELS[i] = (byte) (i * 7 % 4);
        }
    }

    @TempDir
    Path dir;

    @BeforeEach
    void writeTrainSplit() {
        IdxFiles.writeSplit(dir, IdxDataset.TRAIN_SPLIT, SHAPE, LABELS, PIXELS);
    }

    @Override
    protected ExampleSource open() {
        return Sources.open(SourceSpec.parse("idx:" + dir), SourceOptions.builder()
                .order(StreamOrder.IID, 2, new SeededRandom(5)).build());
    }

    @Override
    protected int streamLength() {
        return COUNT;
    }

    @Override
    protected boolean expectBounded() {
        return true;
    }

    @Override
    protected Shape expectedShape() {
        return SHAPE;
    }

    @Override
    protected int expectedNumClasses() {
        return 4;
    }

    @Override
    protected Example expected(long id) {
        int n = SHAPE.elementCount();
        int i = (int) id;
        return new Example(id, LABELS[i], SHAPE, Arrays.copyOfRange(PIXELS, i * n, i * n + n),
                new StreamPosition("train", 0));
    }
}
