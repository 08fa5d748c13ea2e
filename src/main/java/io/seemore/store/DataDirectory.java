package io.seemore.store;

import io.seemore.config.SeemoreProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;
import org.springframework.stereotype.Component;
import org.springframework.util.FileSystemUtils;
import tools.jackson.databind.json.JsonMapper;

/**
 * The data directory ({@code seemore.home}): {@code datasets/}, {@code jobs/}, {@code models/} and
 * {@code staging/} (uploads being received). Every file is written to a temporary name and renamed
 * into place, so a crash never leaves a half-written record; what a crash left half-received
 * (staged uploads, datasets being stored) is deleted at start.
 */
@Component
public class DataDirectory {

    private final Path home;
    private final JsonMapper json;

    public DataDirectory(SeemoreProperties properties, JsonMapper json) {
        this.home = properties.home().toAbsolutePath().normalize();
        this.json = json;
        DataDirectory.deleteRecursively(staging());
        for (Path directory : new Path[] {datasets(), jobs(), models(), staging()}) {
            try {
                Files.createDirectories(directory);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create " + directory, e);
            }
        }
        try (Stream<Path> entries = Files.list(datasets())) {
            entries.filter(entry -> entry.getFileName().toString().endsWith(".tmp")).forEach(DataDirectory::deleteRecursively);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + datasets(), e);
        }
    }

    /** Where the servlet container writes multipart uploads while they arrive. */
    public Path staging() {
        return home.resolve("staging");
    }

    /** Bytes taken by the files under {@code directory}. */
    public static long size(Path directory) {
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(Files::isRegularFile).mapToLong(file -> file.toFile().length()).sum();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot measure " + directory, e);
        }
    }

    public Path home() {
        return home;
    }

    public Path datasets() {
        return home.resolve("datasets");
    }

    public Path jobs() {
        return home.resolve("jobs");
    }

    public Path models() {
        return home.resolve("models");
    }

    /** Writes {@code value} as JSON to {@code file} through a temporary file and an atomic rename. */
    public void writeJson(Path file, Object value) {
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp-" + Thread.currentThread().getId());
        try {
            Files.createDirectories(file.getParent());
            json.writerWithDefaultPrettyPrinter().writeValue(temporary.toFile(), value);
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    public <T> T readJson(Path file, Class<T> type) {
        return json.readValue(file.toFile(), type);
    }

    /** Moves a fully written temporary directory into place in one rename. */
    public static void moveIntoPlace(Path staged, Path target) {
        try {
            Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot move " + staged + " to " + target, e);
        }
    }

    public static void deleteRecursively(Path path) {
        try {
            FileSystemUtils.deleteRecursively(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + path, e);
        }
    }
}
