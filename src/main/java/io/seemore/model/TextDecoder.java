package io.seemore.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A character-level decoder-only language model: token and learned position embeddings, causal
 * pre-LayerNorm blocks, a final LayerNorm and the LM head. Image tokens, already projected to the
 * decoder's width, can be placed in front of the text.
 */
public final class TextDecoder extends AbstractBlock {

    /** Added to attention scores of future positions; large enough that softmax gives exactly 0. */
    private static final float MASKED = -1e9f;

    private final ModelConfig config;
    private final Parameter tokenEmbedding;
    private final Parameter positionEmbedding;
    private final TransformerBlock[] blocks;
    private final LayerNorm norm;
    private final Linear head;

    public TextDecoder(ModelConfig config) {
        this.config = config;
        int width = config.textWidth();
        tokenEmbedding = addParameter(Parameter.builder().setName("tokenEmbedding")
                .setType(Parameter.Type.WEIGHT).optShape(new Shape(config.vocabularySize(), width))
                .build());
        positionEmbedding = addParameter(Parameter.builder().setName("positionEmbedding")
                .setType(Parameter.Type.WEIGHT).optShape(new Shape(config.maxSequenceLength(), width))
                .build());
        blocks = new TransformerBlock[config.textLayers()];
        for (int i = 0; i < blocks.length; i++) {
            blocks[i] = addChildBlock("block" + i,
                    new TransformerBlock(width, config.textHeads(), config.dropout()));
        }
        norm = addChildBlock("norm", Layers.layerNorm());
        head = addChildBlock("head", Layers.linear(config.vocabularySize()));
    }

    /**
     * Runs the blocks over [prefix; embedded tokens] and returns the normalised hidden states of
     * the token positions only.
     *
     * @param prefix [B, P, width] embeddings placed before the tokens (image tokens), or null
     * @param tokens [B, T] token ids
     * @param start position of the first element of this call's sequence (cached positions)
     * @param cache keys and values of earlier positions, extended by this call; or null
     */
    public NDArray hidden(
            ParameterStore parameters, NDArray prefix, NDArray tokens, long start, KvCache cache,
            boolean training) {
        long length = tokens.getShape().get(1) + (prefix == null ? 0 : prefix.getShape().get(1));
        NDManager manager = tokens.getManager();
        NDArray positions = manager.arange(start, start + length, 1, DataType.INT64);
        return hidden(parameters, prefix, tokens, positions, causalMask(manager, length, start + length), cache,
                training);
    }

    /**
     * The general form of {@link #hidden(ParameterStore, NDArray, NDArray, long, KvCache, boolean)}
     * for batches of sequences at different positions.
     *
     * @param positions position ids of the sequence elements, [P + T] or [B, P + T]
     * @param mask additive attention mask broadcastable to [B, heads, P + T, keys], or null
     */
    public NDArray hidden(
            ParameterStore parameters, NDArray prefix, NDArray tokens, NDArray positions, NDArray mask,
            KvCache cache, boolean training) {
        NDArray x = embed(parameters, tokenEmbedding, tokens, training);
        long prefixLength = 0;
        if (prefix != null) {
            prefixLength = prefix.getShape().get(1);
            x = NDArrays.concat(new NDList(prefix, x), 1);
        }
        long keys = x.getShape().get(1) + (cache == null ? 0 : cache.length());
        if (keys > config.maxSequenceLength() && cache == null) {
            throw new IllegalArgumentException("sequence of " + keys + " positions is longer than the model's "
                    + config.maxSequenceLength());
        }
        x = x.add(embed(parameters, positionEmbedding, positions, training));
        x = Layers.dropout(x, config.dropout(), training);
        for (int i = 0; i < blocks.length; i++) {
            // Only the token positions' outputs leave the last block: there the prefix only gives
            // keys and values, which spares it most of that block's work (queries, feed-forward).
            long outputsFrom = i == blocks.length - 1 ? prefixLength : 0;
            x = blocks[i].forward(parameters, x, mask, cache, i, training, outputsFrom);
        }
        return Layers.apply(norm, parameters, x, training);
    }

    /** [..., width] hidden states to [..., vocabulary] logits. */
    public NDArray logits(ParameterStore parameters, NDArray hidden, boolean training) {
        return Layers.apply(head, parameters, hidden, training);
    }

    private static NDArray embed(
            ParameterStore parameters, Parameter table, NDArray ids, boolean training) {
        NDArray weight = parameters.getValue(table, ids.getDevice(), training);
        return ids.getNDArrayInternal().embedding(ids, weight, SparseFormat.DENSE).singletonOrThrow();
    }

    /**
     * Additive mask for queries at the last {@code queries} of {@code keys} positions: each query
     * sees itself and every earlier position. Null when no key lies in a query's future.
     */
    static NDArray causalMask(NDManager manager, long queries, long keys) {
        if (queries == 1) {
            return null;
        }
        long offset = keys - queries;
        float[] mask = new float[Math.toIntExact(queries * keys)];
        for (int query = 0; query < queries; query++) {
            for (long key = offset + query + 1; key < keys; key++) {
                mask[(int) (query * keys + key)] = MASKED;
            }
        }
        return manager.create(mask, new Shape(queries, keys));
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameters, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray hidden = hidden(parameters, null, inputs.singletonOrThrow(), 0, null, training);
        return new NDList(logits(parameters, hidden, training));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        for (var child : getChildren().values()) {
            Layers.initialize(child, manager, dataType, config.textWidth());
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0].addAll(new Shape(config.vocabularySize()))};
    }
}
