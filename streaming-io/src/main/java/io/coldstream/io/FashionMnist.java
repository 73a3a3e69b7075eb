package io.coldstream.io;

import java.nio.file.Path;
import java.util.List;

/**
 * Where Fashion-MNIST (Xiao, Rasul and Vollgraf, "Fashion-MNIST: a Novel Image Dataset for
 * Benchmarking Machine Learning Algorithms", 2017) lives on a Debian machine, and how to get it.
 * Read it with {@link IdxDataset#readSplit(Path, String)}.
 */
public final class FashionMnist {

    /** The folder the Debian package installs the four IDX {@code .gz} files into. */
    public static final Path DEFAULT_DIR = Path.of("/usr/share/datasets/fashion-mnist");

    /** The Debian package that holds the dataset. */
    public static final String DEBIAN_PACKAGE = "dataset-fashion-mnist";

    /** Class names by label, {@code 0} to {@code 9}, as the dataset's README gives them. */
    public static final List<String> CLASS_NAMES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    private FashionMnist() {
    }

    /** @return the shell command that installs the dataset: {@code apt-get install -y dataset-fashion-mnist} */
    public static String installCommand() {
        return "apt-get install -y " + DEBIAN_PACKAGE;
    }
}
