package io.coldstream.learner;

import io.coldstream.core.ColdstreamException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * {@code <out>/accepted-losses.txt}: one line per loss of stream records that a resume accepted
 * ({@code --kafka-resume accept-loss}), appended and fsynced when the resumed run starts, so that the
 * record of the loss outlives later resumes; {@code results.json} lists the distinct lines. A resume
 * that crashes before its next checkpoint accepts the same loss again on the next try and appends the
 * same line, which reading drops.
 */
final class AcceptedLosses {

    /** The file name inside a run's output folder. */
    static final String FILE = "accepted-losses.txt";

    private AcceptedLosses() {
    }

    /**
     * @param out the run's output folder, which exists
     * @param lines the losses this process accepted; nothing is written when empty
     */
    static void append(Path out, List<String> lines) {
        if (lines.isEmpty()) {
            return;
        }
        Path file = out.resolve(FILE);
        StringBuilder text = new StringBuilder();
        lines.forEach(l -> text.append(l.replace('\n', ' ')).append('\n'));
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            ByteBuffer bytes = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                ch.write(bytes);
            }
            ch.force(true);
        } catch (IOException e) {
            throw new ColdstreamException("could not record the accepted loss of stream records in " + file + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * @param out the run's output folder
     * @return the distinct lines of the file, in the order first written; empty when there is none
     */
    static List<String> read(Path out) {
        Path file = out.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        try {
            LinkedHashSet<String> distinct = new LinkedHashSet<>();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    distinct.add(line.strip());
                }
            }
            return new ArrayList<>(distinct);
        } catch (IOException e) {
            throw new ColdstreamException("could not read " + file + ": " + e.getMessage(), e);
        }
    }
}
