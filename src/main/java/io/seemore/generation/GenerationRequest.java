package io.seemore.generation;

import java.util.List;

/**
 * What a client asks for, before validation; null fields take their defaults.
 *
 * @param image encoded image bytes (PNG, JPEG, GIF or BMP)
 * @param prompt the question; empty or null asks for a caption
 * @param stop strings that end the answer (left out of it)
 */
public record GenerationRequest(
        byte[] image, String prompt, Integer maxTokens, Float temperature, Integer topK, Float topP, Long seed,
        List<String> stop) {

    public GenerationRequest(byte[] image, String prompt, Integer maxTokens, Float temperature, Integer topK,
            Float topP, Long seed) {
        this(image, prompt, maxTokens, temperature, topK, topP, seed, List.of());
    }
}
