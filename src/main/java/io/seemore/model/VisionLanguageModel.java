package io.seemore.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;

/**
 * The seemore network: vision encoder, projector and text decoder. The image's tokens are
 * projected into the decoder's embedding space and read before the text.
 */
public final class VisionLanguageModel extends AbstractBlock {

    private static final float INITIAL_WEIGHT_STDDEV = 0.02f;

    private final ModelConfig config;
    private final VisionEncoder visionEncoder;
    private final FeedForward projector;
    private final TextDecoder decoder;

    public VisionLanguageModel(ModelConfig config) {
        this.config = config;
        visionEncoder = addChildBlock("visionEncoder", new VisionEncoder(config));
        projector = addChildBlock("projector", Projector.create(config));
        decoder = addChildBlock("decoder", new TextDecoder(config));
        setInitializer(new NormalInitializer(INITIAL_WEIGHT_STDDEV), Parameter.Type.WEIGHT);
    }

    /** Creates a network with freshly initialised parameters in the given manager. */
    public static VisionLanguageModel create(ModelConfig config, NDManager manager) {
        VisionLanguageModel model = new VisionLanguageModel(config);
        model.initialize(manager, DataType.FLOAT32, model.inputShapes(1, 1));
        return model;
    }

    public ModelConfig config() {
        return config;
    }

    public VisionEncoder visionEncoder() {
        return visionEncoder;
    }

    public FeedForward projector() {
        return projector;
    }

    public TextDecoder decoder() {
        return decoder;
    }

    /** The image and token shapes this network takes for a batch. */
    public Shape[] inputShapes(long batch, long tokens) {
        return new Shape[] {config.imageShape(batch), new Shape(batch, tokens)};
    }

    /** [B, 3, H, W] normalised images to [B, imageTokens, textWidth] decoder inputs. */
    public NDArray encodeImages(ParameterStore parameters, NDArray images, boolean training) {
        return encodeImages(parameters, images, training, training);
    }

    private NDArray encodeImages(ParameterStore parameters, NDArray images, boolean visionTraining, boolean training) {
        NDArray vision = visionEncoder.forward(parameters, images, visionTraining);
        NDArray selected = config.imageTokens() == ModelConfig.ImageTokens.CLS
                ? vision.get(new NDIndex(":, :1, :"))
                : vision.get(new NDIndex(":, 1:, :"));
        return projector.forward(parameters, selected, training);
    }

    /** The full forward pass: logits [B, T, vocabulary] at every token position. */
    public NDArray logits(ParameterStore parameters, NDArray images, NDArray tokens, boolean training) {
        return logits(parameters, images, tokens, training, training);
    }

    /**
     * The same, with the vision encoder in inference mode when {@code visionTraining} is false: a
     * frozen encoder keeps its batch-norm statistics and skips dropout.
     */
    public NDArray logits(ParameterStore parameters, NDArray images, NDArray tokens, boolean visionTraining,
            boolean training) {
        NDArray imageTokens = encodeImages(parameters, images, visionTraining, training);
        NDArray hidden = decoder.hidden(parameters, imageTokens, tokens, 0, null, training);
        return decoder.logits(parameters, hidden, training);
    }

    /**
     * Reads the image tokens and the prompt into the cache; returns the logits [B, vocabulary] for
     * the token after the prompt.
     */
    public NDArray prefill(
            ParameterStore parameters, NDArray imageTokens, NDArray tokens, KvCache cache) {
        NDArray hidden = decoder.hidden(parameters, imageTokens, tokens, 0, cache, false);
        long last = hidden.getShape().get(1) - 1;
        return decoder.logits(parameters, hidden.get(new NDIndex(":, {}, :", last)), false);
    }

    /**
     * Feeds one more token per sequence of a batch whose sequences sit at different positions.
     *
     * @param tokens [B, 1] the last token of each sequence
     * @param positions [B, 1] the position of that token in its own sequence
     * @param mask additive [B, 1, 1, keys] mask hiding each sequence's padding in the cache
     */
    public NDArray decodeStep(ParameterStore parameters, NDArray tokens, NDArray positions, NDArray mask,
            KvCache cache) {
        NDArray hidden = decoder.hidden(parameters, null, tokens, positions, mask, cache, false);
        return decoder.logits(parameters, hidden.get(new NDIndex(":, 0, :")), false);
    }

    public KvCache newCache(NDManager manager) {
        return new KvCache(manager, config.textLayers(), config.maxSequenceLength());
    }

    /** Inputs: images [B, 3, H, W] and tokens [B, T]; output: logits [B, T, vocabulary]. */
    @Override
    protected NDList forwardInternal(
            ParameterStore parameters, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(logits(parameters, inputs.get(0), inputs.get(1), training));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape[] shapes = inputShapes(1, 1);
        visionEncoder.initialize(manager, dataType, shapes[0]);
        Layers.initialize(projector, manager, dataType, config.visionWidth());
        decoder.initialize(manager, dataType, shapes[1]);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[1].addAll(new Shape(config.vocabularySize()))};
    }

    /** Number of scalar parameters. */
    public long parameterCount() {
        return getParameters().values().stream().mapToLong(p -> p.getArray().getShape().size()).sum();
    }
}
