package io.seemore.store;

import io.seemore.config.SeemoreProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.springframework.stereotype.Component;
import org.springframework.util.FileSystemUtils;
import tools.jackson.databind.json.JsonMapper;

/**
 * The data directory ({@code seemore.home}): {@code datasets/}, {@code jobs/} and {@code models/}.
 * Every file is written to a temporary name and renamed into place, so a crash never leaves a
 * half-written record.
 */
@Component
public class DataDirectory {

    private final Path home;
    private final JsonMapper json;

    public DataDirectory(SeemoreProperties properties, JsonMapper json) {
        this.home = properties.home().toAbsolutePath().normalize();
        this.json = json;
        for (Path directory : new Path[] {datasets(), jobs(), models()}) {
            try {
                Files.createDirectories(directory);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create " + directory, e);
            }
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
