package io.coldstream.learner;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.coldstream.core.ColdstreamException;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * The run's metrics as JSON lines ({@code <out>/metrics.jsonl}), one object per line, for offline
 * analysis and for {@code coldstream report}. Each line has a {@code kind}: {@code interval}
 * (every {@code metrics.every} examples), {@code holdout} (after each holdout evaluation) or
 * {@code final}; the keys are listed in the README. Lines are flushed as written, so a crashed
 * run keeps everything up to its last line. Used by the training thread only.
 */
public final class MetricsLog implements AutoCloseable {

    /** The file name inside a run's output folder. */
    public static final String FILE = "metrics.jsonl";

    private final Path file;
    private final BufferedWriter writer;
    private final ObjectMapper json = new ObjectMapper().disable(SerializationFeature.INDENT_OUTPUT);

    /**
     * @param file the file to append to; created if missing. A last line cut short by a crash is
     *     removed first, so that a resumed run's log stays one JSON object per line.
     */
    public MetricsLog(Path file) {
        this.file = file;
        try {
            dropTruncatedLastLine(file);
            this.writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new ColdstreamException("could not open the metrics log " + file + ": " + e.getMessage(), e);
        }
    }

    private static void dropTruncatedLastLine(Path file) throws IOException {
        if (!Files.exists(file)) {
            return;
        }
        try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(file,
                StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = channel.size();
            long keep = size;
            java.nio.ByteBuffer one = java.nio.ByteBuffer.allocate(1);
            while (keep > 0) {
                one.clear();
                channel.read(one, keep - 1);
                if (one.get(0) == '\n') {
                    break;
                }
                keep--;
            }
            if (keep < size) {
                channel.truncate(keep);
            }
        }
    }

    /**
     * Appends one line and flushes it.
     *
     * @param line plain values (strings, numbers, booleans, null, lists, maps); non-finite numbers
     *     must already be null
     */
    public void append(Map<String, Object> line) {
        try {
            writer.write(json.writeValueAsString(line));
            writer.write('\n');
            writer.flush();
        } catch (IOException e) {
            throw new ColdstreamException("could not write the metrics log " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            writer.close();
        } catch (IOException e) {
            throw new ColdstreamException("could not close the metrics log " + file + ": " + e.getMessage(), e);
        }
    }
}
