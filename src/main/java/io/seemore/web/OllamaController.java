package io.seemore.web;

import io.seemore.generation.GenerationRequest;
import io.seemore.generation.GenerationService;
import io.seemore.generation.InvalidRequestException;
import io.swagger.v3.oas.annotations.Operation;
import java.io.IOException;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyEmitter;
import tools.jackson.databind.JsonNode;

/** Ollama-style {@code /api/generate}: streamed as NDJSON by default, errors as {"error": ...}. */
@RestController
public class OllamaController {

    static final MediaType NDJSON = MediaType.parseMediaType("application/x-ndjson");

    private final GenerationService generation;

    public OllamaController(GenerationService generation) {
        this.generation = generation;
    }

    @Operation(summary = "Ollama-style generation with base64 images")
    @PostMapping(path = "/api/generate", consumes = MediaType.APPLICATION_JSON_VALUE)
    public Object generate(@RequestBody JsonNode body) {
        GenerationRequest request = request(body);
        String model = JsonFields.text(body, "model", "");
        if (!JsonFields.bool(body, "stream", true)) {
            CompletableFuture<Map<String, Object>> answer = generation.generate(request)
                    .thenApply(done -> finalChunk(done, done.result().text()));
            return answer;
        }
        ResponseBodyEmitter emitter = new ResponseBodyEmitter(0L);
        GenerationService.Handle handle = generation.start(request, new GenerationService.AnswerListener() {
            @Override
            public void onText(String text) {
                Map<String, Object> chunk = new LinkedHashMap<>();
                chunk.put("model", model);
                chunk.put("created_at", Instant.now().toString());
                chunk.put("response", text);
                chunk.put("done", false);
                send(emitter, chunk);
            }

            @Override
            public void onAnswer(GenerationService.Answer answer) {
                send(emitter, finalChunk(answer, ""));
                emitter.complete();
            }

            @Override
            public void onError(RuntimeException error) {
                emitter.completeWithError(error);
            }
        });
        Streams.bind(emitter, handle);
        return org.springframework.http.ResponseEntity.ok().contentType(NDJSON).body(emitter);
    }

    private static Map<String, Object> finalChunk(GenerationService.Answer answer, String response) {
        var result = answer.result();
        Map<String, Object> chunk = new LinkedHashMap<>();
        chunk.put("model", answer.model());
        chunk.put("created_at", Instant.now().toString());
        chunk.put("response", response);
        chunk.put("done", true);
        chunk.put("done_reason", result.finishReason().wireName());
        chunk.put("total_duration", result.totalNanos());
        chunk.put("load_duration", 0);
        chunk.put("prompt_eval_count", result.promptTokens());
        chunk.put("prompt_eval_duration", result.timeToFirstTokenNanos());
        chunk.put("eval_count", result.completionTokens());
        chunk.put("eval_duration", result.totalNanos() - result.timeToFirstTokenNanos());
        return chunk;
    }

    private static void send(ResponseBodyEmitter emitter, Map<String, Object> line) {
        try {
            emitter.send(line, MediaType.APPLICATION_JSON);
            emitter.send("\n", MediaType.TEXT_PLAIN);
        } catch (IOException | IllegalStateException e) {
            emitter.completeWithError(e);
        }
    }

    static GenerationRequest request(JsonNode body) {
        JsonFields.object(body);
        JsonNode images = body.path("images");
        if (!images.isArray() || images.isEmpty()) {
            throw new InvalidRequestException("images", "images must hold one base64 image");
        }
        byte[] image;
        try {
            if (!images.get(0).isString()) {
                throw new InvalidRequestException("images", "images[0] must be a base64 string");
            }
            image = Base64.getMimeDecoder().decode(images.get(0).asString());
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("images", "images[0] is not valid base64");
        }
        JsonNode options = body.path("options");
        if (!options.isMissingNode() && !options.isNull() && !options.isObject()) {
            throw new InvalidRequestException("options", "options must be an object");
        }
        return new GenerationRequest(image, JsonFields.text(body, "prompt", ""),
                JsonFields.integer(options, "num_predict"), JsonFields.decimal(options, "temperature"),
                JsonFields.integer(options, "top_k"), JsonFields.decimal(options, "top_p"), JsonFields.seed(options),
                JsonFields.stops(options.path("stop")));
    }
}
