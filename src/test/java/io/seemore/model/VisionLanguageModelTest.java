package io.seemore.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Percentage.withPercentage;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class VisionLanguageModelTest {

    private static final int VOCABULARY = 20;

    private NDManager manager;
    private ParameterStore parameters;

    @BeforeEach
    void setUp() {
        manager = NDManager.newBaseManager();
        parameters = new ParameterStore(manager, false);
        Engine.getInstance().setRandomSeed(7);
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    private NDArray images(ModelConfig config, int batch) {
        return manager.randomNormal(config.imageShape(batch));
    }

    private NDArray tokens(int batch, int length) {
        return manager.randomInteger(0, VOCABULARY, new Shape(batch, length), DataType.INT64);
    }

    /**
     * Convolutions of the fine conv stem start with He's scale, std sqrt(2 / fan-in), while every
     * other weight keeps the transformer's N(0, 0.02).
     */
    @Test
    void convolutionsOfTheFineConvStemAreHeInitialised() {
        VisionLanguageModel model = VisionLanguageModel.create(ModelConfig.preset("compact", VOCABULARY), manager);
        var parameters = model.getParameters();
        NDArray first = parameters.get("01visionEncoder_01stem_01conv0_weight").getArray();
        NDArray second = parameters.get("01visionEncoder_01stem_03conv1_weight").getArray();
        NDArray projector = parameters.get("02projector_01expand_weight").getArray();

        assertThat(standardDeviation(first)).isCloseTo(Math.sqrt(2 / 27.0), withPercentage(15));
        assertThat(standardDeviation(second)).isCloseTo(Math.sqrt(2 / (9.0 * 32)), withPercentage(10));
        assertThat(standardDeviation(projector)).isCloseTo(0.02, withPercentage(10));
        // The batch-normalised conv stem keeps the initialisation the shipped model was trained from.
        NDArray shipped = VisionLanguageModel.create(ModelConfig.preset("small", VOCABULARY), manager).getParameters()
                .get("01visionEncoder_01stem_01conv0_weight").getArray();
        assertThat(standardDeviation(shipped)).isCloseTo(0.02, withPercentage(20));
    }

    private static double standardDeviation(NDArray weights) {
        return Math.sqrt(weights.square().mean().getFloat());
    }

    /** The tiny preset, and a wide input (2 x 5 patches) through the fine conv stem. */
    static List<ModelConfig> squareAndWideInputs() {
        ModelConfig tiny = ModelConfig.preset("tiny", VOCABULARY);
        return List.of(tiny, tiny.withImagePath("fine_conv", null).withPatchGrid(2, 5, ModelConfig.ImageFit.LETTERBOX));
    }

    @ParameterizedTest
    @MethodSource("squareAndWideInputs")
    void everyBlockHasTheExpectedOutputShape(ModelConfig config) {
        VisionLanguageModel model = VisionLanguageModel.create(config, manager);
        NDArray images = images(config, 2);
        int patches = config.patchCount();

        NDArray stem = model.visionEncoder().getChildren().get(0).getValue()
                .forward(parameters, new NDList(images), false).singletonOrThrow();
        assertThat(stem.getShape()).isEqualTo(new Shape(2, patches, config.visionWidth()));
        NDArray vision = model.visionEncoder().forward(parameters, images, false);
        assertThat(vision.getShape()).isEqualTo(new Shape(2, patches + 1, config.visionWidth()));
        NDArray imageTokens = model.encodeImages(parameters, images, false);
        assertThat(imageTokens.getShape()).isEqualTo(new Shape(2, patches, config.textWidth()));
        assertThat(patches).isEqualTo(config.imageHeight() / config.patchSize() * (config.imageWidth() / config.patchSize()));
        NDArray hidden = model.decoder().hidden(parameters, imageTokens, tokens(2, 5), 0, null, false);
        assertThat(hidden.getShape()).isEqualTo(new Shape(2, 5, config.textWidth()));
        assertThat(model.logits(parameters, images, tokens(2, 5), false).getShape())
                .isEqualTo(new Shape(2, 5, VOCABULARY));

        TransformerBlock block = new TransformerBlock(16, 4, 0f);
        block.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 16));
        NDArray x = manager.randomNormal(new Shape(3, 7, 16));
        assertThat(block.forward(parameters, new NDList(x), false).singletonOrThrow().getShape())
                .isEqualTo(new Shape(3, 7, 16));
        SelfAttention attention = new SelfAttention(16, 4, 0f);
        attention.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 16));
        assertThat(attention.forward(parameters, x, null, null, 0, false, 0).getShape()).isEqualTo(new Shape(3, 7, 16));
        FeedForward feedForward = new FeedForward(16, 64, 8, 0f);
        feedForward.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 16));
        assertThat(feedForward.forward(parameters, x, false).getShape()).isEqualTo(new Shape(3, 7, 8));
    }

    @Test
    void theClsVariantAndThePatchifyStemGiveOneImageToken() {
        ModelConfig blog = ModelConfig.preset("seemore", VOCABULARY);
        ModelConfig small = new ModelConfig(32, 32, ModelConfig.ImageFit.STRETCH, 8, blog.imageStem(), blog.imageTokens(), 32, 1, 2, 64, 32, 1, 2,
                16, VOCABULARY, 0.1f);
        VisionLanguageModel model = VisionLanguageModel.create(small, manager);
        assertThat(model.encodeImages(parameters, images(small, 2), false).getShape())
                .isEqualTo(new Shape(2, 1, 32));
    }

    @Test
    void changingALaterTokenNeverChangesEarlierLogits() {
        ModelConfig config = ModelConfig.preset("tiny", VOCABULARY);
        VisionLanguageModel model = VisionLanguageModel.create(config, manager);
        NDArray images = images(config, 1);
        long[] original = {1, 5, 6, 7, 8, 9, 10};
        long[] changed = original.clone();
        changed[4] = 15;
        NDArray before = model.logits(parameters, images, manager.create(original, new Shape(1, 7)), false);
        NDArray after = model.logits(parameters, images, manager.create(changed, new Shape(1, 7)), false);

        NDIndex earlier = new NDIndex(":, :4, :");
        assertThat(after.get(earlier).toFloatArray()).containsExactly(before.get(earlier).toFloatArray());
        assertThat(after.get(new NDIndex(":, 4:, :")).toFloatArray())
                .isNotEqualTo(before.get(new NDIndex(":, 4:, :")).toFloatArray());
    }

    @Test
    void theSeemorePresetHasTheParameterCountOfItsConfig() {
        int vocabulary = 65;
        ModelConfig config = ModelConfig.preset("seemore", vocabulary);
        assertThat(config.imageHeight()).isEqualTo(96);
        assertThat(config.imageWidth()).isEqualTo(96);
        assertThat(config.patchSize()).isEqualTo(16);
        assertThat(config.visionWidth()).isEqualTo(512);
        assertThat(config.textLayers()).isEqualTo(8);

        long v = config.visionWidth();
        long t = config.textWidth();
        long patch = config.patchSize();
        long vision = 3 * patch * patch * v + v // patchify convolution
                + v // CLS token
                + (config.patchCount() + 1) * v // positions
                + config.visionLayers() * transformerBlock(v)
                + 2 * v; // final norm
        long projector = v * config.projectorHidden() + config.projectorHidden()
                + config.projectorHidden() * t + t;
        long decoder = vocabulary * t + config.maxSequenceLength() * t
                + config.textLayers() * transformerBlock(t)
                + 2 * t + t * vocabulary + vocabulary;

        VisionLanguageModel model = VisionLanguageModel.create(config, manager);
        assertThat(model.parameterCount()).isEqualTo(vision + projector + decoder);
    }

    /** Two norms, fused QKV, output projection and a 4x feed-forward, all with biases. */
    private static long transformerBlock(long w) {
        return 2 * 2 * w + (w * 3 * w + 3 * w) + (w * w + w) + (w * 4 * w + 4 * w) + (4 * w * w + w);
    }

    @Test
    void cachedDecodingGivesTheLogitsOfTheFullForwardPass() {
        ModelConfig config = ModelConfig.preset("tiny", VOCABULARY);
        VisionLanguageModel model = VisionLanguageModel.create(config, manager);
        NDArray images = images(config, 1);
        long[] sequence = {1, 4, 9, 2, 11, 12, 13, 14};
        NDArray full = model.logits(parameters, images, manager.create(sequence, new Shape(1, sequence.length)), false);

        try (KvCache cache = model.newCache(manager)) {
            int prompt = 4;
            NDArray imageTokens = model.encodeImages(parameters, images, false);
            long[] promptIds = java.util.Arrays.copyOf(sequence, prompt);
            NDArray logits = model.prefill(parameters, imageTokens, manager.create(promptIds, new Shape(1, prompt)), cache);
            for (int position = prompt - 1; position < sequence.length; position++) {
                float[] expected = full.get(new NDIndex("0, {}, :", position)).toFloatArray();
                assertThat(logits.toFloatArray()).containsExactly(expected, org.assertj.core.data.Offset.offset(1e-4f));
                if (position + 1 < sequence.length) {
                    logits = model.decodeStep(parameters,
                            manager.create(new long[] {sequence[position + 1]}, new Shape(1, 1)),
                            manager.create(new long[] {cache.length()}, new Shape(1, 1)), null, cache);
                }
            }
            assertThat(cache.length()).isEqualTo(config.imageTokenCount() + sequence.length);
        }
    }
}
