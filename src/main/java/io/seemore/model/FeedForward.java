package io.seemore.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/** Two linear layers with a GELU between them, then dropout. Used by both transformers. */
public final class FeedForward extends AbstractBlock {

    private final int inputWidth;
    private final int hiddenWidth;
    private final int outputWidth;
    private final float dropout;
    private final Linear expand;
    private final Linear contract;

    public FeedForward(int inputWidth, int hiddenWidth, int outputWidth, float dropout) {
        this.inputWidth = inputWidth;
        this.hiddenWidth = hiddenWidth;
        this.outputWidth = outputWidth;
        this.dropout = dropout;
        expand = addChildBlock("expand", Layers.linear(hiddenWidth));
        contract = addChildBlock("contract", Layers.linear(outputWidth));
    }

    public NDArray forward(ParameterStore parameters, NDArray x, boolean training) {
        NDArray hidden = Activation.gelu(Layers.apply(expand, parameters, x, training));
        return Layers.dropout(Layers.apply(contract, parameters, hidden, training), dropout, training);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameters, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(forward(parameters, inputs.singletonOrThrow(), training));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Layers.initialize(expand, manager, dataType, inputWidth);
        Layers.initialize(contract, manager, dataType, hiddenWidth);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {Layers.withLastAxis(inputShapes[0], outputWidth)};
    }
}
