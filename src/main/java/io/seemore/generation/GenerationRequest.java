package io.seemore.generation;

/**
 * What a client asks for, before validation; null fields take their defaults.
 *
 * @param image encoded image bytes (PNG, JPEG, GIF or BMP)
 * @param prompt the question; empty or null asks for a caption
 */
public record GenerationRequest(
        byte[] image, String prompt, Integer maxTokens, Float temperature, Integer topK, Float topP, Long seed) {}
