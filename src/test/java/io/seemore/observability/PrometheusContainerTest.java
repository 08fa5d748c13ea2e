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
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.testcontainers.Testcontainers;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.Transferable;
import tools.jackson.databind.json.JsonMapper;

/**
 * The same check as {@link PrometheusDashboardTest} with Prometheus and Grafana in containers,
 * wired by the files in {@code config/}. Runs wherever a Docker engine is present; reported as
 * skipped elsewhere.
 */
@org.testcontainers.junit.jupiter.Testcontainers(disabledWithoutDocker = true)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class PrometheusContainerTest extends TemporaryHome {

    @LocalServerPort
    int port;

    @Test
    void aPrometheusContainerScrapesTheLossAndGrafanaLoadsTheDashboard() throws Exception {
        Testcontainers.exposeHostPorts(port);
        String config = java.nio.file.Files.readString(Path.of("config/prometheus.yml"))
                .replace("seemore:8080", "host.testcontainers.internal:" + port);
        try (GenericContainer<?> prometheus = new GenericContainer<>("prom/prometheus:v2.53.0")
                .withCopyToContainer(Transferable.of(config), "/etc/prometheus/prometheus.yml")
                .withExposedPorts(9090).waitingFor(Wait.forHttp("/-/ready"));
                GenericContainer<?> grafana = new GenericContainer<>("grafana/grafana:11.1.0")
                        .withFileSystemBind("config/grafana/provisioning", "/etc/grafana/provisioning")
                        .withFileSystemBind("config/grafana/dashboards", "/var/lib/grafana/dashboards")
                        .withEnv("GF_AUTH_ANONYMOUS_ENABLED", "true")
                        .withExposedPorts(3000).waitingFor(Wait.forHttp("/api/health"))) {
            prometheus.start();
            grafana.start();
            String job = ObservedService.exercise(new TestHttp(port));
            Thread.sleep(12_000);
            String api = "http://" + prometheus.getHost() + ":" + prometheus.getMappedPort(9090);
            String query = URLEncoder.encode("count_over_time(seemore_training_loss{job_id=\"" + job + "\"}[10m])",
                    StandardCharsets.UTF_8);
            HttpClient http = HttpClient.newHttpClient();
            String body = http.send(HttpRequest.newBuilder(URI.create(api + "/api/v1/query?query=" + query)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertThat(JsonMapper.builder().build().readTree(body).get("data").get("result")).isNotEmpty();

            String dashboard = http.send(HttpRequest.newBuilder(URI.create("http://" + grafana.getHost() + ":"
                    + grafana.getMappedPort(3000) + "/api/dashboards/uid/seemore")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertThat(dashboard).contains("Training loss per job");
        }
    }
}
