package io.coldstream.io;

import io.coldstream.core.Example;
import io.coldstream.core.SeededRandom;
import io.coldstream.core.Shape;
import io.coldstream.core.StreamPosition;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * An image folder's train split, opened from {@code imagefolder:DIR} by {@link Sources} and
 * decoded in the background, keeps the source protocol. Each file is a PNG of one colour, so the
 * expected pixels do not depend on the decoder.
 */
class ImageFolderSourceContractTest extends ExampleSourceContract {

    private static final int COUNT = 12;
    private static final int SIZE = 8;

    @TempDir
    Path dir;

    private static int red(long id) {
        return (int) (id * 20);
    }

    private static int green(long id) {
        return (int) (255 - id * 7);
    }

    private static int blue(long id) {
        return (int) (id * 13 % 256);
    }

    @BeforeEach
    void writeImageFolder() {
        for (int i = 0; i < COUNT; i++) {
            // class c0 holds ids 0-3, c1 4-7, c2 8-11; sorted by name, file index = id
            Path file = dir.resolve("train").resolve("c" + i / 4).resolve(String.format("%02d.png", i));
            ImageFolders.png(file, ImageFolders.solid(10 + i, 9 + 2 * i, red(i), green(i), blue(i)));
        }
        ImageFolders.png(dir.resolve("val").resolve("c0").resolve("a.png"), ImageFolders.solid(4, 4, 0, 0, 0));
    }

    @Override
    protected ExampleSource open() {
        return Sources.open(SourceSpec.parse("imagefolder:" + dir), SourceOptions.builder()
                .datasetOptions(DatasetOptions.defaults().withImageSize(SIZE))
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
        return new Shape(3, SIZE, SIZE);
    }

    @Override
    protected int expectedNumClasses() {
        return 3;
    }

    @Override
    protected Example expected(long id) {
        return new Example(id, (int) id / 4, expectedShape(), ImageFolders.solidPlanes(SIZE, red(id), green(id),
                blue(id)), new StreamPosition("train", 0));
    }
}
