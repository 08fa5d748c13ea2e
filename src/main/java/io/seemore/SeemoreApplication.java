package io.seemore;

import io.seemore.model.Engines;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class SeemoreApplication {

    public static void main(String[] args) {
        // One intra-op thread per calling thread: generation runs two (prefill and decode), and with
        // libtorch's default of one per core they fight over the cores (2.5x slower, see README).
        Engines.configure(1);
        // ./mvnw spring-boot:run and the Docker image set both; a service started otherwise should too.
        warnIfUnset("GLIBC_TUNABLES", "training runs at about half its speed (README, \"Training speed and malloc\")");
        warnIfUnset("ONEDNN_MAX_CPU_ISA",
                "on AVX-512 machines some answers come out empty (NaN; README, \"NaN answers\")");
        SpringApplication.run(SeemoreApplication.class, args);
    }

    private static void warnIfUnset(String variable, String consequence) {
        if (System.getenv(variable) == null) {
            LoggerFactory.getLogger(SeemoreApplication.class).warn("{} is not set: {}", variable, consequence);
        }
    }
}
