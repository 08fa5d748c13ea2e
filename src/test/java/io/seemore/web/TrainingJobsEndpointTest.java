package io.seemore.web;

import static io.seemore.web.TestHttp.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.seemore.TemporaryHome;
import io.seemore.datasets.Example;
import io.seemore.datasets.ShapesDataset;
import io.seemore.datasets.ShapesScene;
import io.seemore.datasets.VlmDataset;
import io.seemore.model.ModelConfig;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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

/** The training job service over real HTTP, in a data directory of its own. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"seemore.training.queue-capacity=1", "seemore.training.concurrent-jobs=1"})
class TrainingJobsEndpointTest extends TemporaryHome {

    private static final Duration WAIT = Duration.ofSeconds(180);

    @LocalServerPort
    int port;

    TestHttp http;

    @BeforeEach
    void client() {
        http = new TestHttp(port);
    }

    /** The blog's CSV format, captions of generated scenes. */
    static byte[] captionsCsv(int images, String extraCaption) {
        VlmDataset scenes = ShapesDataset.generate(images, 1, 5).train();
        StringBuilder csv = new StringBuilder("b64string_images,caption\n");
        for (Example example : scenes.examples()) {
            if (example.isCaption()) {
                csv.append(Base64.getEncoder().encodeToString(png(scenes, example.image()))).append(",\"")
                        .append(extraCaption == null ? example.answer() : extraCaption).append("\"\n");
            }
        }
        return csv.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] png(VlmDataset dataset, int image) {
        try {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            javax.imageio.ImageIO.write(dataset.images().get(image).load(), "png", out);
            return out.toByteArray();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private String upload(byte[] csv) throws Exception {
        JsonNode dataset = json(http.multipart("/api/datasets", Map.of("name", "captions"),
                Map.of("file", csv)), 201);
        return dataset.get("id").asString();
    }

    private String start(Map<String, Object> request) throws Exception {
        HttpResponse<String> response = http.postJson("/api/training/jobs", request);
        JsonNode job = json(response, 202);
        assertThat(response.headers().firstValue("Location")).hasValue("/api/training/jobs/" + job.get("id").asString());
        assertThat(job.get("state").asString()).isEqualTo("QUEUED");
        return job.get("id").asString();
    }

    @Test
    void aJobTrainsOnAnUploadedDatasetReportsLiveLossAndItsModelServes() throws Exception {
        String dataset = upload(captionsCsv(12, null));
        JsonNode details = json(http.get("/api/datasets/" + dataset), 200);
        assertThat(details.get("dataset").get("examples").asInt()).isEqualTo(12);
        assertThat(details.get("sampleRows").size()).isPositive();

        String job = start(Map.of("datasetId", dataset, "preset", "tiny", "steps", 400, "batchSize", 8,
                "learningRate", 0.003, "evalInterval", 100, "checkpointInterval", 100));
        http.await("/api/training/jobs/" + job, j -> j.get("state").asString().equals("RUNNING")
                && j.get("step").asInt() > 0, WAIT);
        HttpResponse<String> inUse = http.delete("/api/datasets/" + dataset);
        assertThat(inUse.statusCode()).isEqualTo(409);
        assertThat(json(inUse, 409).get("detail").asString()).contains(job);
        String scrape = http.get("/actuator/prometheus").body();
        assertThat(scrape).containsPattern("seemore_training_loss\\{[^}]*job_id=\"" + job + "\"[^}]*} [0-9.]+");
        assertThat(scrape).contains("seemore_training_jobs{application=\"seemore\",state=\"RUNNING\"} 1.0");

        JsonNode done = http.await("/api/training/jobs/" + job, j -> j.get("state").asString().equals("SUCCEEDED"), WAIT);
        assertThat(done.get("step").asInt()).isEqualTo(400);
        assertThat(done.get("progressPercent").asDouble()).isEqualTo(100.0);
        assertThat(done.get("validationLoss").isNumber()).isTrue();
        // The recipe: what the request gave, and the defaults of a small set where it was silent.
        JsonNode recipe = done.get("recipe");
        assertThat(recipe.get("network").get("textLayers").asInt()).isEqualTo(ModelConfig.preset("tiny", 1).textLayers());
        assertThat(recipe.get("options").get("batchSize").asInt()).isEqualTo(8);
        assertThat(recipe.get("options").get("learningRate").asDouble()).isCloseTo(0.003, within(1e-6));
        assertThat(recipe.get("options").get("weightDecay").asDouble()).isCloseTo(0.01, within(1e-6));
        assertThat(recipe.get("options").get("augmentation").get("shift").asDouble()).isCloseTo(0.06, within(1e-6));
        String model = done.get("modelId").asString();

        List<JsonNode> history = List.copyOf(json(http.get("/api/training/jobs/" + job + "/metrics"), 200).valueStream().toList());
        assertThat(history.stream().filter(p -> p.path("trainingLoss").isNumber())).hasSize(400);
        List<JsonNode> evaluations = history.stream().filter(p -> p.path("validationLoss").isNumber()).toList();
        assertThat(evaluations).hasSize(4).allSatisfy(p -> {
            assertThat(p.get("exactMatch").asDouble()).isBetween(0.0, 1.0);
            assertThat(p.get("characterErrorRate").asDouble()).isNotNegative();
        });
        assertThat(history.get(399 + 3).get("trainingLoss").asDouble())
                .isLessThan(history.get(0).get("trainingLoss").asDouble());
        assertThat(done.get("exactMatch").asDouble()).isEqualTo(evaluations.get(3).get("exactMatch").asDouble());
        assertThat(http.get("/actuator/prometheus").body())
                .containsPattern("seemore_training_eval_exact_match\\{[^}]*job_id=\"" + job + "\"[^}]*} [0-9.]+")
                .containsPattern("seemore_training_eval_character_error_rate\\{[^}]*job_id=\"" + job + "\"[^}]*} [0-9.]+");

        // The evaluation endpoint, on the same held-out examples, answers as the job's last evaluation did.
        JsonNode report = json(http.postJson("/api/models/" + model + "/evaluate",
                Map.of("datasetId", dataset, "split", "held-out")), 200);
        assertThat(report.get("examples").asInt()).isEqualTo(1);
        assertThat(report.get("exactMatch").asDouble()).isEqualTo(done.get("exactMatch").asDouble());
        assertThat(report.get("characterErrorRate").asDouble()).isEqualTo(done.get("characterErrorRate").asDouble());
        assertThat(json(http.postJson("/api/models/" + model + "/evaluate", Map.of("datasetId", dataset, "split", "all")),
                200).get("examples").asInt()).isEqualTo(12);
        assertThat(json(http.postJson("/api/models/" + model + "/evaluate", Map.of("datasetId", dataset, "split", "x")),
                400).get("field").asString()).isEqualTo("split");
        assertThat(http.postJson("/api/models/nope/evaluate", Map.of("datasetId", dataset)).statusCode()).isEqualTo(404);
        assertThat(json(http.postJson("/api/models/" + model + "/evaluate", Map.of("datasetId", "ds-missing")), 400)
                .get("field").asString()).isEqualTo("datasetId");

        JsonNode models = json(http.get("/api/models"), 200);
        assertThat(models.valueStream().map(m -> m.get("model").get("id").asString())).contains(model, "seemore-shapes");
        json(http.post("/api/models/" + model + "/activate"), 200);
        JsonNode answer = json(http.multipart("/generate", Map.of(),
                Map.of("image", ShapesScene.random(new SplittableRandom(3)).png())), 200);
        assertThat(answer.get("model").asString()).isEqualTo(model);
        json(http.post("/api/models/seemore-shapes/activate"), 200);
        assertThat(json(http.get("/api/training/jobs?state=SUCCEEDED"), 200).get("jobs").valueStream()
                .map(j -> j.get("id").asString())).contains(job);
        assertThat(http.delete("/api/datasets/" + dataset).statusCode()).isEqualTo(204);
        assertThat(http.get("/api/datasets/" + dataset).statusCode()).isEqualTo(404);
    }

    @Test
    void aRunningJobStopsWithinAStepWhenCancelledAndAFullQueueAnswers503() throws Exception {
        String running = start(Map.of("datasetId", "shapes-demo", "preset", "tiny", "steps", 1_000_000,
                "batchSize", 4, "checkpointInterval", 20));
        http.await("/api/training/jobs/" + running, j -> j.get("step").asInt() > 25, WAIT);
        String queued = start(Map.of("datasetId", "shapes-demo", "preset", "tiny", "steps", 10));
        HttpResponse<String> refused = http.postJson("/api/training/jobs",
                Map.of("datasetId", "shapes-demo", "preset", "tiny", "steps", 10));
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();

        assertThat(json(http.post("/api/training/jobs/" + queued + "/cancel"), 200).get("state").asString())
                .isEqualTo("CANCELLED");
        json(http.post("/api/training/jobs/" + running + "/cancel"), 200);
        JsonNode cancelled = http.await("/api/training/jobs/" + running,
                j -> j.get("state").asString().equals("CANCELLED"), Duration.ofSeconds(10));
        assertThat(cancelled.get("failureReason").asString()).contains("checkpoint is kept");
        assertThat(home.resolve("jobs").resolve(running).resolve("checkpoint").resolve("parameters.bin")).exists();
        assertThat(http.post("/api/training/jobs/" + running + "/cancel").statusCode()).isEqualTo(409);
    }

    @Test
    void badDatasetsAndDivergingRunsFailClearly() throws Exception {
        HttpResponse<String> badUpload = http.multipart("/api/datasets", Map.of(),
                Map.of("file", "b64string_images,caption\nnot-an-image,hello\n".getBytes(StandardCharsets.UTF_8)));
        assertThat(badUpload.statusCode()).isEqualTo(400);
        assertThat(json(badUpload, 400).get("errors").get(0).get("line").asInt()).isEqualTo(2);

        HttpResponse<String> unknown = http.postJson("/api/training/jobs", Map.of("datasetId", "ds-missing"));
        assertThat(json(unknown, 400).get("field").asString()).isEqualTo("datasetId");
        assertThat(json(http.postJson("/api/training/jobs", Map.of("datasetId", "shapes-demo", "trainable", List.of("eyes"))), 400)
                .get("field").asString()).isEqualTo("trainable");

        String tooLong = upload(captionsCsv(4, "x".repeat(200)));
        String failed = start(Map.of("datasetId", tooLong, "preset", "tiny", "steps", 10));
        JsonNode failure = http.await("/api/training/jobs/" + failed, j -> j.get("state").asString().equals("FAILED"), WAIT);
        assertThat(failure.get("failureReason").asString()).contains("text tokens");

        String diverging = start(Map.of("datasetId", "shapes-demo", "preset", "tiny", "steps", 500,
                "learningRate", 1e9, "gradientClip", 0, "warmupSteps", 0));
        JsonNode diverged = http.await("/api/training/jobs/" + diverging, j -> j.get("state").asString().equals("FAILED"), WAIT);
        assertThat(diverged.get("failureReason").asString()).contains("diverged");

        assertThat(http.multipart("/api/datasets", Map.of(), Map.of("file", captionsCsv(3, null))).statusCode()).isEqualTo(201);
        assertThat(http.postJson("/api/datasets", Map.of("kind", "shapes", "size", 20, "seed", 3)).statusCode()).isEqualTo(201);
        assertThat(http.get("/api/datasets").statusCode()).isEqualTo(200);
    }

    @Test
    void theOpenApiExampleStartsARunAsItIsAndItsEventsStreamLive() throws Exception {
        JsonNode docs = json(http.get("/v3/api-docs"), 200);
        JsonNode example = docs.get("components").get("schemas").get("TrainingJobRequest").get("example");
        assertThat(example.get("datasetId").asString()).isEqualTo("shapes-demo");
        JsonNode generate = docs.get("paths").get("/generate").get("post").get("requestBody").get("content")
                .get("multipart/form-data").get("schema").get("properties").get("image");
        assertThat(generate.get("format").asString()).isEqualTo("binary");

        String job = json(http.postJson("/api/training/jobs", example.toString()), 202).get("id").asString();
        java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://localhost:" + port + "/api/training/jobs/" + job + "/events")).GET().build();
        List<String> lines = java.net.http.HttpClient.newHttpClient()
                .send(request, HttpResponse.BodyHandlers.ofLines()).body().toList();
        List<String> events = lines.stream().filter(l -> l.startsWith("event:")).toList();
        assertThat(events).last().isEqualTo("event:job");
        assertThat(events.stream().filter(e -> e.equals("event:metric")).count()).isGreaterThan(5);
        String finalJob = lines.get(lines.lastIndexOf("event:job") + 1);
        assertThat(finalJob).startsWith("data:").contains("\"state\":\"SUCCEEDED\"");
    }
}
