package io.seemore.benchmark;

import io.seemore.SeemoreApplication;
import io.seemore.datasets.ShapesScene;
import io.seemore.model.Engines;
import io.seemore.training.CommandLine;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Starts the service in this process with the shipped model, sends {@code --calls=N} (default
 * 2,000) {@code /generate} requests after a warm-up, and prints the process's resident memory
 * before and after: native memory that every request leaked would show here.
 */
public final class ServiceMemoryBenchmark {

    private ServiceMemoryBenchmark() {}

    public static void main(String[] args) throws Exception {
        CommandLine options = CommandLine.parse(args);
        int calls = options.integer("calls", 2000);
        int warmup = options.integer("warmup", 200);
        Engines.configure(1);
        try (ConfigurableApplicationContext context = SpringApplication.run(SeemoreApplication.class,
                "--server.port=0", "--logging.level.root=WARN")) {
            int port = ((WebServerApplicationContext) context).getWebServer().getPort();
            URI uri = URI.create("http://localhost:" + port + "/generate");
            HttpClient http = HttpClient.newHttpClient();
            SplittableRandom random = new SplittableRandom(1);
            byte[][] scenes = new byte[16][];
            for (int i = 0; i < scenes.length; i++) {
                scenes[i] = ShapesScene.random(random).png();
            }
            send(http, uri, scenes, warmup);
            long before = residentKilobytes();
            long start = System.nanoTime();
            send(http, uri, scenes, calls);
            double seconds = (System.nanoTime() - start) / 1e9;
            long after = residentKilobytes();
            System.out.printf("resident memory after %d warm-up calls: %.1f MB; after %d more /generate calls: "
                    + "%.1f MB (%+.1f%%); %.1f calls/s%n", warmup, before / 1024.0, calls, after / 1024.0,
                    100.0 * (after - before) / before, calls / seconds);
        }
    }

    private static void send(HttpClient http, URI uri, byte[][] scenes, int calls) throws Exception {
        for (int i = 0; i < calls; i++) {
            Map<String, String> fields = i % 2 == 0 ? Map.of() : Map.of("prompt", "how many shapes are there?");
            HttpRequest request = MultipartForm.post(uri, fields, Map.of("image", scenes[i % scenes.length]));
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("call " + i + " answered " + response.statusCode() + ": " + response.body());
            }
        }
    }

    /** VmRSS of this process, from /proc (Linux). */
    static long residentKilobytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }
}
