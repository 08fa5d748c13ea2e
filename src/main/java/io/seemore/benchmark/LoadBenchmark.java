package io.seemore.benchmark;

import ai.djl.ndarray.NDManager;
import io.seemore.SeemoreApplication;
import io.seemore.datasets.ShapesDataset;
import io.seemore.datasets.ShapesScene;
import io.seemore.generation.GenerationRequest;
import io.seemore.generation.GenerationService;
import io.seemore.model.Checkpoint;
import io.seemore.model.Engines;
import io.seemore.model.ModelConfig;
import io.seemore.model.VisionLanguageModel;
import io.seemore.tokenizer.CharTokenizer;
import io.seemore.training.CommandLine;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Load on the running service: the {@code seemore} preset (random weights, end-of-text suppressed so
 * that every answer is {@code --tokens} long) served in this process, driven over HTTP by 1, 4,
 * 16 and 64 concurrent clients, and the same request in-process for comparison. Then
 * {@code --soak=N} requests at 16 clients with resident memory before and after.
 */
public final class LoadBenchmark {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private LoadBenchmark() {}

    public static void main(String[] args) throws Exception {
        CommandLine options = CommandLine.parse(args);
        int tokens = options.integer("tokens", 100);
        int soak = options.integer("soak", 10_000);
        Engines.configure(options.integer("threads", 2));
        Path model = Files.createTempDirectory("seemore-load");
        writeModel(model.resolve("seemore-preset"));
        try (ConfigurableApplicationContext context = SpringApplication.run(SeemoreApplication.class,
                "--server.port=0", "--logging.level.root=WARN", "--seemore.home=" + model.resolve("home"),
                "--seemore.model.path=" + model.resolve("seemore-preset"), "--seemore.generation.max-batch-size=64",
                "--seemore.generation.queue-capacity=4096", "--seemore.generation.request-timeout=10m")) {
            int port = ((WebServerApplicationContext) context).getWebServer().getPort();
            URI uri = URI.create("http://localhost:" + port + "/generate");
            byte[] image = ShapesScene.random(new SplittableRandom(1)).png();
            Map<String, String> fields = Map.of("maxTokens", String.valueOf(tokens));

            GenerationService service = context.getBean(GenerationService.class);
            double[] inProcess = new double[20];
            for (int i = -5; i < inProcess.length; i++) {
                long start = System.nanoTime();
                service.generate(new GenerationRequest(image, "", tokens, null, null, null, null)).join();
                if (i >= 0) {
                    inProcess[i] = (System.nanoTime() - start) / 1e6;
                }
            }
            Arrays.sort(inProcess);
            System.out.printf("in-process, 1 client: p50 %.0f ms (%.0f tokens/s)%n", inProcess[10],
                    tokens / (inProcess[10] / 1000));
            HttpClient http = HttpClient.newHttpClient();
            for (int clients : new int[] {1, 4, 16, 64}) {
                run(http, uri, image, fields, clients, Math.max(20, clients * 4), tokens);
            }
            if (soak > 0) {
                run(http, uri, image, fields, 16, 500, tokens);
                long before = ServiceMemoryBenchmark.residentKilobytes();
                run(http, uri, image, fields, 16, soak, tokens);
                long after = ServiceMemoryBenchmark.residentKilobytes();
                System.out.printf("resident memory across %d requests after warm-up: %.1f MB -> %.1f MB (%+.1f%%)%n",
                        soak, before / 1024.0, after / 1024.0, 100.0 * (after - before) / before);
            }
        }
    }

    private static void run(HttpClient http, URI uri, byte[] image, Map<String, String> fields, int clients,
            int requests, int tokens) throws Exception {
        List<double[]> samples = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger next = new AtomicInteger();
        AtomicInteger generated = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long start = System.nanoTime();
        List<Future<?>> workers = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            workers.add(pool.submit(() -> {
                while (next.getAndIncrement() < requests) {
                    long sent = System.nanoTime();
                    HttpResponse<String> response = http.send(MultipartForm.post(uri, fields, Map.of("image", image)),
                            HttpResponse.BodyHandlers.ofString());
                    double latency = (System.nanoTime() - sent) / 1e6;
                    if (response.statusCode() != 200) {
                        throw new IllegalStateException(response.statusCode() + ": " + response.body());
                    }
                    JsonNode body = JSON.readTree(response.body());
                    generated.addAndGet(body.get("completionTokens").asInt());
                    samples.add(new double[] {latency, body.get("timings").get("timeToFirstTokenMs").asDouble()});
                }
                return null;
            }));
        }
        for (Future<?> worker : workers) {
            worker.get();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        double[] latencies = samples.stream().mapToDouble(s -> s[0]).sorted().toArray();
        double[] firsts = samples.stream().mapToDouble(s -> s[1]).sorted().toArray();
        System.out.printf("HTTP, %2d clients, %5d requests: %7.0f tokens/s, %6.2f requests/s, latency p50 %.0f ms "
                        + "p99 %.0f ms, time to first token p50 %.0f ms p99 %.0f ms%n",
                clients, requests, generated.get() / seconds, requests / seconds, percentile(latencies, 50),
                percentile(latencies, 99), percentile(firsts, 50), percentile(firsts, 99));
    }

    private static double percentile(double[] sorted, int percent) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(percent / 100.0 * sorted.length) - 1)];
    }

    /** A seemore-preset checkpoint with random weights that never writes end-of-text. */
    private static void writeModel(Path directory) {
        var texts = ShapesDataset.generate(200, 1, 1).train().texts().collect(Collectors.toSet());
        CharTokenizer tokenizer = CharTokenizer.fromTexts(texts);
        try (NDManager manager = NDManager.newBaseManager()) {
            VisionLanguageModel model = VisionLanguageModel.create(
                    ModelConfig.preset("seemore", tokenizer.vocabularySize()), manager);
            Benchmark.suppressEndOfText(model);
            Checkpoint.save(directory, model, tokenizer.vocabulary(), Map.of("purpose", "load benchmark"));
        }
    }
}
