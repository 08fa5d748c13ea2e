package io.seemore.datasets;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Turns any image into what the vision encoder reads: RGB, brought to the model's input size,
 * normalised with the ImageNet mean and standard deviation, channels first.
 */
public final class ImagePreprocessor {

    private static final float[] MEAN = {0.485f, 0.456f, 0.406f};
    private static final float[] STD = {0.229f, 0.224f, 0.225f};

    private ImagePreprocessor() {}

    /** Decodes PNG, JPEG, GIF or BMP bytes within the default limits. */
    public static BufferedImage decode(byte[] bytes) throws InvalidImageException {
        return decode(bytes, ImageLimits.DEFAULT);
    }

    /**
     * Decodes PNG, JPEG, GIF or BMP bytes; the size is read from the header and checked against
     * {@code limits} before any pixel is decoded.
     */
    public static BufferedImage decode(byte[] bytes, ImageLimits limits) throws InvalidImageException {
        checkSize(bytes, limits);
        BufferedImage image;
        try {
            // In memory: ImageIO's default stream caches every upload in a temporary file. (It closes the stream.)
            image = ImageIO.read(new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes)));
        } catch (IOException | RuntimeException e) {
            // The decoder's own wording names library internals; the client needs only the verdict.
            throw new InvalidImageException("the image is corrupt, truncated or in an unsupported colour model", e);
        }
        if (image == null) {
            throw new InvalidImageException("not a PNG, JPEG, GIF or BMP image");
        }
        return image;
    }

    /** Reads only the header: a few bytes, whatever size the image declares. */
    private static void checkSize(byte[] bytes, ImageLimits limits) throws InvalidImageException {
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new InvalidImageException("not a PNG, JPEG, GIF or BMP image");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                limits.check(reader.getWidth(0), reader.getHeight(0));
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            throw new InvalidImageException("the image is corrupt, truncated or in an unsupported colour model", e);
        }
    }

    /**
     * RGB bytes (height x width x 3) of the image brought to width x height: stretched, or
     * letterboxed (scaled to fit, centred, the rest filled with the mean colour of the image's border).
     */
    public static byte[] toRgb(BufferedImage image, int width, int height, boolean letterbox) {
        BufferedImage fitted = letterbox ? letterbox(image, width, height) : resize(image, width, height);
        byte[] rgb = new byte[width * height * 3];
        int[] pixels = fitted.getRGB(0, 0, width, height, null, 0, width);
        for (int i = 0; i < pixels.length; i++) {
            rgb[3 * i] = (byte) (pixels[i] >> 16);
            rgb[3 * i + 1] = (byte) (pixels[i] >> 8);
            rgb[3 * i + 2] = (byte) pixels[i];
        }
        return rgb;
    }

    /** Writes the normalised [3, size, size] tensor of {@code rgb} into {@code out} at {@code offset}. */
    public static void normalize(byte[] rgb, float[] out, int offset) {
        int plane = rgb.length / 3;
        for (int i = 0; i < plane; i++) {
            for (int c = 0; c < 3; c++) {
                float value = (rgb[3 * i + c] & 0xff) / 255f;
                out[offset + c * plane + i] = (value - MEAN[c]) / STD[c];
            }
        }
    }

    /** The normalised [3, height, width] tensor of an image, flattened ({@link #toRgb} for the fitting). */
    public static float[] toTensor(BufferedImage image, int width, int height, boolean letterbox) {
        float[] tensor = new float[3 * width * height];
        normalize(toRgb(image, width, height, letterbox), tensor, 0);
        return tensor;
    }

    /** Bilinear resizing, halving first while the image is over twice the target, to avoid aliasing. */
    private static BufferedImage resize(BufferedImage image, int width, int height) {
        BufferedImage current = image;
        while (current.getWidth() >= 2 * width && current.getHeight() >= 2 * height) {
            current = draw(current, current.getWidth() / 2, current.getHeight() / 2);
        }
        return draw(current, width, height);
    }

    private static BufferedImage letterbox(BufferedImage image, int width, int height) {
        double scale = Math.min(width / (double) image.getWidth(), height / (double) image.getHeight());
        int fittedWidth = Math.max(1, Math.min(width, (int) Math.round(image.getWidth() * scale)));
        int fittedHeight = Math.max(1, Math.min(height, (int) Math.round(image.getHeight() * scale)));
        BufferedImage fitted = resize(image, fittedWidth, fittedHeight);
        return draw(fitted, width, height, borderColour(image), (width - fittedWidth) / 2,
                (height - fittedHeight) / 2, fittedWidth, fittedHeight);
    }

    /** The mean colour of the outermost pixels: the background a letterboxed image is extended with. */
    private static Color borderColour(BufferedImage image) {
        int width = image.getWidth();
        int height = image.getHeight();
        long[] sums = new long[3];
        int count = 0;
        for (int y = 0; y < height; y++) {
            // Every pixel of the first and last rows, the two end pixels of the others.
            int step = y == 0 || y == height - 1 ? 1 : Math.max(1, width - 1);
            for (int x = 0; x < width; x += step) {
                Color pixel = new Color(image.getRGB(x, y), true);
                // Transparent pixels count as the white they are drawn as.
                float alpha = pixel.getAlpha() / 255f;
                sums[0] += Math.round(pixel.getRed() * alpha + 255 * (1 - alpha));
                sums[1] += Math.round(pixel.getGreen() * alpha + 255 * (1 - alpha));
                sums[2] += Math.round(pixel.getBlue() * alpha + 255 * (1 - alpha));
                count++;
            }
        }
        return new Color((int) (sums[0] / count), (int) (sums[1] / count), (int) (sums[2] / count));
    }

    /** {@code source} stretched over a new width x height canvas. */
    private static BufferedImage draw(BufferedImage source, int width, int height) {
        return draw(source, width, height, Color.WHITE, 0, 0, width, height);
    }

    /** {@code source} drawn at (x, y) in w x h on a new width x height canvas filled with {@code background}. */
    private static BufferedImage draw(BufferedImage source, int width, int height, Color background,
            int x, int y, int w, int h) {
        BufferedImage target = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = target.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.setColor(background);
            g.fillRect(0, 0, width, height);
            // Transparent pixels become the background (white unless letterboxed), as a viewer shows them.
            g.drawImage(source, x, y, w, h, null);
        } finally {
            g.dispose();
        }
        return target;
    }
}
