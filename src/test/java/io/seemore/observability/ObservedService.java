package io.seemore.observability;

import static io.seemore.web.TestHttp.json;

import io.seemore.datasets.ShapesScene;
import io.seemore.web.TestHttp;
import java.time.Duration;
import java.util.Map;
import java.util.SplittableRandom;
import tools.jackson.databind.JsonNode;

/** Drives the service so that every metric of the dashboard has data: a training job and generations. */
final class ObservedService {

    private ObservedService() {}

    /** Runs a short training job while sending generations; returns the job id. */
    static String exercise(TestHttp http) throws Exception {
        String job = json(http.postJson("/api/training/jobs", Map.of("datasetId", "shapes-demo", "preset", "tiny",
                "steps", 300, "batchSize", 8, "evalInterval", 50, "evalExamples", 50)), 202).get("id").asString();
        SplittableRandom random = new SplittableRandom(4);
        long deadline = System.nanoTime() + Duration.ofSeconds(240).toNanos();
        JsonNode state;
        int generations = 0;
        do {
            json(http.multipart("/generate", generations % 2 == 0 ? Map.of() : Map.of("maxTokens", "3"),
                    Map.of("image", ShapesScene.random(random).png())), 200);
            generations++;
            state = json(http.get("/api/training/jobs/" + job), 200);
        } while (!state.get("state").asString().equals("SUCCEEDED") && System.nanoTime() < deadline);
        if (!state.get("state").asString().equals("SUCCEEDED")) {
            throw new AssertionError("the job did not succeed: " + state);
        }
        // A few more generations, so that rates over the last minute are not empty.
        for (int i = 0; i < 10; i++) {
            json(http.multipart("/generate", Map.of(), Map.of("image", ShapesScene.random(random).png())), 200);
            Thread.sleep(300);
        }
        return job;
    }
}
