package io.seemore.datasets;

import io.seemore.config.SeemoreProperties;
import io.seemore.store.DataDirectory;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Service;

/**
 * Stores datasets under {@code datasets/<id>/}: an uploaded file after it was validated whole, or
 * the size and seed of a generated {@code shapes} dataset. A dataset appears only once it is
 * complete: it is staged in a temporary directory and renamed into place.
 */
@Service
public class DatasetService {

    static final String MANIFEST = "manifest.json";
    /** A small generated dataset that is always there, for a first training run. */
    public static final DatasetManifest DEMO = new DatasetManifest("shapes-demo", "shapes-demo", ShapesDataset.NAME,
            500, 0, 0, 0, 1L, java.time.Instant.EPOCH);
    /** Largest generated dataset, in images. */
    public static final int MAX_GENERATED_IMAGES = 200_000;

    private final DataDirectory data;
    private final ObjectProvider<DatasetUsers> users;
    private final ImageLimits imageLimits;
    private final long quota;

    public DatasetService(DataDirectory data, ObjectProvider<DatasetUsers> users, SeemoreProperties properties) {
        this.data = data;
        this.users = users;
        this.imageLimits = properties.limits().images();
        this.quota = properties.limits().datasetQuota().toBytes();
    }

    /**
     * Validates and stores an uploaded dataset file.
     *
     * @param fileName the uploaded file's name, whose extension tells the format (else its content)
     * @param writeTo writes the upload's bytes to the given path (streamed, never held whole)
     */
    public DatasetManifest upload(String name, String fileName, Consumer<Path> writeTo)
            throws IOException, DatasetFormatException {
        String id = "ds-" + UUID.randomUUID().toString().substring(0, 8);
        Path staged = data.datasets().resolve(id + ".tmp");
        Files.createDirectories(staged);
        try {
            Path raw = staged.resolve("upload");
            writeTo.accept(raw);
            // The staged upload is under datasets/ too, so it counts.
            long used = DataDirectory.size(data.datasets());
            if (used > quota) {
                long upload = Files.size(raw);
                throw new DatasetQuotaExceededException(upload, used - upload, quota);
            }
            String format = format(fileName, raw);
            Path file = staged.resolve("data." + format);
            Files.move(raw, file);
            DatasetSplits splits = Datasets.split(DatasetFiles.validate(file, imageLimits), 0);
            int examples = splits.train().examples().size() + splits.test().examples().size();
            int images = splits.train().images().size() + splits.test().images().size();
            DatasetManifest manifest = new DatasetManifest(id, nameOr(name, fileName), format, images, examples,
                    splits.train().examples().size(), splits.test().examples().size(), null, Instant.now());
            data.writeJson(staged.resolve(MANIFEST), manifest);
            DataDirectory.moveIntoPlace(staged, data.datasets().resolve(id));
            return manifest;
        } finally {
            DataDirectory.deleteRecursively(staged);
        }
    }

    /** Stores a generated {@code shapes} dataset of {@code images} scenes. */
    public DatasetManifest generateShapes(String name, int images, long seed) {
        if (images < 2 || images > MAX_GENERATED_IMAGES) {
            throw new IllegalArgumentException("size must be between 2 and " + MAX_GENERATED_IMAGES);
        }
        String id = "ds-" + UUID.randomUUID().toString().substring(0, 8);
        DatasetSplits splits = ShapesDataset.generate(trainImages(images), testImages(images), seed);
        DatasetManifest manifest = new DatasetManifest(id, nameOr(name, "shapes-" + images), ShapesDataset.NAME,
                images, splits.train().examples().size() + splits.test().examples().size(),
                splits.train().examples().size(), splits.test().examples().size(), seed, Instant.now());
        Path staged = data.datasets().resolve(id + ".tmp");
        data.writeJson(staged.resolve(MANIFEST), manifest);
        DataDirectory.moveIntoPlace(staged, data.datasets().resolve(id));
        return manifest;
    }

    /** The built-in dataset's manifest, with its row counts. */
    private DatasetManifest demo() {
        DatasetSplits splits = ShapesDataset.generate(trainImages(DEMO.images()), testImages(DEMO.images()), DEMO.seed());
        int train = splits.train().examples().size();
        int test = splits.test().examples().size();
        return new DatasetManifest(DEMO.id(), DEMO.name(), DEMO.format(), DEMO.images(), train + test, train, test,
                DEMO.seed(), DEMO.createdAt());
    }

    private static int testImages(int images) {
        return Math.max(1, images / 10);
    }

    private static int trainImages(int images) {
        return images - testImages(images);
    }

    public List<DatasetManifest> list() {
        try (Stream<Path> directories = Files.list(data.datasets())) {
            return Stream.concat(directories.filter(dir -> !dir.getFileName().toString().endsWith(".tmp"))
                            .filter(dir -> Files.exists(dir.resolve(MANIFEST)))
                            .map(dir -> data.readJson(dir.resolve(MANIFEST), DatasetManifest.class)), Stream.of(demo()))
                    .sorted(Comparator.comparing(DatasetManifest::createdAt).reversed())
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public DatasetManifest get(String id) {
        if (DEMO.id().equals(id)) {
            return demo();
        }
        Path manifest = directory(id).resolve(MANIFEST);
        if (!Files.exists(manifest)) {
            throw new UnknownDatasetException(id);
        }
        return data.readJson(manifest, DatasetManifest.class);
    }

    /** The training and held-out splits of a stored dataset. */
    public DatasetSplits splits(String id) throws IOException, DatasetFormatException {
        DatasetManifest manifest = get(id);
        if (manifest.generated()) {
            return ShapesDataset.generate(trainImages(manifest.images()), testImages(manifest.images()), manifest.seed());
        }
        return Datasets.split(DatasetFiles.read(directory(id).resolve("data." + manifest.format()), imageLimits), 0);
    }

    /** The first rows of a dataset (prompt and answer), to show what it holds. */
    public List<Example> sample(String id, int rows) throws IOException, DatasetFormatException {
        return splits(id).train().examples().stream().limit(rows).toList();
    }

    public void delete(String id) {
        get(id);
        if (DEMO.id().equals(id)) {
            throw new DatasetInUseException(id, "the service itself (built in)");
        }
        users.ifAvailable(u -> u.userOf(id).ifPresent(job -> {
            throw new DatasetInUseException(id, job);
        }));
        DataDirectory.deleteRecursively(directory(id));
    }

    private Path directory(String id) {
        if (!id.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
            throw new UnknownDatasetException(id);
        }
        return data.datasets().resolve(id);
    }

    private static String nameOr(String name, String fallback) {
        return name == null || name.isBlank() ? fallback : name;
    }

    private static String format(String fileName, Path file) throws IOException {
        String lower = fileName == null ? "" : fileName.toLowerCase(java.util.Locale.ROOT);
        if (lower.endsWith(".csv")) {
            return "csv";
        }
        if (lower.endsWith(".jsonl") || lower.endsWith(".ndjson")) {
            return "jsonl";
        }
        try (InputStream in = Files.newInputStream(file);
                BufferedReader reader = new BufferedReader(new java.io.InputStreamReader(in, StandardCharsets.UTF_8))) {
            int c;
            do {
                c = reader.read();
            } while (c != -1 && Character.isWhitespace(c));
            return c == '{' ? "jsonl" : "csv";
        }
    }
}
