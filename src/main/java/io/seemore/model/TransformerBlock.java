package io.seemore.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/** Pre-LayerNorm transformer block: x + attention(norm(x)), then x + feedForward(norm(x)). */
public final class TransformerBlock extends AbstractBlock {

    private final int width;
    private final LayerNorm attentionNorm;
    private final SelfAttention attention;
    private final LayerNorm feedForwardNorm;
    private final FeedForward feedForward;

    public TransformerBlock(int width, int heads, float dropout) {
        this.width = width;
        attentionNorm = addChildBlock("attentionNorm", Layers.layerNorm());
        attention = addChildBlock("attention", new SelfAttention(width, heads, dropout));
        feedForwardNorm = addChildBlock("feedForwardNorm", Layers.layerNorm());
        feedForward = addChildBlock("feedForward", new FeedForward(width, 4 * width, width, dropout));
    }

    /**
     * @param outputsFrom the first position whose output is wanted (every position is still read):
     *     the result is [B, T - outputsFrom, width]
     */
    public NDArray forward(
            ParameterStore parameters, NDArray x, NDArray mask, KvCache cache, int layer,
            boolean training, long outputsFrom) {
        NDArray normed = Layers.apply(attentionNorm, parameters, x, training);
        NDArray attended = attention.forward(parameters, normed, mask, cache, layer, training, outputsFrom);
        x = Layers.positionsFrom(x, outputsFrom).add(attended);
        normed = Layers.apply(feedForwardNorm, parameters, x, training);
        return x.add(feedForward.forward(parameters, normed, training));
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameters, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray mask = inputs.size() > 1 ? inputs.get(1) : null;
        return new NDList(forward(parameters, inputs.get(0), mask, null, 0, training, 0));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        for (var child : getChildren().values()) {
            Layers.initialize(child, manager, dataType, width);
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
