package io.seemore.datasets;

import java.awt.image.BufferedImage;

/** Produces an image on demand, so that a dataset need not keep every image decoded. */
@FunctionalInterface
public interface ImageSource {

    BufferedImage load() throws InvalidImageException;
}
