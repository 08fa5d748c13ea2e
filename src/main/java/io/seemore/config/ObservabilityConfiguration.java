package io.seemore.config;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.seemore.registry.ModelRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.actuate.info.InfoContributor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Health, info and process metrics beyond what Spring Boot gives. */
@Configuration(proxyBeanMethods = false)
public class ObservabilityConfiguration {

    /** Ready only while a model is loaded: without one, /generate cannot answer. */
    @Bean
    HealthIndicator model(ModelRegistry registry) {
        return () -> registry.active()
                .map(model -> Health.up().withDetail("model", model.id()).build())
                .orElseGet(() -> Health.down().withDetail("reason", "no model loaded").build());
    }

    @Bean
    InfoContributor activeModel(ModelRegistry registry) {
        return builder -> builder.withDetail("model", registry.active()
                .<Object>map(model -> Map.of("id", model.id(), "parameters", model.parameterCount()))
                .orElse(Map.of("id", "none")));
    }

    /** Resident memory (VmRSS) of the process, the figure that shows native-memory leaks. */
    @Bean
    Gauge residentMemory(MeterRegistry meters) {
        return Gauge.builder("process.resident.memory", ObservabilityConfiguration::residentBytes)
                .baseUnit("bytes").description("Resident set size of the process").register(meters);
    }

    static double residentBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return 1024.0 * Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }
}
