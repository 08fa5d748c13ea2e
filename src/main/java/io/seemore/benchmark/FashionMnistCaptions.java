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
import java.util.Base64;
import java.util.SplittableRandom;
import java.util.zip.GZIPInputStream;
import javax.imageio.ImageIO;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * Turns Fashion-MNIST (Debian's {@code dataset-fashion-mnist}, IDX files) into caption datasets in
 * the blog's CSV format: one item, 28x28, captioned "a sneaker"; or two items side by side, 56x28,
 * captioned left to right, "a bag and a shirt". Every source image is used once, so no item is
 * seen in both splits of the service's hold-out. Options ({@code --name=value}):
 * <pre>
 *   --source=DIR        the IDX files (default /usr/share/datasets/fashion-mnist)
 *   --set=train|t10k    which file pair to read (default train)
 *   --singles=N --pairs=N   rows of each kind (default 20000 / 20000; 3 source images per pair of rows)
 *   --seed=N            (default 1)
 *   --out=FILE.csv      (required)
 * </pre>
 */
public final class FashionMnistCaptions {

    /** Caption of each Fashion-MNIST label, as a person would say it. */
    static final String[] ITEMS = {"a t-shirt", "a pair of trousers", "a pullover", "a dress", "a coat",
            "a sandal", "a shirt", "a sneaker", "a bag", "an ankle boot"};

    private static final int SIDE = 28;

    private FashionMnistCaptions() {}

    public static void main(String[] args) throws IOException {
        CommandLine options = CommandLine.parse(args);
        Path source = Path.of(options.text("source", "/usr/share/datasets/fashion-mnist"));
        String set = options.text("set", "train");
        byte[][] images = readImages(source.resolve(set + "-images-idx3-ubyte.gz"));
        byte[] labels = readLabels(source.resolve(set + "-labels-idx1-ubyte.gz"));
        int singles = options.integer("singles", 20_000);
        int pairs = options.integer("pairs", 20_000);
        if (singles + 2 * pairs > images.length) {
            throw new IllegalArgumentException(set + " has " + images.length + " images; " + singles + " singles and "
                    + pairs + " pairs need " + (singles + 2 * pairs));
        }
        SplittableRandom random = new SplittableRandom(options.number("seed", 1));
        int[] order = shuffled(images.length, random);
        // Row kinds in random order: 0 a single item, 1 a pair.
        int[] kinds = shuffled(singles + pairs, random);
        Path out = Path.of(options.required("out"));
        try (Writer writer = Files.newBufferedWriter(out, StandardCharsets.UTF_8);
                CSVPrinter csv = new CSVPrinter(writer, CSVFormat.DEFAULT)) {
            csv.printRecord("b64string_images", "caption");
            int next = 0;
            for (int row = 0; row < singles + pairs; row++) {
                if (kinds[row] >= singles) {
                    int left = order[next++];
                    int right = order[next++];
                    csv.printRecord(png(images[left], images[right]), ITEMS[labels[left]] + " and " + ITEMS[labels[right]]);
                } else {
                    int item = order[next++];
                    csv.printRecord(png(images[item]), ITEMS[labels[item]]);
                }
            }
        }
        System.out.printf("%s: %,d single items and %,d pairs from %s (%,d images)%n",
                out, singles, pairs, set, singles + 2 * pairs);
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
}
