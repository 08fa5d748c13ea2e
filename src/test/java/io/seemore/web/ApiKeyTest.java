package io.seemore.web;

import static io.seemore.web.TestHttp.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.seemore.benchmark.MultipartForm;
import io.seemore.datasets.ShapesScene;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** With API keys configured, changes and generation need a key; reads and health stay open; CORS is closed. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "seemore.security.api-keys=first-key,second-key")
class ApiKeyTest {

    @LocalServerPort
    int port;

    private final HttpClient client = HttpClient.newHttpClient();
    private final byte[] scene = ShapesScene.random(new SplittableRandom(4)).png();

    @Test
    void generationAndChangesNeedAKeyReadsDoNot() throws Exception {
        HttpResponse<String> anonymous = generate(null);
        assertThat(json(anonymous, 401).get("type").asString()).isEqualTo("urn:seemore:problem:unauthorized");
        assertThat(anonymous.headers().firstValue("WWW-Authenticate")).as(anonymous.headers().map().toString())
                .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        assertThat(generate("Bearer wrong-key").statusCode()).isEqualTo(401);
        assertThat(generate("Basic Zmlyc3Q6a2V5").statusCode()).isEqualTo(401);
        assertThat(json(generate("Bearer first-key"), 200).get("finishReason").asString()).isNotEmpty();
        assertThat(json(generate("Bearer second-key"), 200).get("finishReason").asString()).isNotEmpty();

        for (String path : new String[] {"/api/training/jobs", "/api/models/seemore-shapes/activate", "/v1/chat/completions",
                "/api/generate", "/api/datasets"}) {
            HttpResponse<String> refused = send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{}")));
            assertThat(refused.statusCode()).as(path).isEqualTo(401);
        }
        assertThat(send(HttpRequest.newBuilder(uri("/api/datasets/shapes-demo")).DELETE()).statusCode()).isEqualTo(401);
        for (String path : new String[] {"/actuator/health", "/actuator/prometheus", "/api/models", "/api/datasets",
                "/v3/api-docs"}) {
            assertThat(send(HttpRequest.newBuilder(uri(path)).GET()).statusCode()).as(path).isEqualTo(200);
        }
    }

    @Test
    void browsersOfOtherOriginsAreNotLetIn() throws Exception {
        HttpResponse<String> preflight = send(HttpRequest.newBuilder(uri("/generate"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://evil.example").header("Access-Control-Request-Method", "POST"));
        // Without Access-Control-Allow-Origin the browser does not send the request.
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        HttpResponse<String> read = send(HttpRequest.newBuilder(uri("/api/models")).header("Origin", "https://evil.example"));
        assertThat(read.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }

    private HttpResponse<String> generate(String authorization) throws Exception {
        HttpRequest request = MultipartForm.post(uri("/generate"), Map.of(), Map.of("image", scene));
        HttpRequest.Builder builder = HttpRequest.newBuilder(request, (name, value) -> true);
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        return client.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }
}
