package io.seemore;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Service tests that store datasets, jobs and models: a fresh {@code seemore.home} per test class. */
public abstract class TemporaryHome {

    @TempDir
    protected static Path home;

    @DynamicPropertySource
    static void dataDirectory(DynamicPropertyRegistry registry) {
        registry.add("seemore.home", () -> home.toString());
    }
}
