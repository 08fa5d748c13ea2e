package io.seemore.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A vision transformer: image stem, a learned CLS token, learned positions, pre-LayerNorm blocks
 * without a mask, and a final LayerNorm. Returns every token: CLS first, then the patches.
 */
public final class VisionEncoder extends AbstractBlock {

    private final ModelConfig config;
    private final Block stem;
    private final Parameter classToken;
    private final Parameter positions;
    private final TransformerBlock[] blocks;
    private final LayerNorm norm;

    public VisionEncoder(ModelConfig config) {
        this.config = config;
        int width = config.visionWidth();
        stem = addChildBlock("stem", config.imageStem() == ModelConfig.ImageStem.PATCHIFY
                ? new PatchifyStem(config.patchSize(), width)
                : new ConvStem(config));
        classToken = addParameter(Parameter.builder().setName("classToken")
                .setType(Parameter.Type.WEIGHT).optShape(new Shape(1, 1, width)).build());
        positions = addParameter(Parameter.builder().setName("positions")
                .setType(Parameter.Type.WEIGHT).optShape(new Shape(1, config.patchCount() + 1, width))
                .build());
        blocks = new TransformerBlock[config.visionLayers()];
        for (int i = 0; i < blocks.length; i++) {
            blocks[i] = addChildBlock("block" + i,
                    new TransformerBlock(width, config.visionHeads(), config.dropout()));
        }
        norm = addChildBlock("norm", Layers.layerNorm());
    }

    /** [B, 3, H, W] normalised images to [B, 1 + patches, visionWidth]. */
    public NDArray forward(ParameterStore parameters, NDArray images, boolean training) {
        NDArray patches = Layers.apply(stem, parameters, images, training);
        long batch = patches.getShape().get(0);
        NDArray cls = patches.getManager()
                .zeros(new Shape(batch, 1, config.visionWidth()), patches.getDataType())
                .add(parameters.getValue(classToken, patches.getDevice(), training));
        NDArray x = NDArrays.concat(new NDList(cls, patches), 1)
                .add(parameters.getValue(positions, patches.getDevice(), training));
        x = Layers.dropout(x, config.dropout(), training);
        for (TransformerBlock block : blocks) {
            x = block.forward(parameters, x, null, null, 0, training, 0);
        }
        return Layers.apply(norm, parameters, x, training);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameters, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(forward(parameters, inputs.singletonOrThrow(), training));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        stem.initialize(manager, dataType, config.imageShape(1));
        for (TransformerBlock block : blocks) {
            Layers.initialize(block, manager, dataType, config.visionWidth());
        }
        Layers.initialize(norm, manager, dataType, config.visionWidth());
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), config.patchCount() + 1, config.visionWidth())};
    }
}
