package io.seemore.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/** The blog's patch embedding: one convolution whose kernel and stride are the patch size. */
public final class PatchifyStem extends AbstractBlock {

    private final int patchSize;
    private final int width;
    private final Conv2d patchify;

    public PatchifyStem(int patchSize, int width) {
        this.patchSize = patchSize;
        this.width = width;
        patchify = addChildBlock("patchify", Conv2d.builder()
                .setKernelShape(new Shape(patchSize, patchSize))
                .optStride(new Shape(patchSize, patchSize))
                .setFilters(width)
                .build());
    }

    /** [B, 3, H, W] images to [B, patches, width] embeddings. */
    @Override
    protected NDList forwardInternal(
            ParameterStore parameters, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray grid = Layers.apply(patchify, parameters, inputs.singletonOrThrow(), training);
        return new NDList(ImageStems.gridToTokens(grid));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        patchify.initialize(manager, dataType, new Shape(1, 3, patchSize, patchSize));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return ImageStems.outputShapes(inputShapes, patchSize, width);
    }
}
