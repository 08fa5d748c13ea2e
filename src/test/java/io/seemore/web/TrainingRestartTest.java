package io.seemore.web;

import static io.seemore.web.TestHttp.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.seemore.SeemoreApplication;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/** Jobs survive a restart of the service: a run it did not finish is INTERRUPTED and can resume. */
class TrainingRestartTest {

    @TempDir
    Path home;

    private ConfigurableApplicationContext start() {
        return new SpringApplicationBuilder(SeemoreApplication.class)
                .run("--server.port=0", "--seemore.home=" + home, "--spring.jmx.enabled=false");
    }

    private static TestHttp http(ConfigurableApplicationContext context) {
        return new TestHttp(((WebServerApplicationContext) context).getWebServer().getPort());
    }

    @Test
    void aJobRunningAtARestartIsInterruptedAndResumesFromItsCheckpoint() throws Exception {
        String job;
        int checkpointStep;
        try (ConfigurableApplicationContext first = start()) {
            TestHttp http = http(first);
            job = json(http.postJson("/api/training/jobs", Map.of("datasetId", "shapes-demo", "preset", "tiny",
                    "steps", 2_000, "batchSize", 4, "checkpointInterval", 30)), 202).get("id").asString();
            JsonNode running = http.await("/api/training/jobs/" + job, j -> j.get("step").asInt() > 70,
                    Duration.ofSeconds(120));
            checkpointStep = running.get("step").asInt() / 30 * 30;
        }
        try (ConfigurableApplicationContext second = start()) {
            TestHttp http = http(second);
            JsonNode interrupted = json(http.get("/api/training/jobs/" + job), 200);
            assertThat(interrupted.get("state").asString()).isEqualTo("INTERRUPTED");
            assertThat(interrupted.get("failureReason").asString()).contains("resume");
            int stepsBefore = json(http.get("/api/training/jobs/" + job + "/metrics"), 200).size();

            json(http.post("/api/training/jobs/" + job + "/resume"), 202);
            List<JsonNode> history = http.await("/api/training/jobs/" + job + "/metrics",
                    points -> points.size() > stepsBefore + 2, Duration.ofSeconds(60)).valueStream().toList();
            assertThat(json(http.get("/api/training/jobs/" + job), 200).get("state").asString()).isEqualTo("RUNNING");
            JsonNode firstAfterResume = history.get(stepsBefore);
            assertThat(firstAfterResume.get("step").asInt()).isGreaterThanOrEqualTo(checkpointStep + 1)
                    .isLessThanOrEqualTo(checkpointStep + 31);
            json(http.post("/api/training/jobs/" + job + "/cancel"), 200);
            http.await("/api/training/jobs/" + job, j -> j.get("state").asString().equals("CANCELLED"),
                    Duration.ofSeconds(10));
        }
    }
}
