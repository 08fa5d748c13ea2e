package io.seemore.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** Dockerfile, docker-compose.yml and config/ name files that exist and ports that match the service. */
class DeploymentFilesTest {

    private static Object yaml(String file) throws Exception {
        return new Yaml().load(Files.readString(Path.of(file)));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value, String... keys) {
        Object current = value;
        for (String key : keys) {
            current = ((Map<String, Object>) current).get(key);
        }
        return (Map<String, Object>) current;
    }

    private static int servicePort() throws Exception {
        return (Integer) map(yaml("src/main/resources/application.yml"), "server").get("port");
    }

    @Test
    void theDockerfileTakesTheBuiltJarAndABaseImageArgumentAndExposesTheServicePort() throws Exception {
        String dockerfile = Files.readString(Path.of("Dockerfile"));
        // From the build context only the jar that ./mvnw package makes (built on the host, where
        // Maven's downloads work); .ci/docker-smoke builds and runs the image for real.
        Matcher copies = Pattern.compile("(?m)^COPY (?!--from)(.+) \\S+$").matcher(dockerfile);
        List<String> sources = new java.util.ArrayList<>();
        while (copies.find()) {
            sources.addAll(List.of(copies.group(1).trim().split("\\s+")));
        }
        assertThat(sources).containsExactly("target/seemore-*.jar");
        assertThat(Files.readString(Path.of("pom.xml"))).contains("<artifactId>seemore</artifactId>");
        assertThat(Files.readString(Path.of(".dockerignore"))).contains("!target/seemore-*.jar");
        assertThat(dockerfile).contains("ARG RUNTIME_IMAGE=").contains("FROM ${RUNTIME_IMAGE}");
        assertThat(dockerfile).contains("EXPOSE " + servicePort());
        assertThat(dockerfile).contains("localhost:" + servicePort() + "/actuator/health/readiness");
        assertThat(dockerfile.lines().filter(line -> line.startsWith("FROM"))).noneMatch(line -> line.contains("alpine"));
        assertThat(dockerfile).contains("USER seemore").contains("VOLUME /data").contains("HEALTHCHECK");
    }

    @Test
    void theImageTheServiceAndTheTestsSetTheNativeLibrariesAlike() throws Exception {
        assertSetAlike("seemore.glibc.tunables", "GLIBC_TUNABLES");
        assertSetAlike("seemore.onednn.isa", "ONEDNN_MAX_CPU_ISA");
    }

    /** The pom's property is the Dockerfile's value of the variable, and Surefire passes it to the tests. */
    private static void assertSetAlike(String property, String variable) throws Exception {
        Matcher pom = Pattern.compile("<" + property + ">(.+)</" + property + ">").matcher(Files.readString(Path.of("pom.xml")));
        assertThat(pom.find()).isTrue();
        assertThat(Files.readString(Path.of("Dockerfile"))).contains(variable + "=" + pom.group(1) + " ");
        assertThat(System.getenv(variable)).isEqualTo(pom.group(1));
    }

    @Test
    @SuppressWarnings("unchecked")
    void composeWiresTheServicePrometheusAndGrafanaWithFilesThatExist() throws Exception {
        Map<String, Object> services = map(yaml("docker-compose.yml"), "services");
        assertThat(services).containsKeys("seemore", "prometheus", "grafana");
        List<String> ports = (List<String>) map(services, "seemore").get("ports");
        assertThat(ports).contains(servicePort() + ":" + servicePort());
        for (String service : List.of("prometheus", "grafana")) {
            for (String volume : (List<String>) map(services, service).get("volumes")) {
                assertThat(Path.of(volume.split(":")[0])).as(service + " volume").exists();
            }
        }
        Map<String, Object> scrape = ((List<Map<String, Object>>) map(yaml("config/prometheus.yml")).get("scrape_configs")).get(0);
        assertThat(scrape.get("metrics_path")).isEqualTo("/actuator/prometheus");
        assertThat(scrape.toString()).contains("seemore:" + servicePort());
        assertThat(Files.readString(Path.of("config/grafana/provisioning/datasources/prometheus.yml")))
                .contains("http://prometheus:9090");
        assertThat(Files.readString(Path.of("config/grafana/provisioning/dashboards/seemore.yml")))
                .contains("/var/lib/grafana/dashboards");
        assertThat(Dashboard.FILE).exists();
    }
}
