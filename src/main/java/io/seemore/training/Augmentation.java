package io.seemore.training;

import java.util.SplittableRandom;

/**
 * Random changes to each training image, drawn anew every time it is used, so that the model learns
 * what an object is rather than where its pixels were: a shift (the edges repeated into the gap) and
 * a colour jitter (brightness and contrast).
 *
 * @param shift largest shift, as a share of the image side, in each direction
 * @param colourJitter largest relative change of brightness and of contrast
 */
public record Augmentation(float shift, float colourJitter) {

    public static final Augmentation NONE = new Augmentation(0, 0);

    public Augmentation {
        if (!(shift >= 0 && shift <= 0.5f)) {
            throw new IllegalArgumentException("shift must be between 0 and 0.5 (a share of the image side)");
        }
        if (!(colourJitter >= 0 && colourJitter <= 1)) {
            throw new IllegalArgumentException("colourJitter must be between 0 and 1");
        }
    }

    public boolean isNone() {
        return shift == 0 && colourJitter == 0;
    }

    /** A changed copy of {@code rgb} (height x width x 3 bytes); {@code rgb} itself when there is nothing to do. */
    byte[] apply(byte[] rgb, int width, int height, SplittableRandom random) {
        if (isNone()) {
            return rgb;
        }
        int dx = offset(Math.round(shift * width), random);
        int dy = offset(Math.round(shift * height), random);
        float contrast = 1 + colourJitter * (2 * (float) random.nextDouble() - 1);
        float brightness = 1 + colourJitter * (2 * (float) random.nextDouble() - 1);
        float mean = 0;
        for (byte value : rgb) {
            mean += value & 0xff;
        }
        mean /= rgb.length;
        byte[] out = new byte[rgb.length];
        for (int y = 0; y < height; y++) {
            int sourceY = clamp(y - dy, height - 1);
            for (int x = 0; x < width; x++) {
                int source = 3 * (sourceY * width + clamp(x - dx, width - 1));
                int target = 3 * (y * width + x);
                for (int c = 0; c < 3; c++) {
                    float value = ((rgb[source + c] & 0xff) - mean) * contrast + mean;
                    out[target + c] = (byte) clamp(Math.round(value * brightness), 255);
                }
            }
        }
        return out;
    }

    private static int offset(int most, SplittableRandom random) {
        return most == 0 ? 0 : random.nextInt(-most, most + 1);
    }

    private static int clamp(int value, int max) {
        return Math.max(0, Math.min(max, value));
    }
}
