package io.seemore.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Multi-head self-attention with one fused projection for queries, keys and values. Scores are
 * scaled by 1/sqrt(head width); an optional additive mask (0 or a large negative number) makes it
 * causal, and an optional cache layer carries keys and values over from earlier calls.
 */
public final class SelfAttention extends AbstractBlock {

    private final int width;
    private final int heads;
    private final float dropout;
    private final float scale;
    private final Linear queryKeyValue;
    private final Linear output;
    /**
     * 1/sqrt(head width) as a 0-d array made once with the parameters: {@code mul(Number)} would
     * build a scalar over a Java buffer that autograd can outlive, corrupting gradients.
     */
    private NDArray scaleArray;

    public SelfAttention(int width, int heads, float dropout) {
        this.width = width;
        this.heads = heads;
        this.dropout = dropout;
        this.scale = (float) (1.0 / Math.sqrt(width / (double) heads));
        queryKeyValue = addChildBlock("qkv", Layers.linear(3L * width));
        output = addChildBlock("output", Layers.linear(width));
    }

    /**
     * @param x [B, T, width]
     * @param mask additive mask broadcastable to [B, heads, T, keys], or null for full attention
     * @param cache this layer's cache, or null
     * @param queriesFrom the first position whose output is wanted: every position gives keys and
     *     values, only those from here on ask queries, so the result is [B, T - queriesFrom, width]
     */
    public NDArray forward(
            ParameterStore parameters, NDArray x, NDArray mask, KvCache cache, int layer,
            boolean training, long queriesFrom) {
        long batch = x.getShape().get(0);
        long tokens = x.getShape().get(1);
        long queryCount = tokens - queriesFrom;
        NDList qkv = Layers.apply(queryKeyValue, parameters, x, training).split(3, 2);
        NDArray queries = splitHeads(Layers.positionsFrom(qkv.get(0), queriesFrom), batch, queryCount)
                .mul(scaleArray);
        NDArray keys = splitHeads(qkv.get(1), batch, tokens);
        NDArray values = splitHeads(qkv.get(2), batch, tokens);
        if (cache != null) {
            NDList cached = cache.append(layer, keys, values);
            keys = cached.get(0);
            values = cached.get(1);
        }
        NDArray scores = queries.matMul(keys.transpose(0, 1, 3, 2));
        if (mask != null) {
            scores = scores.add(rowsFrom(mask, queriesFrom));
        }
        NDArray weights = Layers.dropout(scores.softmax(-1), dropout, training);
        NDArray mixed = weights.matMul(values).transpose(0, 2, 1, 3).reshape(batch, queryCount, width);
        return Layers.dropout(Layers.apply(output, parameters, mixed, training), dropout, training);
    }

    /**
     * The mask's rows (its second-last axis) for the queries from {@code first} on; a mask shared by
     * all queries as it is.
     */
    private static NDArray rowsFrom(NDArray mask, long first) {
        int rowAxis = mask.getShape().dimension() - 2;
        if (first == 0 || rowAxis < 0 || mask.getShape().get(rowAxis) == 1) {
            return mask;
        }
        return mask.get(new NDIndex(":, ".repeat(rowAxis) + "{}:, :", first));
    }

    /** [B, T, width] to [B, heads, T, head width]. */
    private NDArray splitHeads(NDArray x, long batch, long tokens) {
        return x.reshape(batch, tokens, heads, width / heads).transpose(0, 2, 1, 3);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameters, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray mask = inputs.size() > 1 ? inputs.get(1) : null;
        return new NDList(forward(parameters, inputs.get(0), mask, null, 0, training, 0));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Layers.initialize(queryKeyValue, manager, dataType, width);
        Layers.initialize(output, manager, dataType, width);
        scaleArray = manager.full(new Shape(), scale, dataType);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
