package io.seemore.registry;

import ai.djl.ndarray.NDManager;
import io.seemore.config.SeemoreProperties;
import io.seemore.model.Checkpoint;
import io.seemore.store.DataDirectory;
import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.util.FileSystemUtils;

/**
 * The model versions: the one shipped in the application, those trained here (under
 * {@code models/<id>/} of the data directory) and the one served. Activating a version swaps the
 * served model at once; requests already running keep the model they started with, which is
 * freed when the last of them ends.
 */
@Service
public class ModelRegistry {

    private static final Logger log = LoggerFactory.getLogger(ModelRegistry.class);
    public static final String SHIPPED_ID = "seemore-shapes";
    static final String CHECKPOINT = "checkpoint";
    static final String VERSION_FILE = "version.json";
    static final String ACTIVE_FILE = "active.json";

    private record ActiveChoice(String id) {}

    private final DataDirectory data;
    private final SeemoreProperties.Model settings;
    private final NDManager manager = NDManager.newBaseManager();
    private final AtomicReference<ServedModel> active = new AtomicReference<>();
    private final ExecutorService freeing = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "model-freeing");
        thread.setDaemon(true);
        return thread;
    });
    private final ModelVersion shipped;

    public ModelRegistry(SeemoreProperties properties, DataDirectory data) {
        this.data = data;
        this.settings = properties.model();
        this.shipped = shippedVersion();
        try {
            active.set(load(initialChoice()));
            log.info("serving model {} ({} parameters)", active.get().id(), active.get().parameterCount());
        } catch (RuntimeException e) {
            log.error("no model could be loaded; /generate answers 503 until one is activated", e);
        }
    }

    private ModelVersion shippedVersion() {
        if (settings.path() != null) {
            Checkpoint.Description checkpoint = Checkpoint.describe(settings.path());
            return new ModelVersion(settings.path().getFileName().toString(), "path", Instant.now(), null, null,
                    checkpoint.training(), checkpoint.config());
        }
        try {
            Checkpoint.Description checkpoint = Checkpoint.describeResource(settings.shippedResource());
            return new ModelVersion(SHIPPED_ID, "shipped", null, null, null, checkpoint.training(), checkpoint.config());
        } catch (RuntimeException e) {
            log.error("the shipped model at class path {} cannot be read", settings.shippedResource(), e);
            return null;
        }
    }

    private String initialChoice() {
        Path choice = data.models().resolve(ACTIVE_FILE);
        if (settings.path() == null && Files.exists(choice)) {
            return data.readJson(choice, ActiveChoice.class).id();
        }
        if (shipped == null) {
            throw new UnknownModelException(SHIPPED_ID);
        }
        return shipped.id();
    }

    /** The served model, if one is loaded, to read its id and size (see {@link #hold()} to use it). */
    public Optional<ServedModel> active() {
        return Optional.ofNullable(active.get());
    }

    /**
     * The served model, held until the caller {@linkplain ServedModel#release() releases} it: it
     * stays loaded meanwhile even if another version is activated.
     */
    public Optional<ServedModel> hold() {
        for (ServedModel model = active.get(); model != null; model = active.get()) {
            if (model.tryHold()) {
                return Optional.of(model);
            }
            // Replaced and freed between the read and the hold: the next read sees its successor.
        }
        return Optional.empty();
    }

    /** Every version, the built-in one first, then the trained ones, newest first. */
    public List<ModelVersion> versions() {
        List<ModelVersion> versions = new ArrayList<>();
        if (shipped != null) {
            versions.add(shipped);
        }
        try (Stream<Path> directories = Files.list(data.models())) {
            directories.filter(dir -> Files.exists(dir.resolve(VERSION_FILE)))
                    .map(dir -> data.readJson(dir.resolve(VERSION_FILE), ModelVersion.class))
                    .sorted(Comparator.comparing(ModelVersion::createdAt).reversed())
                    .forEach(versions::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return versions;
    }

    public ModelVersion version(String id) {
        if (shipped != null && shipped.id().equals(id)) {
            return shipped;
        }
        Path file = versionDirectory(id).resolve(VERSION_FILE);
        if (!Files.exists(file)) {
            throw new UnknownModelException(id);
        }
        return data.readJson(file, ModelVersion.class);
    }

    /**
     * Serves the given version from now on, and after a restart too. The version replaced is freed
     * once the requests it is answering end.
     */
    public synchronized ModelVersion activate(String id) {
        ModelVersion version = version(id);
        ServedModel current = active.get();
        if (current == null || !current.id().equals(id)) {
            ServedModel replaced = active.getAndSet(load(id));
            if (replaced != null) {
                replaced.release();
            }
        }
        if (!"path".equals(version.source())) {
            data.writeJson(data.models().resolve(ACTIVE_FILE), new ActiveChoice(id));
        }
        log.info("now serving model {}", id);
        return version;
    }

    /**
     * Registers a trained checkpoint as a new version: it is copied under {@code models/<id>/}
     * (staged, then renamed into place).
     */
    public ModelVersion register(String id, Path checkpoint, String jobId, String datasetId,
            Map<String, Object> metrics) {
        Path target = versionDirectory(id);
        Path staged = data.models().resolve(id + ".tmp");
        try {
            FileSystemUtils.deleteRecursively(staged);
            Files.createDirectories(staged);
            FileSystemUtils.copyRecursively(checkpoint, staged.resolve(CHECKPOINT));
            ModelVersion version = new ModelVersion(id, "trained", Instant.now(), jobId, datasetId, metrics,
                    Checkpoint.describe(staged.resolve(CHECKPOINT)).config());
            data.writeJson(staged.resolve(VERSION_FILE), version);
            DataDirectory.moveIntoPlace(staged, target);
            return version;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot register model " + id, e);
        }
    }

    /** Loads a version's checkpoint for training on top of it; the caller owns what it returns. */
    public Checkpoint.Loaded loadCheckpoint(String id, NDManager parent) {
        ModelVersion version = version(id);
        return switch (version.source()) {
            case "shipped" -> Checkpoint.loadResource(settings.shippedResource(), parent);
            case "path" -> Checkpoint.load(settings.path(), parent);
            default -> Checkpoint.load(versionDirectory(id).resolve(CHECKPOINT), parent);
        };
    }

    private ServedModel load(String id) {
        return new ServedModel(id, loadCheckpoint(id, manager), freeing);
    }

    private Path versionDirectory(String id) {
        if (!id.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
            throw new UnknownModelException(id);
        }
        return data.models().resolve(id);
    }

    @PreDestroy
    void close() throws InterruptedException {
        ServedModel last = active.getAndSet(null);
        if (last != null) {
            last.release();
        }
        freeing.shutdown();
        freeing.awaitTermination(10, TimeUnit.SECONDS);
        manager.close();
    }
}
