package io.seemore.training;

import java.util.SplittableRandom;

/**
 * Random changes to each training image, drawn anew every time it is used, so that the model learns
 * what an object is rather than where its pixels were or how it was held: a shift, a rotation and a
 * zoom about the centre (the edges repeated into any gap), and a colour jitter (brightness and
 * contrast).
 *
 * @param shift largest shift, as a share of the image side, in each direction
 * @param rotation largest rotation, in degrees, either way
 * @param zoom largest relative change of size, either way
 * @param colourJitter largest relative change of brightness and of contrast
 */
public record Augmentation(float shift, float rotation, float zoom, float colourJitter) {

    public static final Augmentation NONE = new Augmentation(0, 0, 0, 0);

    public Augmentation {
        if (!(shift >= 0 && shift <= 0.5f)) {
            throw new IllegalArgumentException("shift must be between 0 and 0.5 (a share of the image side)");
        }
        if (!(rotation >= 0 && rotation <= 45)) {
            throw new IllegalArgumentException("rotation must be between 0 and 45 (degrees)");
        }
        if (!(zoom >= 0 && zoom <= 0.5f)) {
            throw new IllegalArgumentException("zoom must be between 0 and 0.5 (a relative change of size)");
        }
        if (!(colourJitter >= 0 && colourJitter <= 1)) {
            throw new IllegalArgumentException("colourJitter must be between 0 and 1");
        }
    }

    public boolean isNone() {
        return shift == 0 && rotation == 0 && zoom == 0 && colourJitter == 0;
    }

    /** A changed copy of {@code rgb} (height x width x 3 bytes); {@code rgb} itself when there is nothing to do. */
    byte[] apply(byte[] rgb, int width, int height, SplittableRandom random) {
        if (isNone()) {
            return rgb;
        }
        int dx = offset(Math.round(shift * width), random);
        int dy = offset(Math.round(shift * height), random);
        double angle = Math.toRadians(either(rotation, random));
        double scale = 1 + either(zoom, random);
        float contrast = 1 + colourJitter * (2 * (float) random.nextDouble() - 1);
        float brightness = 1 + colourJitter * (2 * (float) random.nextDouble() - 1);
        float mean = 0;
        for (byte value : rgb) {
            mean += value & 0xff;
        }
        mean /= rgb.length;
        // Each output pixel's centre mapped back into the source: the inverse of zoom, then rotate,
        // then shift, about the image's centre. With no rotation or zoom the map lands on pixel
        // centres, and the shift moves whole pixels.
        double cos = Math.cos(angle) / scale;
        double sin = Math.sin(angle) / scale;
        double centreX = width / 2.0;
        double centreY = height / 2.0;
        byte[] out = new byte[rgb.length];
        float[] pixel = new float[3];
        for (int y = 0; y < height; y++) {
            double v = y + 0.5 - centreY - dy;
            for (int x = 0; x < width; x++) {
                double u = x + 0.5 - centreX - dx;
                double sourceX = cos * u + sin * v + centreX - 0.5;
                double sourceY = -sin * u + cos * v + centreY - 0.5;
                sample(rgb, width, height, sourceX, sourceY, pixel);
                int target = 3 * (y * width + x);
                for (int c = 0; c < 3; c++) {
                    float value = (pixel[c] - mean) * contrast + mean;
                    out[target + c] = (byte) clamp(Math.round(value * brightness), 255);
                }
            }
        }
        return out;
    }

    /**
     * The bilinear interpolation of {@code rgb} at ({@code x}, {@code y}) into {@code pixel}; a point
     * outside takes the nearest edge.
     */
    private static void sample(byte[] rgb, int width, int height, double x, double y, float[] pixel) {
        int left = (int) Math.floor(x);
        int top = (int) Math.floor(y);
        float right = (float) (x - left);
        float below = (float) (y - top);
        int x0 = clamp(left, width - 1);
        int x1 = clamp(left + 1, width - 1);
        int y0 = clamp(top, height - 1);
        int y1 = clamp(top + 1, height - 1);
        for (int c = 0; c < 3; c++) {
            float upper = (1 - right) * value(rgb, width, x0, y0, c) + right * value(rgb, width, x1, y0, c);
            float lower = (1 - right) * value(rgb, width, x0, y1, c) + right * value(rgb, width, x1, y1, c);
            pixel[c] = (1 - below) * upper + below * lower;
        }
    }

    private static int value(byte[] rgb, int width, int x, int y, int channel) {
        return rgb[3 * (y * width + x) + channel] & 0xff;
    }

    private static int offset(int most, SplittableRandom random) {
        return most == 0 ? 0 : random.nextInt(-most, most + 1);
    }

    /** Uniform in [-most, most]; no draw when {@code most} is 0, so that other changes get the same numbers. */
    private static double either(float most, SplittableRandom random) {
        return most == 0 ? 0 : most * (2 * random.nextDouble() - 1);
    }

    private static int clamp(int value, int max) {
        return Math.max(0, Math.min(max, value));
    }
}
