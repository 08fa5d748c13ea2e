package io.seemore.training;

import io.seemore.model.ModelConfig;

/**
 * Native memory of a training run, estimated from the network's shape and the batch size before
 * the job is queued, so that a job that cannot fit is refused instead of taking the process down.
 * Activations follow Korthikanti et al. (2022), "Reducing Activation Recomputation in Large
 * Transformer Models": per block {@code 34 T W + 5 H T^2} values of 2 bytes; here fp32 and eager
 * PyTorch, which keeps each intermediate, so twice that; calibrated against measured peak
 * resident memory (README, "Limits").
 */
public final class TrainingMemory {

    private static final int FLOAT_BYTES = 4;
    /** Weights, gradients and AdamW's two moments. */
    private static final int COPIES_PER_PARAMETER = 4;
    /** Vocabulary assumed before the dataset is read (a character vocabulary is smaller). */
    private static final int VOCABULARY_BOUND = 128;
    /** The process itself: libtorch, the JVM's share, the dataset's decoded images. */
    private static final long BASE_BYTES = 512L << 20;

    private TrainingMemory() {}

    /** Estimated peak bytes of training {@code config} with batches of {@code batchSize}. */
    public static long estimate(ModelConfig config, int batchSize) {
        return BASE_BYTES + parameters(config) * COPIES_PER_PARAMETER * FLOAT_BYTES
                + batchSize * perExample(config);
    }

    /** The largest batch whose estimate stays within {@code budget} (0 when none does). */
    public static int largestBatch(ModelConfig config, long budget) {
        long room = budget - estimate(config, 0);
        return (int) Math.max(0, Math.min(Integer.MAX_VALUE, room / perExample(config)));
    }

    private static long parameters(ModelConfig c) {
        long vision = c.visionLayers() * 12L * c.visionWidth() * c.visionWidth()
                + (long) c.patchCount() * c.visionWidth() + 3L * c.patchSize() * c.patchSize() * c.visionWidth();
        long projector = (long) c.visionWidth() * c.projectorHidden() + (long) c.projectorHidden() * c.textWidth();
        long decoder = c.textLayers() * 12L * c.textWidth() * c.textWidth()
                + 2L * VOCABULARY_BOUND * c.textWidth() + (long) c.maxSequenceLength() * c.textWidth();
        return vision + projector + decoder;
    }

    /** Bytes of activations (and their gradients) one example keeps during a step. */
    private static long perExample(ModelConfig c) {
        long visionTokens = c.patchCount() + 1;
        long textTokens = c.maxSequenceLength();
        long values = c.visionLayers() * block(visionTokens, c.visionWidth(), c.visionHeads())
                + c.textLayers() * block(textTokens, c.textWidth(), c.textHeads())
                + stem(c)
                // logits, their log-softmax and its gradient
                + 3L * c.maxTextLength() * VOCABULARY_BOUND;
        return values * FLOAT_BYTES;
    }

    /**
     * Values one pre-LayerNorm transformer block keeps for backward: the paper's bytes at 2 bytes a
     * value, doubled for the intermediates eager fp32 PyTorch keeps.
     */
    private static long block(long tokens, int width, int heads) {
        return 34 * tokens * width + 5L * heads * tokens * tokens;
    }

    /** The image stem's activations: the input, and for a conv stem three convolution, norm and GELU outputs. */
    private static long stem(ModelConfig c) {
        long pixels = (long) c.imageHeight() * c.imageWidth();
        if (c.imageStem() == ModelConfig.ImageStem.PATCHIFY) {
            return 3 * pixels;
        }
        long values = 3 * pixels;
        int channels = Math.max(c.visionWidth() / 4, 8);
        // The fine stem's first convolution keeps full resolution; the plain one halves each time.
        int first = c.imageStem() == ModelConfig.ImageStem.FINE_CONV ? 0 : 1;
        for (int i = first; i < first + 3; i++) {
            values += 3L * channels * (pixels >> (2 * i));
            channels = Math.min(channels * 2, c.visionWidth());
        }
        return values;
    }
}
