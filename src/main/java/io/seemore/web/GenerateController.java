package io.seemore.web;

import io.seemore.generation.GenerationRequest;
import io.seemore.generation.GenerationService;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

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
            produces = MediaType.APPLICATION_JSON_VALUE, params = "!stream")
    public CompletableFuture<GenerateResponse> generate(
            @Parameter(description = "PNG, JPEG, GIF or BMP image") @RequestPart("image") MultipartFile image,
            @Parameter(description = "Question about the image; empty asks for a caption")
            @RequestParam(required = false) String prompt,
            @Parameter(description = "Most tokens to generate (default: as many as the model takes)") @RequestParam(required = false) Integer maxTokens,
            @Parameter(description = "0 (default) is greedy; up to 2") @RequestParam(required = false) Float temperature,
            @Parameter(description = "Sample among the k most likely tokens; 0 (default) is off")
            @RequestParam(required = false) Integer topK,
            @Parameter(description = "Nucleus sampling mass in (0, 1]; 1 (default) is off")
            @RequestParam(required = false) Float topP,
            @Parameter(description = "Sampling seed, for repeatable samples") @RequestParam(required = false) Long seed)
            throws IOException {
        GenerationRequest request = new GenerationRequest(image.getBytes(), prompt, maxTokens, temperature, topK, topP, seed);
        return generation.generate(request).thenApply(GenerateResponse::of);
    }

    @Operation(summary = "The same, streamed as server-sent events",
            description = "One 'token' event per token ({\"text\": ...}), then a 'done' event with the whole answer.")
    @PostMapping(path = "/generate", consumes = MediaType.MULTIPART_FORM_DATA_VALUE,
            produces = MediaType.TEXT_EVENT_STREAM_VALUE, params = "stream")
    public SseEmitter stream(@RequestPart("image") MultipartFile image,
            @RequestParam(required = false) String prompt, @RequestParam(required = false) Integer maxTokens,
            @RequestParam(required = false) Float temperature, @RequestParam(required = false) Integer topK,
            @RequestParam(required = false) Float topP, @RequestParam(required = false) Long seed,
            @RequestParam boolean stream) throws IOException {
        GenerationRequest request = new GenerationRequest(image.getBytes(), prompt, maxTokens, temperature, topK, topP, seed);
        if (!stream) {
            throw new io.seemore.generation.InvalidRequestException("stream",
                    "leave stream out, or set it to true for server-sent events");
        }
        SseEmitter emitter = new SseEmitter(0L);
        Streams.bind(emitter, generation.start(request, new GenerationService.AnswerListener() {
            @Override
            public void onText(String text) {
                Streams.send(emitter, "token", Map.of("text", text));
            }

            @Override
            public void onAnswer(GenerationService.Answer answer) {
                Streams.send(emitter, "done", GenerateResponse.of(answer));
                emitter.complete();
            }

            @Override
            public void onError(RuntimeException error) {
                emitter.completeWithError(error);
            }
        }));
        return emitter;
    }
}
