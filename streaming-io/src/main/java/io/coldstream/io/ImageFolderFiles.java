package io.coldstream.io;

import io.coldstream.core.DataException;
import io.coldstream.core.DatasetNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * The files of one split of an image folder, listed without opening any: per file its class
 * (label) and its name, classes in the order of the dataset's class list and files sorted by
 * name within a class. Names are kept as UTF-8 in one array (ImageNet's 1.28M train files take
 * about 30 MB), and resolved to a path only when a file is read.
 *
 * <p>A file is an image when its name ends in {@code .jpg}, {@code .jpeg}, {@code .jpe},
 * {@code .jfif} or {@code .png} (any case) and does not start with a dot; its content then
 * decides how it is decoded (no file is opened, or even stat-ed, to list it: an entry so named
 * that is not a readable file shows up as an undecodable image when read). Every other entry of a class folder or of the split folder (other
 * files, hidden files such as macOS's {@code ._x.jpg}, hidden folders such as
 * {@code .ipynb_checkpoints}) is ignored and counted in {@link #ignored()}. Immutable.
 */
final class ImageFolderFiles {

    /** The layout in words, for error messages. */
    static final String LAYOUT = "an image folder holds DIR/train/<class>/<image> and DIR/val/<class>/<image>,"
            + " one folder per class named for it, of JPEG or PNG files (.jpg, .jpeg, .png)";

    private static final String[] IMAGE_SUFFIXES = {".jpg", ".jpeg", ".jpe", ".jfif", ".png"};

    private final Path splitDir;
    private final List<String> classes;
    private final int[] labels;
    private final byte[] names;
    private final int[] nameStarts;
    private final int ignored;

    private ImageFolderFiles(Path splitDir, List<String> classes, int[] labels, byte[] names, int[] nameStarts,
            int ignored) {
        this.splitDir = splitDir;
        this.classes = classes;
        this.labels = labels;
        this.names = names;
        this.nameStarts = nameStarts;
        this.ignored = ignored;
    }

    /**
     * The class names of an image folder: the union of the class folders of its {@code train} and
     * {@code val} splits, sorted by name ({@link String#compareTo}), so that both splits give a
     * class the same label.
     *
     * @param dir the image folder
     * @param splits the split folders' names
     * @return the class names, at least 2
     * @throws DatasetNotFoundException if {@code dir} or a split folder is missing
     * @throws DataException if a split folder holds no class folder, or there is only one class
     */
    static List<String> classNames(Path dir, String... splits) {
        if (!Files.exists(dir)) {
            throw new DatasetNotFoundException("image folder " + dir + " does not exist; " + LAYOUT);
        }
        if (!Files.isDirectory(dir)) {
            throw new DatasetNotFoundException("image folder path " + dir + " is not a folder; " + LAYOUT);
        }
        TreeSet<String> all = new TreeSet<>();
        for (String split : splits) {
            Path splitDir = dir.resolve(split);
            if (!Files.isDirectory(splitDir)) {
                throw new DatasetNotFoundException("image folder " + dir + " has no " + split + " folder ("
                        + splitDir + (Files.exists(splitDir) ? " is not a folder" : " does not exist") + "); "
                        + LAYOUT);
            }
            List<String> found = classFolders(splitDir);
            if (found.isEmpty()) {
                long loose = entries(splitDir).stream().filter(e -> isImageName(e.getFileName().toString())).count();
                throw new DataException("image folder split " + splitDir + " holds no class folder"
                        + (loose == 0 ? "" : " but " + loose + " image file" + (loose == 1 ? "" : "s") + " of its own: sort them into one folder"
                        + " per class (ImageNet's val/ is sorted so by its valprep.sh)") + "; " + LAYOUT);
            }
            all.addAll(found);
        }
        if (all.size() < 2) {
            throw new DataException("image folder " + dir + " has " + all.size() + " class folder " + all
                    + " but needs at least 2 classes; " + LAYOUT);
        }
        return List.copyOf(all);
    }

    /**
     * Lists one split.
     *
     * @param splitDir the split folder, such as {@code DIR/train}
     * @param classes the dataset's class names ({@link #classNames}); the split may lack some
     * @return the files
     * @throws DataException if a class folder holds no image, or the folder cannot be listed
     */
    static ImageFolderFiles list(Path splitDir, List<String> classes) {
        int ignored = 0;
        for (Path entry : entries(splitDir)) {
            if (!Files.isDirectory(entry) || hidden(entry)) {
                ignored++;
            }
        }
        int[] labels = new int[1024];
        byte[] names = new byte[1 << 16];
        int[] nameStarts = new int[1025];
        int count = 0;
        int nameBytes = 0;
        for (int label = 0; label < classes.size(); label++) {
            Path classDir = splitDir.resolve(classes.get(label));
            if (!Files.isDirectory(classDir)) {
                continue;
            }
            List<String> images = new ArrayList<>();
            for (Path entry : entries(classDir)) {
                String name = entry.getFileName().toString();
                if (!hidden(entry) && isImageName(name)) {
                    images.add(name);
                } else {
                    ignored++;
                }
            }
            if (images.isEmpty()) {
                throw new DataException("class folder " + classDir + " holds no image; every class folder must hold"
                        + " at least one JPEG or PNG file (.jpg, .jpeg, .png); remove the folder or add images");
            }
            Collections.sort(images);
            for (String name : images) {
                byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
                if (count == labels.length) {
                    labels = Arrays.copyOf(labels, count * 2);
                    nameStarts = Arrays.copyOf(nameStarts, count * 2 + 1);
                }
                if (nameBytes + utf8.length > names.length) {
                    names = Arrays.copyOf(names, Math.max(names.length * 2, nameBytes + utf8.length));
                }
                System.arraycopy(utf8, 0, names, nameBytes, utf8.length);
                labels[count] = label;
                nameStarts[count] = nameBytes;
                nameBytes += utf8.length;
                count++;
            }
        }
        if (count == 0) {
            throw new DataException("image folder split " + splitDir + " holds no image; " + LAYOUT);
        }
        nameStarts[count] = nameBytes;
        return new ImageFolderFiles(splitDir, classes, Arrays.copyOf(labels, count), Arrays.copyOf(names, nameBytes),
                Arrays.copyOf(nameStarts, count + 1), ignored);
    }

    /** @return the number of image files, {@code >= 1} */
    int size() {
        return labels.length;
    }

    /** @return the label of file {@code index}: its class's index in the class list */
    int label(int index) {
        return labels[index];
    }

    /** @return every label in file order, in a fresh array */
    int[] labels() {
        return labels.clone();
    }

    /** @return the path of file {@code index} */
    Path path(int index) {
        String name = new String(names, nameStarts[index], nameStarts[index + 1] - nameStarts[index],
                StandardCharsets.UTF_8);
        return splitDir.resolve(classes.get(labels[index])).resolve(name);
    }

    /** @return the split folder */
    Path splitDir() {
        return splitDir;
    }

    /** @return the entries that are not images: other files, hidden files and folders */
    int ignored() {
        return ignored;
    }

    private static List<String> classFolders(Path splitDir) {
        List<String> found = new ArrayList<>();
        for (Path entry : entries(splitDir)) {
            if (Files.isDirectory(entry) && !hidden(entry)) {
                found.add(entry.getFileName().toString());
            }
        }
        return found;
    }

    private static List<Path> entries(Path folder) {
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(folder)) {
            for (Path entry : stream) {
                entries.add(entry);
            }
        } catch (IOException e) {
            throw new DataException("could not list image folder " + folder + ": " + e, e);
        }
        return entries;
    }

    private static boolean hidden(Path entry) {
        return entry.getFileName().toString().startsWith(".");
    }

    static boolean isImageName(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        for (String suffix : IMAGE_SUFFIXES) {
            if (lower.endsWith(suffix)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "ImageFolderFiles[" + splitDir + ", " + size() + " images, " + ignored + " ignored]";
    }
}
