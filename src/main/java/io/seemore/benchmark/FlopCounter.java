package io.seemore.benchmark;

import io.seemore.model.ModelConfig;

/** Floating-point operations of the seemore network, counted from its config (multiply-add = 2). */
final class FlopCounter {

    private FlopCounter() {}

    /** One training step: the forward pass and a backward pass of about twice its cost. */
    static double trainingStep(ModelConfig config, int batch, int textTokens) {
        return 3 * forward(config, batch, textTokens);
    }

    static double forward(ModelConfig config, int batch, int textTokens) {
        int patches = config.patchCount();
        double stem = 2.0 * 3 * config.patchSize() * config.patchSize() * config.visionWidth() * patches;
        double vision = stem + config.visionLayers() * block(config.visionWidth(), patches + 1);
        int imageTokens = config.imageTokenCount();
        double projector = 2.0 * imageTokens
                * ((double) config.visionWidth() * config.projectorHidden() + (double) config.projectorHidden() * config.textWidth());
        int decoderTokens = imageTokens + textTokens;
        double decoder = config.textLayers() * block(config.textWidth(), decoderTokens)
                + 2.0 * textTokens * config.textWidth() * config.vocabularySize();
        return batch * (vision + projector + decoder);
    }

    /** A transformer block over {@code tokens}: QKV, output and 4x feed-forward matmuls, plus attention. */
    private static double block(long width, long tokens) {
        return tokens * (2.0 * 12 * width * width + 4.0 * tokens * width);
    }
}
