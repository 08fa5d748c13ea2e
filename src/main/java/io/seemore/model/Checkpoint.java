package io.seemore.model;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The on-disk form of a trained model: a directory with
 * <ul>
 *   <li>{@code model.json}: format name and version, and the {@link ModelConfig};</li>
 *   <li>{@code vocabulary.json}: the tokens, special tokens first;</li>
 *   <li>{@code parameters.bin}: DJL's parameter stream of the network;</li>
 *   <li>{@code training.json}: how it was trained (free-form metadata).</li>
 * </ul>
 * Parameter names follow the block tree, so a change to the tree is a new format version.
 */
public final class Checkpoint {

    public static final String FORMAT = "seemore-checkpoint";
    public static final int FORMAT_VERSION = 1;
    static final String MODEL_FILE = "model.json";
    static final String VOCABULARY_FILE = "vocabulary.json";
    static final String PARAMETERS_FILE = "parameters.bin";
    static final String TRAINING_FILE = "training.json";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    record Header(String format, int formatVersion, ModelConfig config) {}

    /** A checkpoint read back: the network (its arrays in {@code manager}) and what came with it. */
    public record Loaded(
            VisionLanguageModel network, List<String> vocabulary, Map<String, Object> training,
            NDManager manager) implements AutoCloseable {
        @Override
        public void close() {
            manager.close();
        }
    }

    private Checkpoint() {}

    /**
     * Writes a checkpoint. Everything goes to a temporary sibling directory first, which is then
     * renamed into place, so a crash never leaves a half-written checkpoint under {@code directory}.
     */
    public static void save(
            Path directory, VisionLanguageModel network, List<String> vocabulary,
            Map<String, Object> training) {
        Path target = directory.toAbsolutePath();
        Path staging = target.resolveSibling(target.getFileName() + ".tmp-" + System.nanoTime());
        try {
            Files.createDirectories(staging);
            JSON.writerWithDefaultPrettyPrinter().writeValue(staging.resolve(MODEL_FILE).toFile(),
                    new Header(FORMAT, FORMAT_VERSION, network.config()));
            JSON.writeValue(staging.resolve(VOCABULARY_FILE).toFile(), vocabulary);
            JSON.writerWithDefaultPrettyPrinter().writeValue(
                    staging.resolve(TRAINING_FILE).toFile(), training);
            try (OutputStream file = Files.newOutputStream(staging.resolve(PARAMETERS_FILE));
                    DataOutputStream out = new DataOutputStream(new BufferedOutputStream(file))) {
                network.saveParameters(out);
            }
            replace(staging, target);
        } catch (IOException | JacksonException e) {
            deleteRecursively(staging);
            throw new CheckpointException("cannot write checkpoint " + target + ": " + e.getMessage(), e);
        }
    }

    /** Reads a checkpoint directory. */
    public static Loaded load(Path directory, NDManager parent) {
        return load(name -> Files.newInputStream(directory.resolve(name)), directory.toString(), parent);
    }

    /** Reads a checkpoint from the class path, e.g. the model shipped inside the application. */
    public static Loaded loadResource(String prefix, NDManager parent) {
        return load(resource(prefix), "classpath:" + prefix, parent);
    }

    private static FileOpener resource(String prefix) {
        ClassLoader loader = Checkpoint.class.getClassLoader();
        return name -> {
            InputStream in = loader.getResourceAsStream(prefix + "/" + name);
            if (in == null) {
                throw new IOException("no class path resource " + prefix + "/" + name);
            }
            return in;
        };
    }

    /** Opens one named file of a checkpoint. */
    @FunctionalInterface
    public interface FileOpener {
        InputStream open(String name) throws IOException;
    }

    /** What a checkpoint says of itself: its config, vocabulary and training metadata. */
    public record Description(ModelConfig config, List<String> vocabulary, Map<String, Object> training) {}

    /** Reads a checkpoint's description without its parameters (cheap). */
    public static Description describe(Path directory) {
        return describe(name -> Files.newInputStream(directory.resolve(name)), directory.toString());
    }

    /** The same for a checkpoint on the class path. */
    public static Description describeResource(String prefix) {
        return describe(resource(prefix), "classpath:" + prefix);
    }

    private static Description describe(FileOpener files, String location) {
        Header header;
        List<String> vocabulary;
        Map<String, Object> training;
        try {
            header = readJson(files, MODEL_FILE, new TypeReference<Header>() {});
            if (!FORMAT.equals(header.format()) || header.formatVersion() != FORMAT_VERSION) {
                throw new CheckpointException(location + " is format " + header.format() + " v"
                        + header.formatVersion() + "; this build reads " + FORMAT + " v" + FORMAT_VERSION);
            }
            vocabulary = readJson(files, VOCABULARY_FILE, new TypeReference<List<String>>() {});
            training = readJson(files, TRAINING_FILE, new TypeReference<Map<String, Object>>() {});
        } catch (IOException | JacksonException | IllegalArgumentException e) {
            throw new CheckpointException("cannot read checkpoint " + location + ": " + e.getMessage(), e);
        }
        if (vocabulary.size() != header.config().vocabularySize()) {
            throw new CheckpointException(location + " has " + vocabulary.size()
                    + " vocabulary entries but its config says " + header.config().vocabularySize());
        }
        return new Description(header.config(), vocabulary, training);
    }

    private static Loaded load(FileOpener files, String location, NDManager parent) {
        Description description = describe(files, location);
        NDManager manager = parent.newSubManager();
        try (InputStream file = files.open(PARAMETERS_FILE);
                DataInputStream in = new DataInputStream(new BufferedInputStream(file))) {
            VisionLanguageModel network = new VisionLanguageModel(description.config());
            network.initialize(manager, DataType.FLOAT32, network.inputShapes(1, 1));
            Map<String, Shape> expected = shapes(network);
            network.loadParameters(manager, in);
            Map<String, Shape> actual = shapes(network);
            if (!actual.equals(expected)) {
                String name = expected.keySet().stream()
                        .filter(key -> !expected.get(key).equals(actual.get(key))).findFirst().orElse("?");
                throw new CheckpointException("parameter " + name + " has shape " + actual.get(name)
                        + ", the config needs " + expected.get(name));
            }
            return new Loaded(network, description.vocabulary(), description.training(), manager);
        } catch (IOException | MalformedModelException | RuntimeException e) {
            manager.close();
            throw new CheckpointException("parameters of " + location
                    + " do not match its config (" + e.getMessage() + ")", e);
        }
    }

    private static Map<String, Shape> shapes(VisionLanguageModel network) {
        Map<String, Shape> shapes = new LinkedHashMap<>();
        network.getParameters().forEach(pair -> shapes.put(pair.getKey(), pair.getValue().getArray().getShape()));
        return shapes;
    }

    private static <T> T readJson(FileOpener files, String name, TypeReference<T> type) throws IOException {
        try (InputStream in = files.open(name)) {
            return JSON.readValue(in, type);
        }
    }

    private static void replace(Path staging, Path target) throws IOException {
        Path old = null;
        if (Files.exists(target)) {
            old = target.resolveSibling(target.getFileName() + ".old-" + System.nanoTime());
            Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        if (old != null) {
            deleteRecursively(old);
        }
    }

    private static void deleteRecursively(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
