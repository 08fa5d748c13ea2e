package io.seemore.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/** What both image stems share: turning a feature grid into a token sequence. */
final class ImageStems {

    private ImageStems() {}

    /** [B, C, h, w] feature grid to [B, h*w, C] tokens, row by row. */
    static NDArray gridToTokens(NDArray grid) {
        Shape shape = grid.getShape();
        return grid.reshape(shape.get(0), shape.get(1), shape.get(2) * shape.get(3)).transpose(0, 2, 1);
    }

    static Shape[] outputShapes(Shape[] inputShapes, int patchSize, int width) {
        Shape images = inputShapes[0];
        long patches = (images.get(2) / patchSize) * (images.get(3) / patchSize);
        return new Shape[] {new Shape(images.get(0), patches, width)};
    }
}
