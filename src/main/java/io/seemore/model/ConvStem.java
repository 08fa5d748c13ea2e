package io.seemore.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A convolutional stem: three stride-2 3x3 convolutions (each batch-normalised, then GELU) and a final strided convolution to the same patch grid as {@link PatchifyStem}. Small
 * kernels see edges and corners that one 16x16 linear map learns slowly.
 */
public final class ConvStem extends AbstractBlock {

    private static final int DOWNSAMPLINGS = 3;

    private final int patchSize;
    private final int width;
    private final int[] channels;
    private final Conv2d[] convolutions = new Conv2d[DOWNSAMPLINGS];
    private final BatchNorm[] norms = new BatchNorm[DOWNSAMPLINGS];
    private final Conv2d toPatches;

    public ConvStem(int patchSize, int width) {
        this.patchSize = patchSize;
        this.width = width;
        this.channels = new int[] {3, Math.max(width / 4, 8), Math.max(width / 2, 8), width};
        for (int i = 0; i < DOWNSAMPLINGS; i++) {
            convolutions[i] = addChildBlock("conv" + i, Conv2d.builder()
                    .setKernelShape(new Shape(3, 3))
                    .optStride(new Shape(2, 2))
                    .optPadding(new Shape(1, 1))
                    .setFilters(channels[i + 1])
                    .build());
            norms[i] = addChildBlock("norm" + i, BatchNorm.builder().build());
        }
        int remaining = patchSize >> DOWNSAMPLINGS;
        toPatches = addChildBlock("toPatches", Conv2d.builder()
                .setKernelShape(new Shape(remaining, remaining))
                .optStride(new Shape(remaining, remaining))
                .setFilters(width)
                .build());
    }

    /** [B, 3, H, W] images to [B, patches, width] embeddings. */
    @Override
    protected NDList forwardInternal(
            ParameterStore parameters, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        for (int i = 0; i < DOWNSAMPLINGS; i++) {
            NDArray convolved = Layers.apply(convolutions[i], parameters, x, training);
            x = Activation.gelu(Layers.apply(norms[i], parameters, convolved, training));
        }
        return new NDList(ImageStems.gridToTokens(Layers.apply(toPatches, parameters, x, training)));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        for (int i = 0; i < DOWNSAMPLINGS; i++) {
            convolutions[i].initialize(manager, dataType, new Shape(1, channels[i], patchSize >> i, patchSize >> i));
            norms[i].initialize(manager, dataType, new Shape(1, channels[i + 1], 1, 1));
        }
        toPatches.initialize(manager, dataType, new Shape(1, channels[DOWNSAMPLINGS], patchSize >> DOWNSAMPLINGS, patchSize >> DOWNSAMPLINGS));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return ImageStems.outputShapes(inputShapes, patchSize, width);
    }
}
