package io.coldstream.model;

import io.coldstream.core.AtomicFiles;
import io.coldstream.core.ColdstreamException;
import io.coldstream.core.SnapshotException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads a snapshot store: the folder a trainer publishes into ({@code <out>/snapshots}).
 *
 * <p>Layout: {@code <store>/<version>/model.zip} and {@code <store>/<version>/manifest.json}
 * ({@link SnapshotManifest}); {@code <store>/LATEST} names the newest complete version. A version
 * folder appears only once complete (the publisher writes under a hidden temporary name, fsyncs and
 * renames), so every folder named like a version is whole; {@link #verify} checks that its model
 * file is the one the manifest describes (SHA-256) before anything loads it.
 *
 * <p>Stateless and thread-safe: each call reads the folder afresh.
 */
public final class SnapshotStore {

    /** The pointer file naming the newest complete version. */
    public static final String LATEST = "LATEST";
    /** The model file inside a version folder. */
    public static final String MODEL_FILE = "model.zip";
    /** The manifest inside a version folder. */
    public static final String MANIFEST_FILE = "manifest.json";

    private static final Pattern VERSION = Pattern.compile("v(\\d{6,})");

    private final Path dir;

    /** @param dir the store folder (holding {@code LATEST} and the version folders) */
    public SnapshotStore(Path dir) {
        this.dir = dir;
    }

    /**
     * @param folder a training run's output folder (holding {@code snapshots/}) or a store folder
     * @return the store
     */
    public static SnapshotStore of(Path folder) {
        Path inner = folder.resolve("snapshots");
        return new SnapshotStore(Files.isDirectory(inner) && !Files.exists(folder.resolve(LATEST)) ? inner : folder);
    }

    /** A verified snapshot: its manifest matches its model file. */
    public record Snapshot(String version, Path folder, SnapshotManifest manifest) {

        /** @return the model file */
        public Path model() {
            return folder.resolve(MODEL_FILE);
        }
    }

    /** @return the store folder */
    public Path dir() {
        return dir;
    }

    /**
     * @return the names of the version folders present, oldest first (hidden temporary folders of a
     *     publish in progress are not versions)
     */
    public List<String> versions() {
        List<String> found = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return found;
        }
        try (Stream<Path> entries = Files.list(dir)) {
            entries.map(p -> p.getFileName().toString()).filter(n -> VERSION.matcher(n).matches())
                    .filter(n -> Files.isDirectory(dir.resolve(n))).forEach(found::add);
        } catch (IOException e) {
            throw new SnapshotException("could not list the snapshot store " + dir + ": " + e.getMessage(), e);
        }
        found.sort((a, b) -> Long.compare(versionNumber(a), versionNumber(b)));
        return found;
    }

    /** @return the version {@code LATEST} names, if any was published */
    public Optional<String> latest() {
        return Optional.ofNullable(readLatest(dir));
    }

    /**
     * @param version a version name
     * @return its manifest, unverified
     * @throws SnapshotException if it is missing or malformed
     */
    public SnapshotManifest manifest(String version) {
        return SnapshotManifest.read(folder(version).resolve(MANIFEST_FILE));
    }

    /**
     * Reads a version's manifest and checks that its model file has the manifest's SHA-256.
     *
     * @param version a version name
     * @return the verified snapshot
     * @throws SnapshotException naming the version and what is wrong (missing, malformed, checksum)
     */
    public Snapshot verify(String version) {
        Path folder = folder(version);
        SnapshotManifest manifest = manifest(version);
        if (!manifest.version().equals(version)) {
            throw new SnapshotException("snapshot " + folder + " has a manifest for version " + manifest.version());
        }
        Path model = folder.resolve(MODEL_FILE);
        if (!Files.isRegularFile(model)) {
            throw new SnapshotException("snapshot " + folder + " has no " + MODEL_FILE);
        }
        String actual;
        try {
            actual = AtomicFiles.sha256(model);
        } catch (IOException e) {
            throw new SnapshotException("could not read " + model + ": " + e.getMessage(), e);
        }
        if (!actual.equals(manifest.sha256())) {
            throw new SnapshotException("snapshot " + version + ": " + MODEL_FILE + " has SHA-256 " + actual
                    + " but its manifest says " + manifest.sha256() + " (corrupt or replaced file)");
        }
        return new Snapshot(version, folder, manifest);
    }

    /**
     * Verifies a version and loads its model on the engine that wrote it, for inference.
     *
     * @param version a version name
     * @param maxBatch the largest batch it will be asked to predict
     * @return the network; the caller closes it
     * @throws SnapshotException if the snapshot is invalid, of an unknown engine, or of format 1
     *     (which does not record the input shape)
     */
    public Network load(String version, int maxBatch) {
        Snapshot s = verify(version);
        SnapshotManifest m = s.manifest();
        if (m.inputShape() == null || m.engine() == null) {
            throw new SnapshotException("snapshot " + version + " has manifest format " + m.formatVersion()
                    + ", which does not record the engine and input shape; serve snapshots of format "
                    + SnapshotManifest.FORMAT_VERSION + " (published by this version of Coldstream)");
        }
        NetworkKind kind;
        try {
            kind = NetworkKind.parse(m.network());
        } catch (ColdstreamException e) {
            throw new SnapshotException("snapshot " + version + ": " + e.getMessage(), e);
        }
        Network network = Networks.restore(s.model(), kind, m.inputShape(), m.numClasses(), maxBatch);
        if (network.engine() != m.engine()) {
            network.close();
            throw new SnapshotException("snapshot " + version + ": its manifest says engine " + m.engine().cliName()
                    + " but " + MODEL_FILE + " was written by " + network.engine().cliName());
        }
        return network;
    }

    private Path folder(String version) {
        if (!VERSION.matcher(version).matches()) {
            throw new SnapshotException("'" + version + "' is not a snapshot version such as v000042");
        }
        return dir.resolve(version);
    }

    /**
     * @param version a version name such as {@code v000042}
     * @return its number, such as 42
     * @throws IllegalArgumentException if the name is not a version
     */
    public static long versionNumber(String version) {
        Matcher m = VERSION.matcher(version);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + version + "' is not a snapshot version such as v000042");
        }
        return Long.parseLong(m.group(1));
    }

    /**
     * @param store a snapshot folder
     * @return the highest version number present, or 0
     * @throws IOException if the folder cannot be listed
     */
    public static long highestVersion(Path store) throws IOException {
        long highest = 0;
        try (Stream<Path> entries = Files.list(store)) {
            for (Path p : (Iterable<Path>) entries::iterator) {
                Matcher m = VERSION.matcher(p.getFileName().toString());
                if (m.matches()) {
                    highest = Math.max(highest, Long.parseLong(m.group(1)));
                }
            }
        }
        return highest;
    }

    /**
     * Reads the version {@code LATEST} names.
     *
     * @param store a snapshot folder
     * @return the version name, or {@code null} if nothing was published yet
     */
    public static String readLatest(Path store) {
        Path pointer = store.resolve(LATEST);
        try {
            return Files.exists(pointer) ? Files.readString(pointer, StandardCharsets.UTF_8).trim() : null;
        } catch (IOException e) {
            throw new SnapshotException("could not read " + pointer + ": " + e.getMessage(), e);
        }
    }
}
