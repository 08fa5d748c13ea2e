package io.seemore.web;

import io.seemore.generation.GenerationRequest;
import io.seemore.generation.GenerationService;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import java.io.IOException;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

/** {@code POST /generate}: an uploaded image and an optional prompt in, generated text out. */
@RestController
public class GenerateController {

    private final GenerationService generation;

    public GenerateController(GenerationService generation) {
        this.generation = generation;
    }

    @Operation(summary = "Describe an image or answer a question about it",
            description = "Without a prompt the model writes a caption. Greedy decoding unless a temperature is given.")
    @PostMapping(path = "/generate", consumes = MediaType.MULTIPART_FORM_DATA_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    public GenerateResponse generate(
            @Parameter(description = "PNG, JPEG, GIF or BMP image") @RequestPart("image") MultipartFile image,
            @Parameter(description = "Question about the image; empty asks for a caption")
            @RequestParam(required = false) String prompt,
            @Parameter(description = "Most tokens to generate (default 64)") @RequestParam(required = false) Integer maxTokens,
            @Parameter(description = "0 (default) is greedy; up to 2") @RequestParam(required = false) Float temperature,
            @Parameter(description = "Sample among the k most likely tokens; 0 (default) is off")
            @RequestParam(required = false) Integer topK,
            @Parameter(description = "Nucleus sampling mass in (0, 1]; 1 (default) is off")
            @RequestParam(required = false) Float topP,
            @Parameter(description = "Sampling seed, for repeatable samples") @RequestParam(required = false) Long seed)
            throws IOException {
        GenerationRequest request = new GenerationRequest(image.getBytes(), prompt, maxTokens, temperature, topK, topP, seed);
        return GenerateResponse.of(generation.generate(request));
    }
}
