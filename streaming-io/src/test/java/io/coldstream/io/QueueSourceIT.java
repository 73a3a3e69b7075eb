package io.coldstream.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.coldstream.core.Example;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A queue written by one process and tailed by another, as an ingester and a trainer do. */
class QueueSourceIT {

    @TempDir
    Path dir;

    @Test
    void tailsAQueueThatAnotherProcessIsWriting() throws Exception {
        Path queue = Files.createDirectories(dir.resolve("q"));
        Path home = Files.createDirectories(dir.resolve("home"));
        int count = 500;
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // Only the module flags Chronicle needs; no -Dchronicle... switch, so the child shows that
        // the code itself turns analytics off.
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-opens") || arg.startsWith("--add-exports")) {
                command.add(arg);
            }
        }
        command.add("-Duser.home=" + home);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(QueueWriterMain.class.getName());
        command.add(queue.toString());
        command.add(Integer.toString(count));
        command.add("100");
        Path output = dir.resolve("child.out");
        Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();

        List<Example> seen = new ArrayList<>();
        try (QueueSource source = new QueueSource(queue, new ExampleCodec(QueueWriterMain.SHAPE, 10),
                BadRecordHandlers.fail(), true, Duration.ofSeconds(20))) {
            while (seen.size() < count) {
                Example e = source.next();
                assertThat(e).as("example %d of %d; child said: %s", seen.size(), count, read(output)).isNotNull();
                seen.add(e);
            }
        } finally {
            if (!child.waitFor(30, TimeUnit.SECONDS)) {
                child.destroyForcibly();
            }
        }

        assertThat(child.exitValue()).as(read(output)).isZero();
        assertThat(read(output)).contains("chronicle.analytics.disable=true");
        for (int i = 0; i < count; i++) {
            Example expected = StreamRecords.example(i, i % 10, QueueWriterMain.SHAPE);
            assertThat(seen.get(i).id()).isEqualTo(i);
            assertThat(seen.get(i).label()).isEqualTo(i % 10);
            assertThat(seen.get(i).pixels()).isEqualTo(expected.pixels());
            if (i > 0) {
                assertThat(seen.get(i).position().offset()).isGreaterThan(seen.get(i - 1).position().offset());
            }
        }
        assertThat(home.resolve(".chronicle.analytics.client.id")).doesNotExist();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            return "(no output: " + e + ")";
        }
    }
}
