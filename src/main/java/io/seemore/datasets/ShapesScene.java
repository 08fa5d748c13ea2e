package io.seemore.datasets;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Polygon;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * A synthetic scene of one to four coloured shapes on a noisy background, with its canonical
 * caption and questions. Everything derives from the seed, so a scene is reproducible.
 */
public record ShapesScene(List<Item> items, long noiseSeed) {

    public static final int SIZE = 96;
    static final int MAX_ITEMS = 4;
    private static final int MIN_RADIUS = 9;
    private static final int MAX_RADIUS = 15;
    private static final int GAP = 3;
    private static final String[] NUMBER_WORDS = {"zero", "one", "two", "three", "four"};

    public enum Kind { CIRCLE, SQUARE, TRIANGLE }

    public enum Colour {
        RED(new Color(220, 40, 40)),
        GREEN(new Color(40, 170, 60)),
        BLUE(new Color(40, 80, 220)),
        YELLOW(new Color(235, 200, 30));

        private final Color rgb;

        Colour(Color rgb) {
            this.rgb = rgb;
        }
    }

    /** One shape: its kind, colour, centre and radius (half its extent) in pixels. */
    public record Item(Kind kind, Colour colour, int x, int y, int radius) {}

    /** Draws a random scene: shapes never overlap and stay inside the image. */
    public static ShapesScene random(SplittableRandom random) {
        int count = 1 + random.nextInt(MAX_ITEMS);
        List<Item> items = new ArrayList<>();
        while (items.size() < count) {
            int radius = MIN_RADIUS + random.nextInt(MAX_RADIUS - MIN_RADIUS + 1);
            int x = radius + 1 + random.nextInt(SIZE - 2 * radius - 2);
            int y = radius + 1 + random.nextInt(SIZE - 2 * radius - 2);
            Item candidate = new Item(name(Kind.values(), random), name(Colour.values(), random), x, y, radius);
            if (items.stream().noneMatch(other -> overlaps(candidate, other))) {
                items.add(candidate);
            }
        }
        return new ShapesScene(List.copyOf(items), random.nextLong());
    }

    private static <T> T name(T[] values, SplittableRandom random) {
        return values[random.nextInt(values.length)];
    }

    private static boolean overlaps(Item a, Item b) {
        double distance = Math.hypot(a.x() - b.x(), a.y() - b.y());
        // Squares reach sqrt(2) * radius along the diagonal.
        return distance < 1.42 * (a.radius() + b.radius()) + GAP;
    }

    public BufferedImage render() {
        BufferedImage image = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setColor(new Color(235, 235, 235));
            g.fillRect(0, 0, SIZE, SIZE);
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            for (Item item : items) {
                g.setColor(item.colour().rgb);
                int r = item.radius();
                switch (item.kind()) {
                    case CIRCLE -> g.fillOval(item.x() - r, item.y() - r, 2 * r, 2 * r);
                    case SQUARE -> g.fillRect(item.x() - r, item.y() - r, 2 * r, 2 * r);
                    case TRIANGLE -> g.fillPolygon(new Polygon(
                            new int[] {item.x(), item.x() + r, item.x() - r},
                            new int[] {item.y() - r, item.y() + r, item.y() + r}, 3));
                }
            }
        } finally {
            g.dispose();
        }
        addNoise(image);
        return image;
    }

    /** The rendered scene as PNG bytes. */
    public byte[] png() {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try {
            javax.imageio.ImageIO.write(render(), "png", out);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private void addNoise(BufferedImage image) {
        SplittableRandom random = new SplittableRandom(noiseSeed);
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                int rgb = image.getRGB(x, y);
                int noisy = 0;
                for (int shift = 16; shift >= 0; shift -= 8) {
                    int channel = ((rgb >> shift) & 0xff) + random.nextInt(25) - 12;
                    noisy = (noisy << 8) | Math.max(0, Math.min(255, channel));
                }
                image.setRGB(x, y, noisy);
            }
        }
    }

    /**
     * The canonical caption: groups of equal shapes by kind, then colour, e.g.
     * "two red circles, one blue circle and one yellow triangle".
     */
    public String caption() {
        Map<Item, Integer> groups = new TreeMap<>(Comparator.comparing(Item::kind).thenComparing(Item::colour));
        items.forEach(item -> groups.merge(new Item(item.kind(), item.colour(), 0, 0, 0), 1, Integer::sum));
        List<String> phrases = new ArrayList<>();
        groups.forEach((group, count) -> phrases.add(NUMBER_WORDS[count] + " " + word(group.colour()) + " "
                + word(group.kind()) + (count > 1 ? "s" : "")));
        if (phrases.size() == 1) {
            return phrases.get(0);
        }
        return String.join(", ", phrases.subList(0, phrases.size() - 1)) + " and " + phrases.get(phrases.size() - 1);
    }

    /** Short-answer questions about the scene; each has exactly one right answer. */
    public List<Example> questions(int image, SplittableRandom random) {
        List<Example> questions = new ArrayList<>();
        questions.add(new Example(image, "how many shapes are there?", String.valueOf(items.size())));
        Kind kind = name(Kind.values(), random);
        questions.add(new Example(image, "how many " + word(kind) + "s are there?",
                String.valueOf(items.stream().filter(i -> i.kind() == kind).count())));
        Colour colour = name(Colour.values(), random);
        questions.add(new Example(image, "how many " + word(colour) + " shapes are there?",
                String.valueOf(items.stream().filter(i -> i.colour() == colour).count())));
        Item item = items.get(random.nextInt(items.size()));
        if (items.stream().filter(i -> i.kind() == item.kind()).count() == 1) {
            questions.add(new Example(image, "what colour is the " + word(item.kind()) + "?", word(item.colour())));
        }
        if (items.stream().filter(i -> i.colour() == item.colour()).count() == 1) {
            questions.add(new Example(image, "what shape is the " + word(item.colour()) + " one?", word(item.kind())));
        }
        return questions;
    }

    private static String word(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }
}
