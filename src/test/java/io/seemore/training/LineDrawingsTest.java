package io.seemore.training;

import static org.assertj.core.api.Assertions.assertThat;

import io.seemore.datasets.ImageSource;
import io.seemore.model.ModelConfig;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.QuadCurve2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;

/** Which images count as line drawings, judged at the input a job on single and paired 28 px items gets. */
class LineDrawingsTest {

    /** Compact's input for single items and pairs side by side: 32 x 64, letterboxed. */
    private static final ModelConfig PAIRS_INPUT = ModelConfig.preset("compact", 20)
            .withPatchGrid(4, 8, ModelConfig.ImageFit.LETTERBOX);

    /** 64 images, every third a pair: each item drawn by {@code item} into a 28 px cell. */
    private static List<ImageSource> sample(Color ground, Color ink, BiConsumer<Graphics2D, SplittableRandom> item) {
        SplittableRandom random = new SplittableRandom(7);
        List<ImageSource> images = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            int items = i % 3 == 0 ? 2 : 1;
            BufferedImage image = new BufferedImage(28 * items, 28, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = image.createGraphics();
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(ground);
            g.fillRect(0, 0, image.getWidth(), 28);
            g.setColor(ink);
            for (int cell = 0; cell < items; cell++) {
                Graphics2D inCell = (Graphics2D) g.create(28 * cell, 0, 28, 28);
                item.accept(inCell, random);
                inCell.dispose();
            }
            g.dispose();
            images.add(() -> image);
        }
        return images;
    }

    /** Two or three pen strokes of {@code width} px inside the 20 px middle of the cell, as a digit is written. */
    private static BiConsumer<Graphics2D, SplittableRandom> strokes(float width) {
        return (g, random) -> {
            g.setStroke(new BasicStroke(width, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            for (int stroke = 2 + random.nextInt(2); stroke > 0; stroke--) {
                g.draw(new QuadCurve2D.Double(point(random), point(random), point(random), point(random),
                        point(random), point(random)));
            }
        };
    }

    private static double point(SplittableRandom random) {
        return 4 + 20 * random.nextDouble();
    }

    /** A filled garment-like blob over most of the cell. */
    private static void filled(Graphics2D g, SplittableRandom random) {
        int width = 14 + random.nextInt(12);
        int height = 16 + random.nextInt(10);
        g.fillRoundRect((28 - width) / 2, (28 - height) / 2, width, height, 8, 8);
    }

    @Test
    void thinPenStrokesOnAPlainGroundAreLineDrawingsEitherWayRound() {
        assertThat(LineDrawings.are(sample(Color.BLACK, Color.WHITE, strokes(2f)), PAIRS_INPUT)).isTrue();
        assertThat(LineDrawings.are(sample(Color.WHITE, Color.DARK_GRAY, strokes(2f)), PAIRS_INPUT)).isTrue();
    }

    @Test
    void filledShapesThickStrokesBusyGroundsAndBlankImagesAreNot() {
        assertThat(LineDrawings.are(sample(Color.BLACK, Color.LIGHT_GRAY, LineDrawingsTest::filled), PAIRS_INPUT))
                .isFalse();
        assertThat(LineDrawings.are(sample(Color.BLACK, Color.WHITE, strokes(7f)), PAIRS_INPUT)).isFalse();
        // The same thin strokes over a ground of random colours, as in a photo.
        BiConsumer<Graphics2D, SplittableRandom> busy = (g, random) -> {
            for (int y = 0; y < 28; y += 2) {
                for (int x = 0; x < 28; x += 2) {
                    g.setColor(new Color(random.nextInt(256), random.nextInt(256), random.nextInt(256)));
                    g.fillRect(x, y, 2, 2);
                }
            }
            g.setColor(Color.WHITE);
            strokes(2f).accept(g, random);
        };
        assertThat(LineDrawings.are(sample(Color.BLACK, Color.WHITE, busy), PAIRS_INPUT)).isFalse();
        assertThat(LineDrawings.are(sample(Color.GRAY, Color.GRAY, (g, random) -> { }), PAIRS_INPUT)).isFalse();
    }

    @Test
    void oneImageIsJudgedByHowManyOfItsInkPixelsTouchTheGround() {
        // A 4 x 4 white square on black in 10 x 10: 12 of its 16 pixels are on its outline.
        byte[] rgb = new byte[10 * 10 * 3];
        for (int y = 3; y < 7; y++) {
            for (int x = 3; x < 7; x++) {
                Arrays.fill(rgb, 3 * (y * 10 + x), 3 * (y * 10 + x) + 3, (byte) 255);
            }
        }
        assertThat(LineDrawings.Ink.of(rgb, 10, 10)).isEqualTo(new LineDrawings.Ink(12 / 16.0, true));
    }
}
