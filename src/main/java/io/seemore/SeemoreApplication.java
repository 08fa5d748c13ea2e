package io.seemore;

import io.seemore.model.Engines;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class SeemoreApplication {

    public static void main(String[] args) {
        Engines.configure(0);
        SpringApplication.run(SeemoreApplication.class, args);
    }
}
