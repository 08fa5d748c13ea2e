package io.seemore.training;

import java.util.SplittableRandom;

/**
 * Random changes to each training image, drawn anew every time it is used, so that the model learns
 * what an object is rather than where its pixels were or how it was held or drawn: a shift, a
 * rotation and a zoom about the centre (the edges repeated into any gap), an elastic warp, and a
 * colour jitter (brightness and contrast).
 *
 * @param shift largest shift, as a share of the image side, in each direction
 * @param rotation largest rotation, in degrees, either way
 * @param zoom largest relative change of size, either way
 * @param elastic largest displacement of the warp's control points, as a share of the short side,
 *     in each direction
 * @param colourJitter largest relative change of brightness and of contrast
 */
public record Augmentation(float shift, float rotation, float zoom, float elastic, float colourJitter) {

    public static final Augmentation NONE = new Augmentation(0, 0, 0, 0, 0);
    /**
     * The warp's control points are this share of the short side apart: a stroke bends as a whole,
     * as a different hand would draw it, rather than jittering pixel by pixel.
     */
    static final double WARP_SPACING = 0.25;

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
        if (!(elastic >= 0 && elastic <= 0.25f)) {
            throw new IllegalArgumentException("elastic must be between 0 and 0.25 (a share of the short side)");
        }
        if (!(colourJitter >= 0 && colourJitter <= 1)) {
            throw new IllegalArgumentException("colourJitter must be between 0 and 1");
        }
    }

    boolean isNone() {
        return shift == 0 && rotation == 0 && zoom == 0 && elastic == 0 && colourJitter == 0;
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
        Warp warp = Warp.draw(elastic, width, height, random);
        float contrast = 1 + colourJitter * (2 * (float) random.nextDouble() - 1);
        float brightness = 1 + colourJitter * (2 * (float) random.nextDouble() - 1);
        float mean = 0;
        for (byte value : rgb) {
            mean += value & 0xff;
        }
        mean /= rgb.length;
        // Each output pixel's centre mapped back into the source: the inverse of zoom, then rotate,
        // then shift, about the image's centre, and then the warp. With no rotation, zoom or warp the
        // map lands on pixel centres, and the shift moves whole pixels.
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
                int index = y * width + x;
                double sourceX = cos * u + sin * v + centreX - 0.5 + warp.horizontal(index);
                double sourceY = -sin * u + cos * v + centreY - 0.5 + warp.vertical(index);
                sample(rgb, width, height, sourceX, sourceY, pixel);
                int target = 3 * index;
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

    /**
     * A smooth random displacement field (an elastic distortion, after Simard et al., 2003): control
     * points {@link #WARP_SPACING} of the short side apart, each moved by up to {@code share} of the
     * short side in each direction, and every pixel between them by the bilinear blend of its four.
     *
     * @param dx each pixel's horizontal displacement, row by row (null: none)
     * @param dy each pixel's vertical displacement
     */
    private record Warp(double[] dx, double[] dy) {

        private static final Warp NONE = new Warp(null, null);

        /** No draw when {@code share} is 0, so that other changes get the same numbers. */
        static Warp draw(float share, int width, int height, SplittableRandom random) {
            if (share == 0) {
                return NONE;
            }
            int side = Math.min(width, height);
            double most = share * side;
            double spacing = Math.max(1, WARP_SPACING * side);
            int columns = (int) Math.ceil(width / spacing) + 1;
            int points = columns * ((int) Math.ceil(height / spacing) + 1);
            double[] pointsX = new double[points];
            double[] pointsY = new double[points];
            for (int i = 0; i < points; i++) {
                pointsX[i] = most * (2 * random.nextDouble() - 1);
                pointsY[i] = most * (2 * random.nextDouble() - 1);
            }
            return new Warp(blend(pointsX, columns, spacing, width, height),
                    blend(pointsY, columns, spacing, width, height));
        }

        /** The control points' values blended at every pixel's centre: down the columns, then along each row. */
        private static double[] blend(double[] points, int columns, double spacing, int width, int height) {
            double[] field = new double[width * height];
            double[] row = new double[columns];
            for (int y = 0; y < height; y++) {
                double gridY = (y + 0.5) / spacing;
                int top = (int) gridY;
                double below = gridY - top;
                for (int c = 0; c < columns; c++) {
                    row[c] = (1 - below) * points[top * columns + c] + below * points[(top + 1) * columns + c];
                }
                for (int x = 0; x < width; x++) {
                    double gridX = (x + 0.5) / spacing;
                    int left = (int) gridX;
                    double right = gridX - left;
                    field[y * width + x] = (1 - right) * row[left] + right * row[left + 1];
                }
            }
            return field;
        }

        /** The horizontal displacement at the centre of pixel {@code index} (row by row), in pixels. */
        double horizontal(int index) {
            return dx == null ? 0 : dx[index];
        }

        /** The vertical displacement at the centre of pixel {@code index}, in pixels. */
        double vertical(int index) {
            return dy == null ? 0 : dy[index];
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
