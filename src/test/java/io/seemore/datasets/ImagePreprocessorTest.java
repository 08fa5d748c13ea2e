package io.seemore.datasets;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

/** How an image of any shape becomes the model's input. */
class ImagePreprocessorTest {

    private static final int WIDTH = 48;
    private static final int HEIGHT = 24;

    /** A red square with a one-pixel black border, like a dark-background photo of one object. */
    private static BufferedImage framedSquare(int side) {
        BufferedImage image = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.RED);
        g.fillRect(1, 1, side - 2, side - 2);
        g.dispose();
        return image;
    }

    private static int[] pixel(byte[] rgb, int x, int y) {
        int i = 3 * (y * WIDTH + x);
        return new int[] {rgb[i] & 0xff, rgb[i + 1] & 0xff, rgb[i + 2] & 0xff};
    }

    @Test
    void letterboxingKeepsTheShapeCentredAndFillsTheRestWithTheBorderColour() {
        byte[] rgb = ImagePreprocessor.toRgb(framedSquare(28), WIDTH, HEIGHT, true);
        assertThat(rgb).hasSize(WIDTH * HEIGHT * 3);
        // The square is scaled to 24 x 24 and centred: columns 12-35.
        assertThat(pixel(rgb, 24, 12)).containsExactly(255, 0, 0);
        assertThat(pixel(rgb, 14, 12)).containsExactly(255, 0, 0);
        assertThat(pixel(rgb, 33, 12)).containsExactly(255, 0, 0);
        // Beside it, the border's colour (black), not white.
        assertThat(pixel(rgb, 5, 12)).containsExactly(0, 0, 0);
        assertThat(pixel(rgb, 42, 12)).containsExactly(0, 0, 0);
    }

    @Test
    void anImageOfTheInputsShapeFillsItWhetherStretchedOrLetterboxed() {
        BufferedImage pair = new BufferedImage(56, 28, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = pair.createGraphics();
        g.setColor(Color.BLUE);
        g.fillRect(0, 0, 28, 28);
        g.setColor(Color.GREEN);
        g.fillRect(28, 0, 28, 28);
        g.dispose();
        for (boolean letterbox : new boolean[] {true, false}) {
            byte[] rgb = ImagePreprocessor.toRgb(pair, WIDTH, HEIGHT, letterbox);
            assertThat(pixel(rgb, 2, 12)).containsExactly(0, 0, 255);
            assertThat(pixel(rgb, 45, 12)).containsExactly(0, 255, 0);
        }
    }

    @Test
    void stretchingFillsTheInputWithTheImageAndItsAspectRatioLost() {
        byte[] rgb = ImagePreprocessor.toRgb(framedSquare(28), WIDTH, HEIGHT, false);
        // Column 5 of 48 is column ~3 of the square: red, where letterboxing puts background.
        assertThat(pixel(rgb, 5, 12)).containsExactly(255, 0, 0);
        assertThat(pixel(rgb, 42, 12)).containsExactly(255, 0, 0);
    }
}
