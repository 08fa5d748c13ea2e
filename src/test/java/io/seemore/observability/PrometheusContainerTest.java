package io.seemore.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.seemore.TemporaryHome;
import io.seemore.web.TestHttp;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.Transferable;
import tools.jackson.databind.json.JsonMapper;

/**
 * The same check as {@link PrometheusDashboardTest} with Prometheus and Grafana in containers,
 * wired by the files in {@code config/}. Runs wherever a Docker engine is present (reported as
 * skipped elsewhere). The images are the public ones unless {@code seemore.prometheus.image} /
 * {@code seemore.grafana.image} name others: CI builds Prometheus from Debian's package
 * ({@code .ci/docker-smoke}); Debian has no Grafana package and no registry is reachable there,
 * so CI skips the Grafana test. Every container uses the host's network and talks on 127.0.0.1
 * only, so no helper container (Ryuk, the host-port tunnel) is needed.
 */
@org.testcontainers.junit.jupiter.Testcontainers(disabledWithoutDocker = true)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class PrometheusContainerTest extends TemporaryHome {

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();

    private static int freePort() throws java.io.IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Test
    void aPrometheusContainerScrapesTheLossSeries() throws Exception {
        int prometheusPort = freePort();
        String config = java.nio.file.Files.readString(Path.of("config/prometheus.yml"))
                .replace("seemore:8080", "127.0.0.1:" + port);
        try (GenericContainer<?> prometheus = new GenericContainer<>(
                System.getProperty("seemore.prometheus.image", "prom/prometheus:v2.53.0"))
                .withNetworkMode("host")
                .withCopyToContainer(Transferable.of(config), "/etc/prometheus/prometheus.yml")
                .withCommand("--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/tmp/prometheus",
                        "--web.listen-address=127.0.0.1:" + prometheusPort)
                .waitingFor(Wait.forLogMessage(".*Server is ready to receive web requests.*", 1))) {
            prometheus.start();
            String job = ObservedService.exercise(new TestHttp(port));
            Thread.sleep(12_000);
            String query = URLEncoder.encode("count_over_time(seemore_training_loss{job_id=\"" + job + "\"}[10m])",
                    StandardCharsets.UTF_8);
            String body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + prometheusPort
                    + "/api/v1/query?query=" + query)).build(), HttpResponse.BodyHandlers.ofString()).body();
            assertThat(JsonMapper.builder().build().readTree(body).get("data").get("result")).isNotEmpty();
        }
    }

    @Test
    void aGrafanaContainerLoadsTheDashboard() throws Exception {
        String image = System.getProperty("seemore.grafana.image", System.getenv("CI") == null ? "grafana/grafana:11.1.0" : "");
        Assumptions.assumeFalse(image.isEmpty(), "no Grafana image in CI: Debian has no Grafana package and no "
                + "registry is reachable (set seemore.grafana.image to run it)");
        int grafanaPort = freePort();
        try (GenericContainer<?> grafana = new GenericContainer<>(image)
                .withNetworkMode("host")
                .withFileSystemBind("config/grafana/provisioning", "/etc/grafana/provisioning")
                .withFileSystemBind("config/grafana/dashboards", "/var/lib/grafana/dashboards")
                .withEnv("GF_AUTH_ANONYMOUS_ENABLED", "true")
                .withEnv("GF_SERVER_HTTP_ADDR", "127.0.0.1")
                .withEnv("GF_SERVER_HTTP_PORT", String.valueOf(grafanaPort))
                .waitingFor(Wait.forLogMessage(".*HTTP Server Listen.*", 1))) {
            grafana.start();
            String dashboard = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + grafanaPort
                    + "/api/dashboards/uid/seemore")).build(), HttpResponse.BodyHandlers.ofString()).body();
            assertThat(dashboard).contains("Training loss per job");
        }
    }
}
