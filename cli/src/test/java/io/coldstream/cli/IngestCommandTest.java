package io.coldstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.coldstream.core.Example;
import io.coldstream.core.Shape;
import io.coldstream.io.ExampleSource;
import io.coldstream.io.SourceOptions;
import io.coldstream.io.SourceSpec;
import io.coldstream.io.Sources;
import io.coldstream.testkit.CifarFiles;
import io.coldstream.testkit.IdxFiles;
import io.coldstream.testkit.ImageFolderFiles;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code coldstream ingest} takes every dataset kind as its source. */
class IngestCommandTest {

    @TempDir
    Path dir;

    private static List<Example> read(Path queue, Shape shape, int classes) {
        List<Example> examples = new ArrayList<>();
        try (ExampleSource source = Sources.open(SourceSpec.parse("queue:" + queue),
                SourceOptions.builder().examples(shape, classes).idle(Duration.ofMillis(200)).build())) {
            Example example;
            while ((example = source.next()) != null) {
                examples.add(example);
            }
        }
        return examples;
    }

    @Test
    void ingestsACifarFolderWithTheLabelsAsked() {
        Path cifar = CifarFiles.writeSplit(dir.resolve("cifar"), "train", 99, 3, 42);
        Path queue = dir.resolve("q");

        CliRun o = CliRun.of("ingest", "--data", "cifar100:" + cifar, "--labels", "coarse", "--order", "file", "--to",
                "queue:" + queue);

        assertThat(o.status()).as(o.err()).isZero();
        assertThat(o.out()).startsWith("ingested 3 records");
        List<Example> examples = read(queue, new Shape(3, 32, 32), 20);
        assertThat(examples).extracting(Example::label).containsExactly(19, 0, 8);
        assertThat(examples.get(2).pixels()).isEqualTo(java.util.Arrays.copyOfRange(
                IdxFiles.pattern(3 * CifarFiles.PIXEL_BYTES), 2 * CifarFiles.PIXEL_BYTES, 3 * CifarFiles.PIXEL_BYTES));
    }

    @Test
    void ingestsAnImageFolderDecodedToTheSizeAsked() {
        Path images = ImageFolderFiles.write(dir.resolve("images"), 3, 4, 1, 40, 30);
        Path queue = dir.resolve("q");

        CliRun o = CliRun.of("ingest", "--data", "imagefolder:" + images, "--image-size", "16", "--order", "file",
                "--to", "queue:" + queue);

        assertThat(o.status()).as(o.err()).isZero();
        assertThat(o.out()).startsWith("ingested 12 records");
        List<Example> examples = read(queue, new Shape(3, 16, 16), 3);
        assertThat(examples).extracting(Example::label).containsExactly(0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2);
        for (Example e : examples) {
            int rgb = ImageFolderFiles.colour(e.label());
            byte[] p = e.pixels();
            int centre = 8 * 16 + 8; // channels first: red plane, green plane, blue plane
            assertThat(new int[] {p[centre] & 0xFF, p[256 + centre] & 0xFF, p[512 + centre] & 0xFF})
                    .containsExactly(rgb >> 16 & 0xFF, rgb >> 8 & 0xFF, rgb & 0xFF);
        }
    }

    @Test
    void ingestsAMultiTaskListGivenAsSourceInTaskOrder() {
        Shape grey = new Shape(1, 28, 28);
        Path fm = IdxFiles.writeSplit(dir.resolve("fm"), "train", grey, new byte[] {1, 0, 1},
                IdxFiles.pattern(3 * grey.elementCount()));
        IdxFiles.writeSplit(fm, "t10k", grey, new byte[] {0, 1}, IdxFiles.pattern(2 * grey.elementCount()));
        Path cifar = CifarFiles.writeSplit(dir.resolve("cifar"), "train", 5, 6);
        CifarFiles.writeSplit(cifar, "test", 7);
        Path queue = dir.resolve("q");

        CliRun o = CliRun.of("ingest", "--source", "idx:" + fm + ",cifar100:" + cifar, "--order", "multi-task", "--to",
                "queue:" + queue);

        assertThat(o.status()).as(o.err()).isZero();
        List<Example> examples = read(queue, new Shape(3, 32, 32), 102);
        assertThat(examples).extracting(Example::label).hasSize(5);
        assertThat(examples.subList(0, 3)).extracting(Example::label).containsExactlyInAnyOrder(1, 0, 1);
        assertThat(examples.subList(3, 5)).extracting(Example::label).containsExactlyInAnyOrder(7, 8);
    }

    @Test
    void aStreamAsSourceOrABadOptionIsRefusedWithTheAllowedForms() {
        CliRun queue = CliRun.of("ingest", "--source", "queue:" + dir.resolve("in"), "--to", "queue:" + dir.resolve("q"));
        assertThat(queue.status()).isEqualTo(2);
        assertThat(queue.err()).contains("ingest reads datasets only: idx:DIR, cifar100:DIR, imagefolder:DIR");

        CliRun labels = CliRun.of("ingest", "--data", "cifar100:" + dir, "--labels", "medium", "--to",
                "queue:" + dir.resolve("q"));
        assertThat(labels.status()).isEqualTo(2);
        assertThat(labels.err()).contains("labels was 'medium' but must be one of fine, coarse");
        assertThat(dir.resolve("q")).doesNotExist();
    }
}
