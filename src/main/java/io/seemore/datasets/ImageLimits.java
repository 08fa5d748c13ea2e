package io.seemore.datasets;

/**
 * The largest image accepted anywhere, checked from the file's header before any pixel is
 * decoded: a small file can declare billions of pixels (a "decompression bomb").
 *
 * @param maxPixels most pixels (width x height)
 * @param maxSide longest side in pixels
 */
public record ImageLimits(long maxPixels, int maxSide) {

    /** 40 megapixels, 12,000 px a side: every camera photo passes; a decoded one is at most 160 MB. */
    public static final ImageLimits DEFAULT = new ImageLimits(40_000_000L, 12_000);

    public ImageLimits {
        if (maxPixels < 1 || maxSide < 1) {
            throw new IllegalArgumentException("image limits must be positive");
        }
    }

    void check(int width, int height) throws InvalidImageException {
        if (width < 1 || height < 1) {
            throw new InvalidImageException("the image is empty");
        }
        if (width > maxSide || height > maxSide || (long) width * height > maxPixels) {
            throw new InvalidImageException("the image is " + width + "x" + height + " pixels; at most "
                    + maxSide + " a side and " + maxPixels + " in all are accepted");
        }
    }
}
