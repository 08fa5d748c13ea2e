package io.seemore.web;

import static io.seemore.web.TestHttp.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.seemore.datasets.ShapesScene;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/** Streaming /generate, the OpenAI- and Ollama-style endpoints, and a full waiting queue. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"seemore.generation.queue-capacity=2", "seemore.generation.max-batch-size=2"})
class CompatibleApisTest {

    @LocalServerPort
    int port;

    TestHttp http;
    byte[] scene = ShapesScene.random(new SplittableRandom(8)).png();

    @BeforeEach
    void client() {
        http = new TestHttp(port);
    }

    private String dataUrl() {
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(scene);
    }

    private Map<String, Object> chat(Object content, boolean stream) {
        return Map.of("model", "seemore-shapes", "stream", stream, "max_tokens", 60,
                "messages", List.of(Map.of("role", "system", "content", "be brief"), Map.of("role", "user", "content", content)));
    }

    private List<String> lines(HttpResponse<String> response) {
        return response.body().lines().filter(line -> !line.isBlank()).toList();
    }

    @Test
    void generateStreamsTokensAsServerSentEventsEndingWithTheAnswer() throws Exception {
        String whole = json(http.multipart("/generate", Map.of(), Map.of("image", scene)), 200).get("text").asString();
        HttpResponse<String> stream = http.multipart("/generate", Map.of("stream", "true"), Map.of("image", scene));
        assertThat(stream.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        List<String> lines = lines(stream);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < lines.size() - 1; i++) {
            if (lines.get(i).equals("event:token")) {
                text.append(TestHttp.JSON.readTree(lines.get(i + 1).substring(5)).get("text").asString());
            }
        }
        assertThat(lines.get(lines.size() - 2)).isEqualTo("event:done");
        JsonNode done = TestHttp.JSON.readTree(lines.get(lines.size() - 1).substring(5));
        assertThat(text.toString()).isEqualTo(whole).isEqualTo(done.get("text").asString());
        assertThat(done.get("finishReason").asString()).isEqualTo("stop");
        assertThat(done.get("model").asString()).isEqualTo("seemore-shapes");
    }

    @Test
    void chatCompletionsAnswerInOpenAisFormatStreamedOrNot() throws Exception {
        List<Map<String, Object>> content = List.of(Map.of("type", "text", "text", "how many shapes are there?"),
                Map.of("type", "image_url", "image_url", Map.of("url", dataUrl())));
        JsonNode completion = json(http.postJson("/v1/chat/completions", chat(content, false)), 200);
        assertThat(completion.get("object").asString()).isEqualTo("chat.completion");
        JsonNode choice = completion.get("choices").get(0);
        assertThat(choice.get("message").get("role").asString()).isEqualTo("assistant");
        assertThat(choice.get("finish_reason").asString()).isEqualTo("stop");
        String answer = choice.get("message").get("content").asString();
        assertThat(answer).matches("[1-4]");
        JsonNode usage = completion.get("usage");
        assertThat(usage.get("total_tokens").asInt())
                .isEqualTo(usage.get("prompt_tokens").asInt() + usage.get("completion_tokens").asInt());

        List<String> lines = lines(http.postJson("/v1/chat/completions", chat(content, true)));
        assertThat(lines).last().isEqualTo("data:[DONE]");
        StringBuilder streamed = new StringBuilder();
        String finish = null;
        for (String line : lines.subList(0, lines.size() - 1)) {
            JsonNode chunk = TestHttp.JSON.readTree(line.substring(5));
            assertThat(chunk.get("object").asString()).isEqualTo("chat.completion.chunk");
            JsonNode delta = chunk.get("choices").get(0).get("delta");
            streamed.append(delta.path("content").asString(""));
            if (chunk.get("choices").get(0).get("finish_reason").isString()) {
                finish = chunk.get("choices").get(0).get("finish_reason").asString();
            }
        }
        assertThat(streamed.toString()).isEqualTo(answer);
        assertThat(finish).isEqualTo("stop");

        JsonNode models = json(http.get("/v1/models"), 200);
        assertThat(models.get("data").valueStream().map(m -> m.get("id").asString())).contains("seemore-shapes");
    }

    @Test
    void chatCompletionsRefuseBadRequestsInOpenAisErrorShape() throws Exception {
        assertOpenAiError(http.postJson("/v1/chat/completions", chat("no image here", false)), "image_url");
        assertOpenAiError(http.postJson("/v1/chat/completions", chat(List.of(Map.of("type", "image_url",
                "image_url", Map.of("url", "https://example.invalid/cat.png"))), false)), "image_url");
        assertOpenAiError(http.postJson("/v1/chat/completions", "{not json"), null);
        assertOpenAiError(http.postJson("/v1/chat/completions", Map.of("messages", List.of(Map.of("role", "user",
                "content", List.of(Map.of("type", "image_url", "image_url", Map.of("url", dataUrl()))))),
                "max_tokens", "lots")), "max_tokens");
        JsonNode remote = json(http.postJson("/v1/chat/completions", chat(List.of(Map.of("type", "image_url",
                "image_url", Map.of("url", "http://example.invalid/cat.png"))), false)), 400);
        assertThat(remote.get("error").get("message").asString()).contains("cannot be fetched");
    }

    private static void assertOpenAiError(HttpResponse<String> response, String param) {
        JsonNode error = json(response, 400).get("error");
        assertThat(error.get("type").asString()).isEqualTo("invalid_request_error");
        assertThat(error.get("message").asString()).isNotBlank();
        if (param != null) {
            assertThat(error.get("param").asString()).isEqualTo(param);
        }
    }

    @Test
    void ollamaGenerateStreamsNdjsonAndAnswersInItsFormat() throws Exception {
        Map<String, Object> request = Map.of("model", "seemore-shapes", "prompt", "",
                "images", List.of(Base64.getEncoder().encodeToString(scene)), "options", Map.of("num_predict", 60));
        HttpResponse<String> stream = http.postJson("/api/generate", request);
        assertThat(stream.headers().firstValue("Content-Type").orElse("")).startsWith("application/x-ndjson");
        List<JsonNode> chunks = lines(stream).stream().map(TestHttp.JSON::readTree).toList();
        JsonNode last = chunks.get(chunks.size() - 1);
        assertThat(last.get("done").asBoolean()).isTrue();
        assertThat(last.get("done_reason").asString()).isEqualTo("stop");
        assertThat(last.get("eval_count").asInt()).isEqualTo(chunks.size() - 1);
        assertThat(last.get("total_duration").asLong()).isPositive();
        StringBuilder text = new StringBuilder();
        chunks.subList(0, chunks.size() - 1).forEach(c -> text.append(c.get("response").asString()));

        Map<String, Object> whole = new java.util.HashMap<>(request);
        whole.put("stream", false);
        JsonNode answer = json(http.postJson("/api/generate", whole), 200);
        assertThat(answer.get("response").asString()).isEqualTo(text.toString()).isNotEmpty();
        assertThat(answer.get("done").asBoolean()).isTrue();

        // A stop string from the middle of the answer: the stream never shows its beginning.
        String caption = answer.get("response").asString();
        String stop = caption.substring(caption.length() / 2, caption.length() / 2 + 3);
        Map<String, Object> stopped = new java.util.HashMap<>(request);
        stopped.put("options", Map.of("num_predict", 60, "stop", List.of(stop)));
        List<JsonNode> stoppedChunks = lines(http.postJson("/api/generate", stopped)).stream()
                .map(TestHttp.JSON::readTree).toList();
        StringBuilder shown = new StringBuilder();
        stoppedChunks.subList(0, stoppedChunks.size() - 1).forEach(c -> shown.append(c.get("response").asString()));
        assertThat(shown.toString()).isEqualTo(caption.substring(0, caption.indexOf(stop)));
        assertThat(stoppedChunks.get(stoppedChunks.size() - 1).get("done_reason").asString()).isEqualTo("stop");

        JsonNode error = json(http.postJson("/api/generate", Map.of("prompt", "hi")), 400);
        assertThat(error.get("error").asString()).contains("images");
        assertThat(json(http.postJson("/api/generate", Map.of("images", List.of("%%%"), "prompt", "")), 400)
                .get("error").isString()).isTrue();
    }

    @Test
    void aStreamingClientThatGoesAwayIsCancelled() throws Exception {
        // Greedy captions of the shipped model end with "stop"; only a cancelled request ends with "length".
        // A caption takes milliseconds, so the client often loses the race: up to 20 tries.
        for (int attempt = 0; attempt < 20; attempt++) {
            double cancelledBefore = finished("length");
            HttpRequest request = io.seemore.benchmark.MultipartForm.post(
                    URI.create("http://localhost:" + port + "/generate"), Map.of("stream", "true", "maxTokens", "90"),
                    Map.of("image", scene));
            HttpResponse<java.io.InputStream> stream = HttpClient.newHttpClient().send(request,
                    HttpResponse.BodyHandlers.ofInputStream());
            try (var events = new java.io.BufferedReader(new java.io.InputStreamReader(stream.body()))) {
                assertThat(events.readLine()).isEqualTo("event:token");
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            while (finished("length") == cancelledBefore && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            if (finished("length") == cancelledBefore + 1) {
                return;
            }
        }
        throw new AssertionError("no streaming request was cancelled when its client went away, in 20 tries");
    }

    /** Requests finished for {@code reason} so far, from the service's own metrics. */
    private double finished(String reason) throws Exception {
        String prefix = "seemore_generation_requests_finished_total{application=\"seemore\",finish_reason=\""
                + reason + "\"}";
        return http.get("/actuator/prometheus").body().lines().filter(line -> line.startsWith(prefix))
                .mapToDouble(line -> Double.parseDouble(line.substring(prefix.length()).trim())).sum();
    }

    @Test
    void aFullWaitingQueueAnswers503WithRetryAfter() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            HttpRequest request = io.seemore.benchmark.MultipartForm.post(URI.create("http://localhost:" + port + "/generate"),
                    Map.of("temperature", "2", "seed", String.valueOf(i), "maxTokens", "90"), Map.of("image", scene));
            responses.add(client.sendAsync(request, HttpResponse.BodyHandlers.ofString()));
        }
        List<HttpResponse<String>> done = responses.stream().map(CompletableFuture::join).toList();
        assertThat(done).anyMatch(r -> r.statusCode() == 200);
        HttpResponse<String> refused = done.stream().filter(r -> r.statusCode() == 503).findFirst().orElseThrow();
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();
        assertThat(json(refused, 503).get("type").asString()).isEqualTo("urn:seemore:problem:busy");
    }
}
