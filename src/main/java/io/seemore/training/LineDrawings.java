package io.seemore.training;

import io.seemore.datasets.ImagePreprocessor;
import io.seemore.datasets.ImageSource;
import io.seemore.datasets.InvalidImageException;
import io.seemore.model.ModelConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Whether a dataset's images are line drawings: thin strokes on a plain ground, as handwriting is.
 * An elastic warp helps such images and costs photos of things points (README, "Why the elastic
 * warp"), so only they get it by default.
 *
 * <p>Each sampled image is judged as the network sees it (brought to its input size). Its ground is
 * the mean of its outermost pixels; its ink, the pixels that differ from the ground by more than
 * half the largest difference. Strokes are thin when most ink pixels touch the ground: in 32 px
 * inputs, MNIST digits' median share was 0.59-0.63 over six samples of 64, Fashion-MNIST's clothes'
 * 0.31-0.41, and at 96 px the generated shapes' 0.17.
 */
final class LineDrawings {

    /** The median share of ink pixels next to the ground above which the strokes are thin. */
    static final double THIN_STROKES = 0.52;
    /**
     * The largest standard deviation of an image's outermost pixels' luminance (0-1) for a plain
     * ground. The medians in the inputs: MNIST digits 0.000, Fashion-MNIST's clothes (many reach the
     * edge) 0.13, the blog's photos 0.24.
     */
    static final double PLAIN_GROUND = 0.05;
    /** Images with less contrast than this between ground and ink (0-1) are blank, and not judged. */
    static final double LEAST_CONTRAST = 0.1;

    private LineDrawings() {
    }

    /** Whether most of {@code sample}'s judged (not blank) images have a plain ground, and the median one thin strokes. */
    static boolean are(List<ImageSource> sample, ModelConfig config) {
        List<Double> outlineShares = new ArrayList<>();
        int plain = 0;
        for (ImageSource image : sample) {
            Ink ink;
            try {
                ink = Ink.of(ImagePreprocessor.toRgb(image.load(), config.imageWidth(), config.imageHeight(),
                        config.letterbox()), config.imageWidth(), config.imageHeight());
            } catch (InvalidImageException e) {
                continue; // training reports it, with the image's number
            }
            if (ink != null) {
                outlineShares.add(ink.outlineShare());
                plain += ink.plainGround() ? 1 : 0;
            }
        }
        if (outlineShares.isEmpty() || 2 * plain <= outlineShares.size()) {
            return false;
        }
        outlineShares.sort(null);
        return outlineShares.get(outlineShares.size() / 2) > THIN_STROKES;
    }

    /**
     * One image's ink.
     *
     * @param outlineShare the share of ink pixels with a 4-neighbour (or the image's edge) that is not ink
     * @param plainGround whether the outermost pixels are one colour
     */
    record Ink(double outlineShare, boolean plainGround) {

        /** The ink of {@code rgb} (height x width x 3), or null when the image is blank. */
        static Ink of(byte[] rgb, int width, int height) {
            double[] luminance = IntStream.range(0, width * height)
                    .mapToDouble(i -> (0.299 * (rgb[3 * i] & 0xff) + 0.587 * (rgb[3 * i + 1] & 0xff)
                            + 0.114 * (rgb[3 * i + 2] & 0xff)) / 255)
                    .toArray();
            double[] outermost = IntStream.range(0, width * height).filter(i -> onEdge(i, width, height))
                    .mapToDouble(i -> luminance[i]).toArray();
            double ground = Arrays.stream(outermost).average().orElseThrow();
            double spread = Math.sqrt(Arrays.stream(outermost).map(v -> (v - ground) * (v - ground)).average().orElseThrow());
            double contrast = Arrays.stream(luminance).map(v -> Math.abs(v - ground)).max().orElseThrow();
            if (contrast < LEAST_CONTRAST) {
                return null;
            }
            boolean[] ink = new boolean[luminance.length];
            for (int i = 0; i < ink.length; i++) {
                ink[i] = Math.abs(luminance[i] - ground) > contrast / 2;
            }
            int inkPixels = 0;
            int outline = 0;
            for (int i = 0; i < ink.length; i++) {
                if (ink[i]) {
                    inkPixels++;
                    if (onEdge(i, width, height) || !ink[i - 1] || !ink[i + 1] || !ink[i - width] || !ink[i + width]) {
                        outline++;
                    }
                }
            }
            return new Ink(outline / (double) inkPixels, spread <= PLAIN_GROUND);
        }

        /** Whether pixel {@code i} of a width x height image is one of its outermost. */
        private static boolean onEdge(int i, int width, int height) {
            int x = i % width;
            int y = i / width;
            return x == 0 || y == 0 || x == width - 1 || y == height - 1;
        }
    }
}
