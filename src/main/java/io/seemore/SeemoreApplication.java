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
        if (System.getenv("GLIBC_TUNABLES") == null) {
            LoggerFactory.getLogger(SeemoreApplication.class).warn("GLIBC_TUNABLES is not set: training runs at about "
                    + "half its speed (README, \"Training speed and malloc\")");
        }
        if (System.getenv("ONEDNN_MAX_CPU_ISA") == null) {
            LoggerFactory.getLogger(SeemoreApplication.class).warn("ONEDNN_MAX_CPU_ISA is not set: on AVX-512 machines "
                    + "some answers come out empty (NaN; README, \"NaN answers\")");
        }
        SpringApplication.run(SeemoreApplication.class, args);
    }
}
