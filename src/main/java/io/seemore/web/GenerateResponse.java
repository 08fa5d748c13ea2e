package io.seemore.web;

import io.seemore.generation.GenerationService;

/**
 * The answer of {@code POST /generate}.
 *
 * @param text the generated text
 * @param finishReason {@code stop} (the model ended its answer) or {@code length} (maxTokens reached)
 * @param promptTokens tokens the model read (image tokens and prompt)
 * @param completionTokens tokens generated
 * @param model id of the model that answered
 * @param timings how long it took
 */
public record GenerateResponse(
        String text, String finishReason, int promptTokens, int completionTokens, String model, Timings timings) {

    /** Milliseconds to the first token and in total, and the decoding speed. */
    public record Timings(double timeToFirstTokenMs, double totalMs, double tokensPerSecond) {}

    static GenerateResponse of(GenerationService.Answer answer) {
        var result = answer.result();
        double totalMs = result.totalNanos() / 1e6;
        double firstMs = result.timeToFirstTokenNanos() / 1e6;
        double decodeSeconds = (totalMs - firstMs) / 1000;
        double tokensPerSecond = result.completionTokens() > 1 && decodeSeconds > 0
                ? (result.completionTokens() - 1) / decodeSeconds : 0;
        return new GenerateResponse(result.text(), result.finishReason().wireName(), result.promptTokens(),
                result.completionTokens(), answer.model(), new Timings(firstMs, totalMs, tokensPerSecond));
    }
}
