package io.coldstream.io;

import io.coldstream.core.Shape;
import java.nio.file.Path;

/**
 * A child process for {@link QueueSourceIT}: appends examples to a queue with a {@link QueueSink},
 * then prints the analytics switch that {@link ChronicleProperties} set (the parent starts it
 * without any {@code -Dchronicle...} flag).
 *
 * <p>Arguments: queue folder, number of examples, examples between 20 ms pauses.
 */
public final class QueueWriterMain {

    static final Shape SHAPE = new Shape(1, 28, 28);

    private QueueWriterMain() {
    }

    /** @param args queue folder, count, burst */
    public static void main(String[] args) throws InterruptedException {
        Path dir = Path.of(args[0]);
        int count = Integer.parseInt(args[1]);
        int burst = Integer.parseInt(args[2]);
        try (QueueSink sink = new QueueSink(dir)) {
            for (int i = 0; i < count; i++) {
                if (i % burst == 0) {
                    Thread.sleep(20);
                }
                sink.write(StreamRecords.example(i, i % 10, SHAPE));
            }
        }
        System.out.println("chronicle.analytics.disable=" + System.getProperty("chronicle.analytics.disable"));
    }
}
