package io.seemore.generation;

/**
 * What one generation produced.
 *
 * @param text the generated text (special tokens left out)
 * @param tokens the generated token ids, end-of-text not included
 * @param promptTokens tokens the model read: image tokens, and the prompt with its markers
 * @param finishReason why it stopped
 * @param timeToFirstTokenNanos from the start to the first generated token
 * @param totalNanos from the start to the end
 */
public record GenerationResult(
        String text, int[] tokens, int promptTokens, FinishReason finishReason,
        long timeToFirstTokenNanos, long totalNanos) {

    public int completionTokens() {
        return tokens.length;
    }
}
