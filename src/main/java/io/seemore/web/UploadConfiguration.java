package io.seemore.web;

import io.seemore.config.SeemoreProperties;
import io.seemore.store.DataDirectory;
import jakarta.servlet.MultipartConfigElement;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Multipart uploads stream to {@code staging/} under the data directory (parts over 1 MB go to
 * disk as they arrive; the directory is emptied at start, so a crashed upload leaves nothing),
 * limited by {@code seemore.limits.max-upload-size}.
 */
@Configuration(proxyBeanMethods = false)
public class UploadConfiguration {

    private static final int IN_MEMORY_PART_BYTES = 1 << 20;

    @Bean
    MultipartConfigElement multipartConfigElement(SeemoreProperties properties, DataDirectory data) {
        long max = properties.limits().maxUploadSize().toBytes();
        return new MultipartConfigElement(data.staging().toString(), max, max, IN_MEMORY_PART_BYTES);
    }
}
