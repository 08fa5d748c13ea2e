package io.seemore.web;

import io.seemore.generation.GenerationRequest;
import io.seemore.generation.GenerationService;
import io.seemore.generation.InvalidRequestException;
import io.seemore.registry.ModelRegistry;
import io.swagger.v3.oas.annotations.Operation;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import tools.jackson.databind.JsonNode;

/**
 * OpenAI-style chat completions: the last user message's text and {@code image_url} parts
 * ({@code data:} URLs only; the service fetches nothing). Errors come in OpenAI's error shape.
 */
@RestController
@RequestMapping("/v1")
public class OpenAiController {

    private final GenerationService generation;
    private final ModelRegistry registry;

    public OpenAiController(GenerationService generation, ModelRegistry registry) {
        this.generation = generation;
        this.registry = registry;
    }

    @Operation(summary = "OpenAI-style chat completion with an image")
    @PostMapping(path = "/chat/completions", consumes = MediaType.APPLICATION_JSON_VALUE)
    public Object complete(@RequestBody JsonNode body) {
        GenerationRequest request = request(body);
        boolean stream = JsonFields.bool(body, "stream", false);
        String id = "chatcmpl-" + UUID.randomUUID();
        long created = Instant.now().getEpochSecond();
        if (!stream) {
            CompletableFuture<Map<String, Object>> answer = generation.generate(request).thenApply(done -> {
                Map<String, Object> response = envelope(id, "chat.completion", created, done.model());
                response.put("choices", List.of(Map.of("index", 0,
                        "message", Map.of("role", "assistant", "content", done.result().text()),
                        "finish_reason", done.result().finishReason().wireName())));
                response.put("usage", usage(done));
                return response;
            });
            return answer;
        }
        SseEmitter emitter = new SseEmitter(0L);
        String model = registry.active().map(m -> m.id()).orElse("");
        Streams.bind(emitter, generation.start(request, new GenerationService.AnswerListener() {
            private boolean first = true;

            @Override
            public void onText(String text) {
                Map<String, Object> delta = new LinkedHashMap<>();
                if (first) {
                    delta.put("role", "assistant");
                    first = false;
                }
                delta.put("content", text);
                Streams.send(emitter, null, chunk(id, created, model, delta, null, null));
            }

            @Override
            public void onAnswer(GenerationService.Answer answer) {
                Streams.send(emitter, null, chunk(id, created, answer.model(), Map.of(),
                        answer.result().finishReason().wireName(), usage(answer)));
                try {
                    emitter.send(SseEmitter.event().data("[DONE]", MediaType.TEXT_PLAIN));
                } catch (java.io.IOException | IllegalStateException e) {
                    emitter.completeWithError(e);
                    return;
                }
                emitter.complete();
            }

            @Override
            public void onError(RuntimeException error) {
                emitter.completeWithError(error);
            }
        }));
        return emitter;
    }

    @GetMapping("/models")
    public Map<String, Object> models() {
        List<Map<String, Object>> data = registry.versions().stream().map(version -> Map.<String, Object>of(
                "id", version.id(), "object", "model",
                "created", version.createdAt() == null ? 0 : version.createdAt().getEpochSecond(),
                "owned_by", "seemore")).toList();
        return Map.of("object", "list", "data", data);
    }

    private static Map<String, Object> envelope(String id, String object, long created, String model) {
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("id", id);
        response.put("object", object);
        response.put("created", created);
        response.put("model", model);
        return response;
    }

    private static Map<String, Object> chunk(String id, long created, String model, Map<String, Object> delta,
            String finishReason, Map<String, Object> usage) {
        Map<String, Object> chunk = envelope(id, "chat.completion.chunk", created, model);
        Map<String, Object> choice = new LinkedHashMap<>();
        choice.put("index", 0);
        choice.put("delta", delta);
        choice.put("finish_reason", finishReason);
        chunk.put("choices", List.of(choice));
        if (usage != null) {
            chunk.put("usage", usage);
        }
        return chunk;
    }

    private static Map<String, Object> usage(GenerationService.Answer answer) {
        int prompt = answer.result().promptTokens();
        int completion = answer.result().completionTokens();
        return Map.of("prompt_tokens", prompt, "completion_tokens", completion, "total_tokens", prompt + completion);
    }

    /** The generation request of a chat: the last user message's text and image. */
    static GenerationRequest request(JsonNode body) {
        JsonFields.object(body);
        JsonNode messages = body.path("messages");
        if (!messages.isArray() || messages.isEmpty()) {
            throw new InvalidRequestException("messages", "messages must be a non-empty array");
        }
        JsonNode user = null;
        for (JsonNode message : messages) {
            if ("user".equals(JsonFields.text(message, "role", ""))) {
                user = message;
            }
        }
        if (user == null) {
            throw new InvalidRequestException("messages", "messages must hold a message with role user");
        }
        StringBuilder text = new StringBuilder();
        byte[] image = null;
        JsonNode content = user.path("content");
        if (content.isString()) {
            text.append(content.asString());
        } else if (content.isArray()) {
            for (JsonNode part : content) {
                String type = JsonFields.text(part, "type", "");
                if (type.equals("text")) {
                    text.append(JsonFields.text(part, "text", ""));
                } else if (type.equals("image_url")) {
                    image = dataUrl(JsonFields.text(part.path("image_url"), "url", ""));
                } else {
                    throw new InvalidRequestException("messages", "content parts must be of type text or image_url");
                }
            }
        } else {
            throw new InvalidRequestException("messages", "content must be a string or an array of parts");
        }
        if (image == null) {
            throw new InvalidRequestException("image_url", "the user message needs an image_url part");
        }
        return new GenerationRequest(image, text.toString(),
                JsonFields.integer(body, "max_tokens"), JsonFields.decimal(body, "temperature"), null,
                JsonFields.decimal(body, "top_p"), JsonFields.seed(body), JsonFields.stops(body.path("stop")));
    }

    private static byte[] dataUrl(String url) {
        if (url.startsWith("http://") || url.startsWith("https://")) {
            throw new InvalidRequestException("image_url", "image_url " + url + " cannot be fetched: this service "
                    + "reaches no network; send the image inline as a data:image/...;base64,... URL");
        }
        int comma = url.indexOf(',');
        if (!url.startsWith("data:image/") || comma < 0 || !url.substring(0, comma).endsWith(";base64")) {
            throw new InvalidRequestException("image_url", "image_url must be a data:image/...;base64,... URL");
        }
        try {
            return Base64.getMimeDecoder().decode(url.substring(comma + 1));
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("image_url", "image_url holds invalid base64");
        }
    }
}
