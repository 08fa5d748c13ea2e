package io.seemore.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.seemore.TemporaryHome;
import io.seemore.benchmark.MultipartForm;
import io.seemore.datasets.ShapesScene;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Fuzzes every operation of the service's own OpenAPI document with generated bad input: path
 * variables, query values, JSON bodies (valid ones with one field, at any depth, replaced by a
 * hostile value, and bodies that are not objects) and multipart parts (garbage, truncated and bomb
 * images). Every answer must be below 500 and name no file path or library; the service must
 * answer normally afterwards. {@code -Dfuzz.seed=N} replays a run, {@code -Dfuzz.cases=N} sets
 * the cases per operation.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"seemore.limits.max-json-body=2MB", "seemore.limits.max-upload-size=4MB"})
class BadInputFuzzTest extends TemporaryHome {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final List<String> LEAKS = List.of("/work/", "/tmp/", "/root/", "java.", "jakarta.", "jackson",
            "springframework", "tomcat", "Exception", "\tat ", "ai.djl", "NDArray");

    @LocalServerPort
    int port;

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final byte[] scene = ShapesScene.random(new SplittableRandom(9)).png();
    private final List<String> failures = new ArrayList<>();

    @Test
    void everyOperationAnswersBadInputWithA4xxAndKeepsServing() throws Exception {
        long seed = Long.getLong("fuzz.seed", 20261202L);
        int cases = Integer.getInteger("fuzz.cases", 12);
        SplittableRandom random = new SplittableRandom(seed);
        JsonNode api = JSON.readTree(get("/v3/api-docs").body());
        int operations = 0;
        int requests = 0;
        for (var path : api.get("paths").properties()) {
            for (var operation : path.getValue().properties()) {
                operations++;
                for (int i = 0; i < cases; i++) {
                    check(operation.getKey() + " " + path.getKey() + " (seed " + seed + ")",
                            request(random, path.getKey(), operation.getKey().toUpperCase(), operation.getValue(), api));
                    requests++;
                }
            }
        }
        assertThat(operations).as("operations in the OpenAPI document").isGreaterThanOrEqualTo(18);
        assertThat(failures).as(requests + " requests").isEmpty();

        assertThat(get("/actuator/health").statusCode()).isEqualTo(200);
        HttpResponse<String> answer = client.send(MultipartForm.post(uri("/generate"), Map.of(), Map.of("image", scene)),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    }

    private void check(String operation, HttpRequest request) throws Exception {
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        String body = response.body();
        if (response.statusCode() >= 500) {
            failures.add(operation + " -> " + response.statusCode() + " " + abbreviate(body));
        }
        for (String leak : LEAKS) {
            if (body.contains(leak) || body.contains(home.toString())) {
                failures.add(operation + " -> body names '" + leak + "': " + abbreviate(body));
            }
        }
        // Whatever a case started is stopped, so that cases stay independent and cheap.
        if (response.statusCode() == 202 && request.uri().getPath().equals("/api/training/jobs")) {
            String id = JSON.readTree(body).get("id").asString();
            client.send(HttpRequest.newBuilder(uri("/api/training/jobs/" + id + "/cancel"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        }
        if (response.statusCode() == 200 && request.uri().getPath().endsWith("/activate")) {
            client.send(HttpRequest.newBuilder(uri("/api/models/seemore-shapes/activate"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    private HttpRequest request(SplittableRandom random, String template, String method, JsonNode operation,
            JsonNode api) {
        String path = template;
        StringBuilder query = new StringBuilder();
        for (JsonNode parameter : operation.path("parameters")) {
            String value = hostileText(random);
            if (parameter.path("in").asString().equals("path")) {
                path = path.replace("{" + parameter.get("name").asString() + "}", encode(value));
            } else if (random.nextBoolean()) {
                query.append(query.isEmpty() ? "?" : "&").append(parameter.get("name").asString()).append('=')
                        .append(encode(value));
            }
        }
        URI uri = uri(path + query);
        JsonNode content = operation.path("requestBody").path("content");
        if (content.has("multipart/form-data")) {
            Map<String, String> fields = new LinkedHashMap<>();
            Map<String, byte[]> files = new LinkedHashMap<>();
            for (var property : schema(content.get("multipart/form-data").get("schema"), api).path("properties").properties()) {
                if (random.nextInt(5) == 0) {
                    continue;
                }
                if (property.getValue().path("format").asString().equals("binary")) {
                    files.put(property.getKey(), hostileFile(random));
                } else {
                    fields.put(property.getKey(), hostileText(random));
                }
            }
            return MultipartForm.post(uri, fields, files);
        }
        if (content.has("application/json")) {
            String body = random.nextInt(6) == 0 ? pick(random, "", "null", "[]", "\"text\"", "{", "{\"a\":", "42")
                    : mutate(random, validBody(path, schema(content.get("application/json").get("schema"), api))).toString();
            return HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body)).build();
        }
        return HttpRequest.newBuilder(uri).method(method, HttpRequest.BodyPublishers.noBody()).build();
    }

    /** A body that the operation accepts, to be spoilt in one place. */
    private ObjectNode validBody(String path, JsonNode schema) {
        String image = Base64.getEncoder().encodeToString(scene);
        return switch (path) {
            case "/v1/chat/completions" -> (ObjectNode) JSON.readTree("{\"max_tokens\": 8, \"messages\": [{\"role\": \"user\","
                    + "\"content\": [{\"type\": \"text\", \"text\": \"how many shapes are there?\"}, {\"type\": \"image_url\","
                    + "\"image_url\": {\"url\": \"data:image/png;base64," + image + "\"}}]}], \"stop\": [\"x\"]}");
            case "/api/generate" -> (ObjectNode) JSON.readTree("{\"prompt\": \"\", \"stream\": false, \"images\": [\""
                    + image + "\"], \"options\": {\"num_predict\": 8, \"seed\": 1, \"stop\": [\"x\"]}}");
            case "/api/training/jobs" -> (ObjectNode) JSON.readTree("{\"datasetId\": \"shapes-demo\", \"preset\": \"tiny\","
                    + " \"steps\": 2, \"batchSize\": 2, \"trainable\": [\"decoder\"]}");
            case "/api/datasets" -> (ObjectNode) JSON.readTree("{\"kind\": \"shapes\", \"size\": 20, \"seed\": 1}");
            default -> {
                ObjectNode body = NODES.objectNode();
                schema.path("properties").propertyNames().forEach(name -> body.put(name, "x"));
                yield body;
            }
        };
    }

    /** The body with one value somewhere replaced by a hostile one (or a hostile field added). */
    private JsonNode mutate(SplittableRandom random, JsonNode node) {
        if (node instanceof ObjectNode object && !object.isEmpty() && random.nextInt(4) != 0) {
            List<String> names = new ArrayList<>(object.propertyNames());
            String name = names.get(random.nextInt(names.size()));
            object.set(name, random.nextBoolean() ? mutate(random, object.get(name)) : hostileValue(random));
            return object;
        }
        if (node instanceof ArrayNode array && !array.isEmpty() && random.nextInt(4) != 0) {
            int index = random.nextInt(array.size());
            array.set(index, random.nextBoolean() ? mutate(random, array.get(index)) : hostileValue(random));
            return array;
        }
        if (node instanceof ObjectNode object) {
            object.set(hostileText(random), hostileValue(random));
            return object;
        }
        return hostileValue(random);
    }

    private JsonNode hostileValue(SplittableRandom random) {
        return switch (random.nextInt(14)) {
            case 0 -> NODES.nullNode();
            case 1 -> NODES.numberNode(random.nextBoolean() ? 100_000_000_000L : Long.MIN_VALUE);
            case 2 -> NODES.numberNode(pick(random, -1.0, 1e308, -0.0, 3.5));
            case 3 -> NODES.numberNode(new java.math.BigInteger("123456789012345678901234567890"));
            case 4 -> NODES.booleanNode(random.nextBoolean());
            case 5 -> NODES.arrayNode();
            case 6 -> NODES.arrayNode().add(NODES.nullNode()).add(NODES.objectNode());
            case 7 -> NODES.objectNode();
            case 8 -> NODES.objectNode().set("url", NODES.stringNode("data:image/png;base64," + Base64.getEncoder()
                    .encodeToString(ImageBombs.png(45_000, 45_000))));
            case 9 -> NODES.stringNode(Base64.getEncoder().encodeToString(hostileFile(random)));
            default -> NODES.stringNode(hostileText(random));
        };
    }

    private String hostileText(SplittableRandom random) {
        return pick(random, "", " ", "-1", "0", "99999999999999999999", "NaN", "1e400", "abc", "../../etc/passwd",
                "%00", "\u0000", "ünïcödé €", "a".repeat(5000), "<script>alert(1)</script>", "{\"a\":1}", "null",
                "true", "shapes-demo", "seemore-shapes", "job-00000000", "data:image/png;base64,!!!", "http://10.0.0.1/x.png");
    }

    private byte[] hostileFile(SplittableRandom random) {
        return switch (random.nextInt(6)) {
            case 0 -> new byte[0];
            case 1 -> "b64string_images,caption\n\"unterminated".getBytes(StandardCharsets.UTF_8);
            case 2 -> Arrays.copyOf(scene, scene.length / 2);
            case 3 -> ImageBombs.png(100_000, 100_000);
            case 4 -> scene;
            default -> {
                byte[] noise = new byte[random.nextInt(1, 5000)];
                random.nextBytes(noise);
                yield noise;
            }
        };
    }

    private static JsonNode schema(JsonNode schema, JsonNode api) {
        String ref = schema.path("$ref").asString("");
        return ref.isEmpty() ? schema : api.get("components").get("schemas").get(ref.substring(ref.lastIndexOf('/') + 1));
    }

    @SafeVarargs
    private static <T> T pick(SplittableRandom random, T... choices) {
        return choices[random.nextInt(choices.length)];
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String abbreviate(String body) {
        return body.length() > 300 ? body.substring(0, 300) + "..." : body;
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }
}
