package io.coldstream.io;

import io.coldstream.core.Example;
import io.coldstream.core.Shape;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** {@link QueueSource}, opened from {@code queue:DIR} by {@link Sources}, keeps the source protocol. */
class QueueSourceContractTest extends ExampleSourceContract {

    private static final Shape SHAPE = new Shape(1, 4, 4);
    private static final int COUNT = 30;

    @TempDir
    Path dir;

    private SourceSpec spec;

    @BeforeEach
    void writeQueue() {
        spec = SourceSpec.parse("queue:" + dir.resolve("q"));
        try (ExampleSink sink = Sources.openSink(spec, null)) {
            for (int i = 0; i < COUNT; i++) {
                sink.write(expected(i));
            }
        }
    }

    @Override
    protected ExampleSource open() {
        return Sources.open(spec, SourceOptions.builder().examples(SHAPE, 10).build());
    }

    @Override
    protected int streamLength() {
        return COUNT;
    }

    @Override
    protected boolean expectBounded() {
        return false;
    }

    @Override
    protected Shape expectedShape() {
        return SHAPE;
    }

    @Override
    protected int expectedNumClasses() {
        return 10;
    }

    @Override
    protected Example expected(long id) {
        return StreamRecords.example(id, (int) (id % 10), SHAPE);
    }
}
