package io.seemore.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.seemore.datasets.ShapesScene;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** Without a model the service starts, says it is not ready, and answers /generate with 503. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "seemore.model.shipped-resource=no-such-model")
class NoModelTest {

    @LocalServerPort
    int port;

    @Test
    void readinessIsDownAndGenerationUnavailableUntilAModelIsLoaded() throws Exception {
        TestHttp http = new TestHttp(port);
        assertThat(http.get("/actuator/health/liveness").statusCode()).isEqualTo(200);
        HttpResponse<String> readiness = http.get("/actuator/health/readiness");
        assertThat(readiness.statusCode()).isEqualTo(503);
        assertThat(readiness.body()).contains("DOWN");
        HttpResponse<String> generate = http.multipart("/generate", Map.of(),
                Map.of("image", ShapesScene.random(new SplittableRandom(1)).png()));
        assertThat(generate.statusCode()).isEqualTo(503);
        assertThat(generate.headers().firstValue("Retry-After")).isPresent();
        assertThat(TestHttp.json(generate, 503).get("type").asString()).isEqualTo("urn:seemore:problem:model-unavailable");
    }
}
