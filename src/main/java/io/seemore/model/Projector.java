package io.seemore.model;

/**
 * The vision-language projector: an MLP from the vision width into the decoder's embedding
 * space, so that image features become tokens the decoder reads like text.
 */
public final class Projector {

    private Projector() {}

    public static FeedForward create(ModelConfig config) {
        return new FeedForward(config.visionWidth(), config.projectorHidden(), config.textWidth(),
                config.dropout());
    }
}
