package io.seemore.benchmark;

import io.seemore.training.CommandLine;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A running service (started apart, e.g. {@code ./mvnw spring-boot:run}, so that the clients'
 * memory is not the service's) under more clients than it can serve: {@code --clients} (200)
 * closed-loop clients sending a 1024 px photo to {@code --url}{@code /generate} for
 * {@code --seconds} (60), the service's resident memory ({@code --pid}) sampled throughout and
 * {@code --rest} seconds (60) after; then {@code --retrying-clients} (400) that retry every
 * failure after 50-150 ms, ignoring Retry-After. Run it from the repository root (the photo is a
 * test resource).
 */
public final class OverloadBenchmark {

    private OverloadBenchmark() {}

    public static void main(String[] args) throws Exception {
        CommandLine options = CommandLine.parse(args);
        int clients = options.integer("clients", 200);
        int retrying = options.integer("retrying-clients", 400);
        int seconds = options.integer("seconds", 60);
        int rest = options.integer("rest", 60);
        byte[] photo = Files.readAllBytes(Path.of(options.text("image", "src/test/resources/images/car.png")));
        URI uri = URI.create(options.text("url", "http://localhost:8080") + "/generate");
        Path status = Path.of("/proc/" + options.required("pid") + "/status");
        HttpClient http = HttpClient.newBuilder().executor(Executors.newCachedThreadPool())
                .connectTimeout(Duration.ofSeconds(30)).build();
        HttpRequest request = MultipartForm.post(uri, Map.of(), Map.of("image", photo));
        load(http, request, 8, 10, false, new MemorySampler(status));
        Thread.sleep(5_000);
        long idle = residentKilobytes(status);
        System.out.printf("photo %d bytes; service idle: %.0f MB resident%n", photo.length, idle / 1024.0);

        MemorySampler underLoad = new MemorySampler(status);
        Result closed = load(http, request, clients, seconds, false, underLoad);
        closed.print(clients + " clients");
        System.out.printf("  service resident memory under load: peak %.0f MB%n", underLoad.peak.get() / 1024.0);
        Thread.sleep(rest * 1000L);
        long after = residentKilobytes(status);
        System.out.printf("  %d s later: %.0f MB (%+.1f%% of idle)%n", rest, after / 1024.0, 100.0 * (after - idle) / idle);

        MemorySampler retryLoad = new MemorySampler(status);
        Result retried = load(http, request, retrying, seconds, true, retryLoad);
        retried.print(retrying + " retrying clients");
        System.out.printf("  service resident memory: peak %.0f MB; successful requests/s %.0f%% of %d clients'%n",
                retryLoad.peak.get() / 1024.0, 100.0 * retried.okPerSecond() / closed.okPerSecond(), clients);
        System.exit(0);
    }

    static long residentKilobytes(Path status) throws java.io.IOException {
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmRSS in " + status);
    }

    private static Result load(HttpClient http, HttpRequest request, int clients, int seconds, boolean retry,
            MemorySampler memory) throws Exception {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        AtomicLong ok = new AtomicLong();
        Map<String, AtomicLong> failures = new ConcurrentHashMap<>();
        List<Long> latencies = java.util.Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        Thread sampler = new Thread(memory, "memory-sampler");
        sampler.setDaemon(true);
        sampler.start();
        long start = System.nanoTime();
        for (int c = 0; c < clients; c++) {
            pool.submit(() -> {
                while (System.nanoTime() < deadline) {
                    long sent = System.nanoTime();
                    String outcome;
                    try {
                        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                        outcome = response.statusCode() == 200 ? null : String.valueOf(response.statusCode());
                    } catch (Exception e) {
                        outcome = e.getClass().getSimpleName();
                    }
                    if (outcome == null) {
                        ok.incrementAndGet();
                        latencies.add(System.nanoTime() - sent);
                    } else {
                        failures.computeIfAbsent(outcome, k -> new AtomicLong()).incrementAndGet();
                        if (retry) {
                            Thread.sleep(ThreadLocalRandom.current().nextLong(50, 150));
                        }
                    }
                }
                return null;
            });
        }
        pool.shutdown();
        pool.awaitTermination(seconds + 120L, TimeUnit.SECONDS);
        double elapsed = (System.nanoTime() - start) / 1e9;
        sampler.interrupt();
        long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        return new Result(ok.get(), failures, elapsed, sorted);
    }

    private record Result(long ok, Map<String, AtomicLong> failures, double seconds, long[] latencies) {
        double okPerSecond() {
            return ok / seconds;
        }

        void print(String label) {
            System.out.printf("%s for %.0f s: %d answered (%.1f/s), failures %s, latency p50 %.0f ms p99 %.0f ms%n",
                    label, seconds, ok, okPerSecond(), failures, percentile(50), percentile(99));
        }

        private double percentile(int percent) {
            return latencies.length == 0 ? Double.NaN
                    : latencies[Math.min(latencies.length - 1, (int) Math.ceil(percent / 100.0 * latencies.length) - 1)] / 1e6;
        }
    }

    /** Samples the service's resident memory every 250 ms and keeps the peak. */
    private static final class MemorySampler implements Runnable {
        final AtomicLong peak = new AtomicLong();
        private final Path status;

        MemorySampler(Path status) {
            this.status = status;
        }

        @Override
        public void run() {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    peak.accumulateAndGet(residentKilobytes(status), Math::max);
                    Thread.sleep(250);
                }
            } catch (InterruptedException | java.io.IOException e) {
                // stopped, or no /proc: the peak so far stands
            }
        }
    }
}
