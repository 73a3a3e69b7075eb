package io.coldstream.io;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** {@link QueueSink}, opened from {@code queue:DIR} by {@link Sources}, keeps the sink protocol. */
class QueueSinkContractTest extends ExampleSinkContract {

    @TempDir
    Path dir;

    private SourceSpec spec() {
        return SourceSpec.parse("queue:" + dir.resolve("q"));
    }

    @Override
    protected ExampleSink openSink() {
        return Sources.openSink(spec(), null);
    }

    @Override
    protected ExampleSource openSource() {
        return Sources.open(spec(), SourceOptions.builder().examples(SHAPE, CLASSES).build());
    }
}
