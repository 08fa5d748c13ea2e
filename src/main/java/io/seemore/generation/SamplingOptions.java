package io.seemore.generation;

/**
 * How the next token is chosen.
 *
 * @param maxTokens most tokens to generate
 * @param temperature 0 for greedy decoding; otherwise logits are divided by it before sampling
 * @param topK sample among the k most likely tokens only (0: all)
 * @param topP sample among the most likely tokens whose probabilities add up to p (1: all)
 * @param seed seed of the sampler; the same seed gives the same text
 */
public record SamplingOptions(int maxTokens, float temperature, int topK, float topP, long seed) {

    public static final int DEFAULT_MAX_TOKENS = 64;

    public SamplingOptions {
        if (maxTokens < 1) {
            throw new IllegalArgumentException("maxTokens must be at least 1");
        }
        if (!(temperature >= 0) || temperature > 2) {
            throw new IllegalArgumentException("temperature must be between 0 and 2");
        }
        if (topK < 0) {
            throw new IllegalArgumentException("topK must not be negative");
        }
        if (!(topP > 0) || topP > 1) {
            throw new IllegalArgumentException("topP must be in (0, 1]");
        }
    }

    public static SamplingOptions greedy(int maxTokens) {
        return new SamplingOptions(maxTokens, 0f, 0, 1f, 0);
    }

    public boolean isGreedy() {
        return temperature == 0f;
    }
}
