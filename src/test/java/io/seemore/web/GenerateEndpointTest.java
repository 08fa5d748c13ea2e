package io.seemore.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.seemore.benchmark.MultipartForm;
import io.seemore.datasets.ShapesScene;
import io.seemore.generation.GenerationRequest;
import io.seemore.generation.GenerationService;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code POST /generate} over real HTTP, answered by the shipped model. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class GenerateEndpointTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @Autowired
    GenerationService generation;

    @Test
    void theServiceCountsAsIdleForTrainingOnlyAfterASecondWithoutRequests() throws Exception {
        awaitIdle();
        CompletableFuture<GenerationService.Answer> answer = generation.generate(
                new GenerationRequest(ShapesScene.random(new SplittableRandom(5)).png(), "", 50, null, null, null, null));
        assertThat(generation.isIdle()).isFalse();
        answer.get(60, TimeUnit.SECONDS);
        assertThat(generation.isIdle()).as("just answered").isFalse();
        long quiet = awaitIdle();
        assertThat(quiet).isGreaterThanOrEqualTo(900);
    }

    /** Milliseconds until the service is idle (at most 10 s). */
    private long awaitIdle() throws InterruptedException {
        long start = System.nanoTime();
        while (!generation.isIdle()) {
            assertThat(System.nanoTime() - start).as("idle within 10 s").isLessThan(10_000_000_000L);
            Thread.sleep(20);
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    @Test
    void aGeneratedSceneGetsItsCorrectCaptionAndAnswers() throws Exception {
        SplittableRandom random = new SplittableRandom(2026);
        int right = 0;
        int total = 10;
        List<String> wrong = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            ShapesScene scene = ShapesScene.random(random);
            JsonNode answer = ok(post(Map.of("image", scene.png()), Map.of()));
            assertThat(answer.get("finishReason").asString()).isEqualTo("stop");
            assertThat(answer.get("model").asString()).isEqualTo("seemore-shapes");
            assertThat(answer.get("completionTokens").asInt()).isEqualTo(answer.get("text").asString().length());
            if (answer.get("text").asString().equals(scene.caption())) {
                right++;
            } else {
                wrong.add(scene.caption() + " -> " + answer.get("text").asString());
            }
        }
        assertThat(right).as("exact captions, misses: %s", wrong).isGreaterThanOrEqualTo(8);

        ShapesScene one = new ShapesScene(List.of(
                new ShapesScene.Item(ShapesScene.Kind.CIRCLE, ShapesScene.Colour.RED, 30, 30, 14),
                new ShapesScene.Item(ShapesScene.Kind.SQUARE, ShapesScene.Colour.BLUE, 68, 66, 13)), 3);
        JsonNode caption = ok(post(Map.of("image", one.png()), Map.of()));
        assertThat(caption.get("text").asString()).isEqualTo("one red circle and one blue square");
        JsonNode count = ok(post(Map.of("image", one.png()), Map.of("prompt", "how many shapes are there?")));
        assertThat(count.get("text").asString()).isEqualTo("2");
        assertThat(count.get("timings").get("totalMs").asDouble()).isPositive();
    }

    @Test
    void theBlogsOwnPhotosAreAcceptedAndSamplingIsRepeatableWithASeed() throws Exception {
        byte[] photo = getClass().getResourceAsStream("/images/car.png").readAllBytes();
        assertThat(photo.length).isGreaterThan(1_000_000);
        Map<String, String> sampled = Map.of("temperature", "1.0", "topK", "5", "topP", "0.9", "seed", "7",
                "maxTokens", "12");
        JsonNode first = ok(post(Map.of("image", photo), sampled));
        JsonNode second = ok(post(Map.of("image", photo), sampled));
        assertThat(first.get("text").asString()).isEqualTo(second.get("text").asString());
        assertThat(first.get("completionTokens").asInt()).isBetween(1, 12);
        JsonNode limited = ok(post(Map.of("image", photo), Map.of("maxTokens", "3")));
        assertThat(limited.get("finishReason").asString()).isEqualTo("length");
        assertThat(limited.get("completionTokens").asInt()).isEqualTo(3);
    }

    @Test
    void everyKindOfBadInputGetsAProblemNamingTheField() throws Exception {
        byte[] scene = ShapesScene.random(new SplittableRandom(1)).png();
        assertProblem(post(Map.of(), Map.of("prompt", "how many shapes are there?")), 400, "missing-field", "image");
        assertProblem(post(Map.of("image", "not an image".getBytes(java.nio.charset.StandardCharsets.UTF_8)), Map.of()),
                400, "invalid-image", "image");
        byte[] truncated = java.util.Arrays.copyOf(scene, scene.length / 3);
        assertProblem(post(Map.of("image", truncated), Map.of()), 400, "invalid-image", "image");
        HttpResponse<String> unknown = post(Map.of("image", scene), Map.of("prompt", "How many €?"));
        assertProblem(unknown, 400, "unknown-characters", "prompt");
        assertThat(JSON.readTree(unknown.body()).get("characters").toString()).isEqualTo("[\"H\",\"€\"]");
        assertProblem(post(Map.of("image", scene), Map.of("maxTokens", "0")), 400, "invalid-field", "maxTokens");
        assertProblem(post(Map.of("image", scene), Map.of("maxTokens", "100000")), 400, "invalid-field", "maxTokens");
        assertProblem(post(Map.of("image", scene), Map.of("maxTokens", "many")), 400, "invalid-field", "maxTokens");
        assertProblem(post(Map.of("image", scene), Map.of("temperature", "3")), 400, "invalid-field", "temperature");
        assertProblem(post(Map.of("image", scene), Map.of("temperature", "NaN")), 400, "invalid-field", "temperature");
        assertProblem(post(Map.of("image", scene), Map.of("topK", "-1")), 400, "invalid-field", "topK");
        assertProblem(post(Map.of("image", scene), Map.of("topP", "0")), 400, "invalid-field", "topP");
        assertProblem(post(Map.of("image", scene), Map.of("prompt", "a".repeat(300))), 400, "invalid-field", "prompt");

        // The service goes on serving after all of that.
        assertThat(ok(post(Map.of("image", scene), Map.of())).get("text").asString()).isNotEmpty();
    }

    @Test
    void actuatorServesHealthGroupsInfoAndPrometheusOnly() throws Exception {
        TestHttp client = new TestHttp(port);
        JsonNode readiness = TestHttp.json(client.get("/actuator/health/readiness"), 200);
        assertThat(readiness.get("status").asString()).isEqualTo("UP");
        assertThat(TestHttp.json(client.get("/actuator/health/liveness"), 200).get("status").asString()).isEqualTo("UP");
        assertThat(TestHttp.json(client.get("/actuator/info"), 200).get("model").get("id").asString())
                .isEqualTo("seemore-shapes");
        assertThat(client.get("/actuator/prometheus").body()).contains("seemore_generation_requests_running");
        for (String hidden : List.of("/actuator/env", "/actuator/beans", "/actuator/heapdump", "/actuator/metrics")) {
            assertThat(client.get(hidden).statusCode()).as(hidden).isEqualTo(404);
        }
    }

    private void assertProblem(HttpResponse<String> response, int status, String type, String field) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode problem = JSON.readTree(response.body());
        assertThat(problem.get("type").asString()).isEqualTo("urn:seemore:problem:" + type);
        assertThat(problem.get("field").asString()).isEqualTo(field);
        assertThat(problem.get("detail").asString()).contains(field);
        assertThat(response.body()).doesNotContain("Exception", "\tat ");
    }

    private static JsonNode ok(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    /** A multipart/form-data POST to /generate with the given file parts and text fields. */
    HttpResponse<String> post(Map<String, byte[]> files, Map<String, String> fields) throws Exception {
        URI uri = URI.create("http://localhost:" + port + "/generate");
        return http.send(MultipartForm.post(uri, new LinkedHashMap<>(fields), files), HttpResponse.BodyHandlers.ofString());
    }
}
