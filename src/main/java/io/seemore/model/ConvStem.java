package io.seemore.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.util.PairList;

/**
 * A convolutional stem: three 3x3 convolutions (each normalised, then GELU) and a final strided
 * convolution to the same patch grid as {@link PatchifyStem}. Small kernels see edges and corners
 * that one 16x16 linear map learns slowly. Two variants ({@link ModelConfig.ImageStem}):
 * <ul>
 *   <li>{@code CONV}: all three convolutions stride 2, batch-normalised.</li>
 *   <li>{@code FINE_CONV}: the first at full resolution (strokes a pixel or two wide survive in
 *       small images), each normalised per image over its channels and positions: no batch
 *       statistics, so evaluation computes exactly what training did.</li>
 * </ul>
 */
public final class ConvStem extends AbstractBlock {

    private static final int LAYERS = 3;
    /**
     * He initialisation, std sqrt(2 / fan-in), for FINE_CONV's convolutions: the transformer's N(0, 0.02)
     * is far too small for a 3x3 kernel's fan-in (27 for the first). On Fashion-MNIST it gave 0.5-0.9
     * points more exact match for the same steps (README).
     */
    private static final Initializer HE = new XavierInitializer(
            XavierInitializer.RandomType.GAUSSIAN, XavierInitializer.FactorType.IN, 2);

    private final boolean fine;
    private final int imageHeight;
    private final int imageWidth;
    private final int[] strides;
    private final int[] channels;
    private final Conv2d[] convolutions = new Conv2d[LAYERS];
    private final Block[] norms = new Block[LAYERS];
    private final Conv2d toPatches;
    private final int patchSize;
    private final int width;

    public ConvStem(ModelConfig config) {
        this.imageHeight = config.imageHeight();
        this.imageWidth = config.imageWidth();
        this.patchSize = config.patchSize();
        this.width = config.visionWidth();
        this.fine = config.imageStem() == ModelConfig.ImageStem.FINE_CONV;
        this.strides = fine ? new int[] {1, 2, 2} : new int[] {2, 2, 2};
        this.channels = new int[] {3, Math.max(width / 4, 8), Math.max(width / 2, 8), width};
        int reduction = 1;
        for (int i = 0; i < LAYERS; i++) {
            convolutions[i] = addChildBlock("conv" + i, Conv2d.builder()
                    .setKernelShape(new Shape(3, 3))
                    .optStride(new Shape(strides[i], strides[i]))
                    .optPadding(new Shape(1, 1))
                    .setFilters(channels[i + 1])
                    .build());
            // LayerNorm over every non-batch axis: channels and positions of one image.
            norms[i] = addChildBlock("norm" + i, fine ? LayerNorm.builder().build() : BatchNorm.builder().build());
            reduction *= strides[i];
        }
        int remaining = patchSize / reduction;
        toPatches = addChildBlock("toPatches", Conv2d.builder()
                .setKernelShape(new Shape(remaining, remaining))
                .optStride(new Shape(remaining, remaining))
                .setFilters(width)
                .build());
    }

    /** Sides of a patch, as a multiple of which a stem variant needs the patch size. */
    static int patchMultiple(ModelConfig.ImageStem stem) {
        return stem == ModelConfig.ImageStem.FINE_CONV ? 4 : 8;
    }

    /** [B, 3, H, W] images to [B, patches, width] embeddings. */
    @Override
    protected NDList forwardInternal(
            ParameterStore parameters, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        for (int i = 0; i < LAYERS; i++) {
            NDArray convolved = Layers.apply(convolutions[i], parameters, x, training);
            x = Activation.gelu(Layers.apply(norms[i], parameters, convolved, training));
        }
        return new NDList(ImageStems.gridToTokens(Layers.apply(toPatches, parameters, x, training)));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        // Set here, not in the constructor: the network's own initializer, set after its children
        // are built, would replace it. Only FINE_CONV, where it was measured: CONV keeps the
        // initialisation the shipped model was trained from.
        if (fine) {
            for (Conv2d convolution : convolutions) {
                convolution.setInitializer(HE, Parameter.Type.WEIGHT);
            }
            toPatches.setInitializer(HE, Parameter.Type.WEIGHT);
        }
        int height = imageHeight;
        int width = imageWidth;
        for (int i = 0; i < LAYERS; i++) {
            convolutions[i].initialize(manager, dataType, new Shape(1, channels[i], height, width));
            height /= strides[i];
            width /= strides[i];
            norms[i].initialize(manager, dataType, new Shape(1, channels[i + 1], height, width));
        }
        toPatches.initialize(manager, dataType, new Shape(1, channels[LAYERS], height, width));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return ImageStems.outputShapes(inputShapes, patchSize, width);
    }
}
