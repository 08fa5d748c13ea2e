package io.seemore.benchmark;

import ai.djl.ndarray.NDManager;
import io.seemore.SeemoreApplication;
import io.seemore.datasets.ShapesDataset;
import io.seemore.datasets.ShapesScene;
import io.seemore.generation.GenerationRequest;
import io.seemore.generation.GenerationResult;
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
 * that every answer is {@code --tokens} long) served in this process and driven over HTTP by 1, 4,
 * 16 and 64 concurrent clients, each request with another scene. First a warm-up at 16 clients;
 * then single requests alternately in-process and over HTTP (same scenes), so that both see the
 * same machine; then each client count over HTTP and in-process; then {@code --soak=N} requests
 * at 16 clients over HTTP with resident memory before and after (before: once a tenth as many at
 * the same load have settled what the 64-client level left behind).
 */
public final class LoadBenchmark {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int SCENES = 64;

    private LoadBenchmark() {}

    public static void main(String[] args) throws Exception {
        CommandLine options = CommandLine.parse(args);
        int tokens = options.integer("tokens", 100);
        int soak = options.integer("soak", 10_000);
        int warmup = options.integer("warmup", 500);
        int pairs = options.integer("pairs", 50);
        int perClient = options.integer("requests-per-client", 10);
        Engines.configure(options.integer("threads", 1));
        Path model = Files.createTempDirectory("seemore-load");
        writeModel(model.resolve("seemore-preset"));
        try (ConfigurableApplicationContext context = SpringApplication.run(SeemoreApplication.class,
                "--server.port=0", "--logging.level.root=WARN", "--seemore.home=" + model.resolve("home"),
                "--seemore.model.path=" + model.resolve("seemore-preset"), "--seemore.generation.max-batch-size=64",
                "--seemore.generation.queue-capacity=4096", "--seemore.generation.request-timeout=10m")) {
            int port = ((WebServerApplicationContext) context).getWebServer().getPort();
            Client http = new OverHttp(HttpClient.newHttpClient(), URI.create("http://localhost:" + port + "/generate"),
                    Map.of("maxTokens", String.valueOf(tokens)));
            Client inProcess = new InProcess(context.getBean(GenerationService.class), tokens);
            byte[][] scenes = scenes();
            run(http, scenes, 16, warmup);
            compare(inProcess, http, scenes, pairs, tokens);
            for (int clients : new int[] {1, 4, 16, 64}) {
                for (Client client : List.of(http, inProcess)) {
                    run(client, scenes, clients, Math.max(100, clients * perClient)).print();
                }
            }
            if (soak > 0) {
                run(http, scenes, 16, soak / 10);
                long before = ServiceMemoryBenchmark.residentKilobytes();
                run(http, scenes, 16, soak).print();
                long after = ServiceMemoryBenchmark.residentKilobytes();
                System.out.printf("resident memory across %d requests after warm-up: %.1f MB -> %.1f MB (%+.1f%%)%n",
                        soak, before / 1024.0, after / 1024.0, 100.0 * (after - before) / before);
            }
        }
    }

    /** One request at a time, alternately in-process and over HTTP, with the same scenes. */
    private static void compare(Client inProcess, Client http, byte[][] scenes, int pairs, int tokens)
            throws Exception {
        double[] inProcessMillis = new double[pairs];
        double[] httpMillis = new double[pairs];
        for (int i = 0; i < pairs; i++) {
            inProcessMillis[i] = inProcess.send(scenes[i % SCENES])[0];
            httpMillis[i] = http.send(scenes[i % SCENES])[0];
        }
        Arrays.sort(inProcessMillis);
        Arrays.sort(httpMillis);
        double inProcessMedian = percentile(inProcessMillis, 50);
        double httpMedian = percentile(httpMillis, 50);
        System.out.printf("1 client, %d requests each way, alternating: in-process p50 %.1f ms (%.0f tokens/s), "
                        + "HTTP p50 %.1f ms (%.0f tokens/s): HTTP %+.1f%%%n", pairs, inProcessMedian,
                tokens / (inProcessMedian / 1000), httpMedian, tokens / (httpMedian / 1000),
                100 * (httpMedian - inProcessMedian) / inProcessMedian);
    }

    private static byte[][] scenes() {
        SplittableRandom random = new SplittableRandom(1);
        byte[][] scenes = new byte[SCENES][];
        for (int i = 0; i < SCENES; i++) {
            scenes[i] = ShapesScene.random(random).png();
        }
        return scenes;
    }

    /** Sends one request; returns its latency and time to first token in ms, and the tokens generated. */
    private interface Client {
        double[] send(byte[] scene) throws Exception;
    }

    /** As users call the service. */
    private record OverHttp(HttpClient http, URI uri, Map<String, String> fields) implements Client {

        @Override
        public double[] send(byte[] scene) throws Exception {
            long sent = System.nanoTime();
            HttpResponse<String> response = http.send(MultipartForm.post(uri, fields, Map.of("image", scene)),
                    HttpResponse.BodyHandlers.ofString());
            double latency = (System.nanoTime() - sent) / 1e6;
            if (response.statusCode() != 200) {
                throw new IllegalStateException(response.statusCode() + ": " + response.body());
            }
            JsonNode body = JSON.readTree(response.body());
            return new double[] {latency, body.get("timings").get("timeToFirstTokenMs").asDouble(),
                    body.get("completionTokens").asInt()};
        }

        @Override
        public String toString() {
            return "HTTP";
        }
    }

    /** The same generation without HTTP: the service's Java API, image decoding included. */
    private record InProcess(GenerationService service, int tokens) implements Client {

        @Override
        public double[] send(byte[] scene) {
            long sent = System.nanoTime();
            GenerationResult result = service.generate(new GenerationRequest(scene, "", tokens, null, null, null, null))
                    .join().result();
            return new double[] {(System.nanoTime() - sent) / 1e6, result.timeToFirstTokenNanos() / 1e6,
                    result.completionTokens()};
        }

        @Override
        public String toString() {
            return "in-process";
        }
    }

    /** Closed-loop clients: each sends its next request as soon as the last one is answered. */
    private static Result run(Client client, byte[][] scenes, int clients, int requests) throws Exception {
        List<double[]> samples = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long start = System.nanoTime();
        List<Future<?>> workers = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            workers.add(pool.submit(() -> {
                for (int request = next.getAndIncrement(); request < requests; request = next.getAndIncrement()) {
                    samples.add(client.send(scenes[request % SCENES]));
                }
                return null;
            }));
        }
        for (Future<?> worker : workers) {
            worker.get();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        return new Result(client.toString(), clients, requests, seconds, samples);
    }

    private record Result(String client, int clients, int requests, double seconds, List<double[]> samples) {

        void print() {
            double[] latencies = samples.stream().mapToDouble(s -> s[0]).sorted().toArray();
            double[] firsts = samples.stream().mapToDouble(s -> s[1]).sorted().toArray();
            double generated = samples.stream().mapToDouble(s -> s[2]).sum();
            System.out.printf("%-10s %2d clients, %5d requests: %7.0f tokens/s, %6.2f requests/s, latency p50 %.0f ms "
                            + "p99 %.0f ms, time to first token p50 %.0f ms p99 %.0f ms%n",
                    client, clients, requests, generated / seconds, requests / seconds, percentile(latencies, 50),
                    percentile(latencies, 99), percentile(firsts, 50), percentile(firsts, 99));
        }
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
