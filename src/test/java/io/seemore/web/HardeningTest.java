package io.seemore.web;

import static io.seemore.web.TestHttp.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.seemore.TemporaryHome;
import io.seemore.benchmark.MultipartForm;
import io.seemore.datasets.ShapesScene;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/** Requests an attacker or a careless user sends: each is refused with a 4xx, and the service goes on. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "seemore.limits.max-upload-size=3MB", "seemore.limits.max-json-body=1MB",
        "seemore.limits.dataset-quota=2MB", "seemore.training.memory-budget=2GB"})
class HardeningTest extends TemporaryHome {

    /** 45000 x 45000 grey pixels in a file of a few kilobytes. */
    private static final byte[] BOMB = ImageBombs.png(45_000, 45_000);

    @LocalServerPort
    int port;

    TestHttp http;
    private final byte[] scene = ShapesScene.random(new SplittableRandom(3)).png();

    @BeforeEach
    void client() {
        http = new TestHttp(port);
    }

    @Test
    void anImageBombIsRefusedFromItsHeaderWhereverImagesEnter() throws Exception {
        assertThat(BOMB.length).isLessThan(100_000);
        JsonNode generate = json(http.multipart("/generate", Map.of(), Map.of("image", BOMB)), 400);
        assertThat(generate.get("type").asString()).isEqualTo("urn:seemore:problem:invalid-image");
        assertThat(generate.get("detail").asString()).contains("45000x45000");

        String base64 = Base64.getEncoder().encodeToString(BOMB);
        JsonNode chat = json(http.postJson("/v1/chat/completions", Map.of("messages", List.of(Map.of("role", "user",
                "content", List.of(Map.of("type", "image_url", "image_url", Map.of("url", "data:image/png;base64," + base64))))))), 400);
        assertThat(chat.get("error").get("message").asString()).contains("45000x45000");
        JsonNode ollama = json(http.postJson("/api/generate", Map.of("prompt", "", "images", List.of(base64),
                "stream", false)), 400);
        assertThat(ollama.get("error").asString()).contains("45000x45000");

        byte[] csv = ("b64string_images,caption\n" + Base64.getEncoder().encodeToString(scene) + ",a scene\n"
                + base64 + ",a bomb\n").getBytes(StandardCharsets.UTF_8);
        JsonNode dataset = json(http.multipart("/api/datasets", Map.of(), Map.of("file", csv)), 400);
        assertThat(dataset.get("detail").asString()).contains("line 3").contains("45000x45000");

        assertThat(json(http.multipart("/generate", Map.of(), Map.of("image", scene)), 200).get("text").asString())
                .isNotEmpty();
    }

    @Test
    void bodiesOverTheirLimitsGet413NotAReset() throws Exception {
        byte[] large = new byte[4 << 20];
        HttpResponse<String> upload = http.multipart("/api/datasets", Map.of(), Map.of("file", large));
        assertThat(json(upload, 413).get("type").asString()).isEqualTo("urn:seemore:problem:upload-too-large");

        String hugeJson = "{\"prompt\": \"" + "a".repeat(2 << 20) + "\"}";
        assertThat(json(http.postJson("/api/generate", hugeJson), 413).get("detail").asString()).contains("1048576");
        // Without a declared length the body is cut off as it is read.
        HttpResponse<String> chunked = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://localhost:" + port + "/api/training/jobs"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(
                        hugeJson.getBytes(StandardCharsets.UTF_8)))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(json(chunked, 413).get("type").asString()).isEqualTo("urn:seemore:problem:upload-too-large");
        assertThat(http.get("/api/datasets").statusCode()).isEqualTo(200);
    }

    @Test
    void datasetsPastTheQuotaAreRefusedAndCrashedUploadsLeaveNothing() throws Exception {
        byte[] csv = TrainingJobsEndpointTest.captionsCsv(30, null);
        assertThat(csv.length).isBetween(300_000, 1_500_000);
        int stored = 0;
        HttpResponse<String> response;
        while ((response = http.multipart("/api/datasets", Map.of(), Map.of("file", csv))).statusCode() == 201) {
            stored++;
        }
        JsonNode problem = json(response, 409);
        assertThat(problem.get("type").asString()).isEqualTo("urn:seemore:problem:dataset-quota-exceeded");
        assertThat(stored).isBetween(1, 6);
        try (var staged = Files.list(home.resolve("datasets"))) {
            assertThat(staged.map(Path::toString).filter(name -> name.endsWith(".tmp")).toList()).isEmpty();
        }
        try (var staged = Files.list(home.resolve("staging"))) {
            assertThat(staged.toList()).as("multipart staging files are gone after each request").isEmpty();
        }
    }

    @Test
    void aJobThatWouldNotFitTheMemoryBudgetIsRefusedNamingTheLimit() throws Exception {
        JsonNode problem = json(http.postJson("/api/training/jobs", Map.of("datasetId", "shapes-demo",
                "preset", "seemore", "steps", 10_000_000, "batchSize", 1024)), 422);
        assertThat(problem.get("type").asString()).isEqualTo("urn:seemore:problem:over-memory-budget");
        assertThat(problem.get("detail").asString()).contains("2048 MB").contains("seemore.training.memory-budget");
        int largest = problem.get("largestBatchSize").asInt();
        assertThat(largest).isBetween(16, 512);
        // The largest batch it names is accepted; one more is not.
        assertThat(http.postJson("/api/training/jobs", Map.of("datasetId", "shapes-demo", "preset", "seemore",
                "steps", 1, "batchSize", largest + 1)).statusCode()).isEqualTo(422);
        JsonNode accepted = json(http.postJson("/api/training/jobs", Map.of("datasetId", "shapes-demo",
                "preset", "seemore", "steps", 1, "batchSize", largest)), 202);
        http.await("/api/training/jobs/" + accepted.get("id").asString(),
                job -> List.of("SUCCEEDED", "FAILED").contains(job.get("state").asString()), Duration.ofSeconds(120));
    }

    @Test
    void requestsThatUsedToFailWith500GetA4xx() throws Exception {
        assertThat(http.postJson("/api/training/jobs", "{\"datasetId\":\"shapes-demo\",\"trainable\":[null]}")
                .statusCode()).isEqualTo(400);
        byte[] latin1 = ("b64string_images,caption\n" + Base64.getEncoder().encodeToString(scene) + ",caf\u00e9\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        assertThat(json(http.multipart("/api/datasets", Map.of(), Map.of("file", latin1)), 400).get("detail")
                .asString()).contains("not UTF-8");
        String image = "data:image/png;base64," + Base64.getEncoder().encodeToString(scene);
        for (String extra : List.of("\"max_tokens\":100000000000", "\"seed\":\"abc\"", "\"seed\":{}", "\"stop\":[{}]",
                "\"stream\":\"yes\"")) {
            String body = "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\""
                    + image + "\"}}]}]," + extra + "}";
            assertThat(http.postJson("/v1/chat/completions", body).statusCode()).as(extra).isEqualTo(400);
        }
        String images = "\"images\":[\"" + image.substring(image.indexOf(',') + 1) + "\"]";
        for (String options : List.of("{\"num_predict\":100000000000}", "{\"seed\":\"abc\"}", "[]")) {
            String body = "{" + images + ",\"stream\":false,\"options\":" + options + "}";
            assertThat(http.postJson("/api/generate", body).statusCode()).as(options).isEqualTo(400);
        }
        HttpResponse<String> broken = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://localhost:" + port + "/generate"))
                .header("Content-Type", "multipart/form-data; boundary=xyz")
                .POST(HttpRequest.BodyPublishers.ofString("--xyz\r\nContent-Disposition: form-data; name=\"image\"\r\n\r\nabc"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(broken.statusCode()).as(broken.body()).isEqualTo(400);
        assertThat(http.get("/error").statusCode()).isLessThan(500);
        String models = http.get("/api/models").body();
        assertThat(models).doesNotContain(home.toString()).doesNotContain("/target/").doesNotContain("file:");
    }

    @Test
    void generationGoesOnWhileTrainingRuns() throws Exception {
        JsonNode job = json(http.postJson("/api/training/jobs", Map.of("datasetId", "shapes-demo", "preset", "small",
                "steps", 400, "batchSize", 32)), 202);
        String id = job.get("id").asString();
        http.await("/api/training/jobs/" + id, j -> j.get("step").asInt() > 0, Duration.ofSeconds(60));
        // The job has one core; generation has the other and answers as it does alone.
        for (int i = 0; i < 5; i++) {
            long start = System.nanoTime();
            json(http.multipart("/generate", Map.of(), Map.of("image", scene)), 200);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        }
        assertThat(json(http.get("/api/training/jobs/" + id), 200).get("state").asString()).isEqualTo("RUNNING");
        json(http.post("/api/training/jobs/" + id + "/cancel"), 200);
        http.await("/api/training/jobs/" + id, j -> j.get("state").asString().equals("CANCELLED"), Duration.ofSeconds(30));
    }
}
