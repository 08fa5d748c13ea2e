package io.seemore.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.seemore.web.TestHttp;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real Prometheus (Debian's package, which {@code .ci/run} installs) scrapes the service under
 * test while it trains and generates; the loss series must arrive, and every PromQL expression of
 * the Grafana dashboard must parse and return data. Skipped where no prometheus binary exists,
 * except in CI, where that is a failure.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class PrometheusDashboardTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    static Path home;

    @DynamicPropertySource
    static void dataDirectory(DynamicPropertyRegistry registry) {
        registry.add("seemore.home", () -> home.resolve("data").toString());
    }

    @LocalServerPort
    int port;

    private Process prometheus;
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stopPrometheus() {
        if (prometheus != null) {
            prometheus.destroy();
        }
    }

    @Test
    void prometheusReceivesTheLossSeriesAndEveryDashboardQueryHasData() throws Exception {
        Path binary = Path.of("/usr/bin/prometheus");
        if (!Files.isExecutable(binary)) {
            if (System.getenv("CI") != null) {
                throw new AssertionError("CI must install Debian's prometheus package (see .ci/run)");
            }
            Assumptions.abort("no prometheus binary; apt-get install prometheus to run this test");
        }
        int prometheusPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            prometheusPort = socket.getLocalPort();
        }
        Path config = home.resolve("prometheus.yml");
        Files.writeString(config, """
                global:
                  scrape_interval: 1s
                scrape_configs:
                  - job_name: seemore
                    metrics_path: /actuator/prometheus
                    static_configs:
                      - targets: ["127.0.0.1:%d"]
                """.formatted(port));
        prometheus = new ProcessBuilder(binary.toString(), "--config.file=" + config,
                "--storage.tsdb.path=" + home.resolve("tsdb"), "--web.listen-address=127.0.0.1:" + prometheusPort)
                .redirectErrorStream(true).redirectOutput(home.resolve("prometheus.log").toFile()).start();
        String api = "http://127.0.0.1:" + prometheusPort;
        awaitReady(api);

        String job = ObservedService.exercise(new TestHttp(port));
        Thread.sleep(3000);

        JsonNode samples = query(api, "count_over_time(seemore_training_loss{job_id=\"" + job + "\"}[10m])");
        assertThat(samples.get(0).get("value").get(1).asDouble()).isGreaterThanOrEqualTo(3);

        List<String> empty = new ArrayList<>();
        for (String expression : Dashboard.expressions()) {
            if (query(api, expression).isEmpty()) {
                empty.add(expression);
            }
        }
        assertThat(empty).as("dashboard queries without data").isEmpty();
        assertThat(Dashboard.expressions()).hasSizeGreaterThan(15);
    }

    private void awaitReady(String api) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(api + "/-/ready")).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
                    return;
                }
            } catch (java.io.IOException notYet) {
                // still starting
            }
            Thread.sleep(200);
        }
        throw new AssertionError("prometheus did not become ready; see " + home.resolve("prometheus.log"));
    }

    /** An instant query; fails the test if the expression does not parse. */
    private JsonNode query(String api, String expression) throws Exception {
        URI uri = URI.create(api + "/api/v1/query?query=" + URLEncoder.encode(expression, StandardCharsets.UTF_8));
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("%s: %s", expression, response.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("status").asString()).isEqualTo("success");
        return body.get("data").get("result");
    }
}
