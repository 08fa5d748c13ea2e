package io.seemore.datasets;

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
 * Turns any image into what the vision encoder reads: RGB, resized to the model's square size,
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

    /** RGB bytes (height x width x 3) of the image resized to size x size. */
    public static byte[] toRgb(BufferedImage image, int size) {
        BufferedImage resized = resize(image, size);
        byte[] rgb = new byte[size * size * 3];
        int[] pixels = resized.getRGB(0, 0, size, size, null, 0, size);
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

    /** The normalised [3, size, size] tensor of an image, flattened. */
    public static float[] toTensor(BufferedImage image, int size) {
        float[] tensor = new float[3 * size * size];
        normalize(toRgb(image, size), tensor, 0);
        return tensor;
    }

    /** Bilinear resizing, halving first while the image is over twice the target, to avoid aliasing. */
    private static BufferedImage resize(BufferedImage image, int size) {
        BufferedImage current = image;
        while (current.getWidth() >= 2 * size && current.getHeight() >= 2 * size) {
            current = draw(current, current.getWidth() / 2, current.getHeight() / 2);
        }
        return draw(current, size, size);
    }

    private static BufferedImage draw(BufferedImage source, int width, int height) {
        BufferedImage target = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = target.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            // Transparent pixels become white, as they show in a viewer.
            g.setColor(java.awt.Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.drawImage(source, 0, 0, width, height, null);
        } finally {
            g.dispose();
        }
        return target;
    }
}
