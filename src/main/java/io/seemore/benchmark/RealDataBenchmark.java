package io.seemore.benchmark;

import io.seemore.training.CommandLine;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Trains on a real dataset through the job API of a running service, as a user would, and reports
 * held-out exact match against minutes trained (wall clock, and the service's CPU time when
 * {@code --pid} is given). Then scores the model on separate test files through
 * {@code POST /api/models/{id}/evaluate}. Options:
 * <pre>
 *   --url=http://localhost:8080
 *   --train=FILE.csv            uploaded, trained on (a tenth held out by the service)
 *   --test=NAME=FILE.csv,...    evaluated afterwards, each on all its rows
 *   --job={"maxMinutes":14}     the job request's other fields, as JSON (datasetId is added)
 *   --pid=N                     the service's process, for its CPU time
 * </pre>
 * With Fashion-MNIST or MNIST digits made by {@link MnistCaptions}, see README, "Real data".
 */
public final class RealDataBenchmark {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private RealDataBenchmark() {}

    public static void main(String[] args) throws Exception {
        CommandLine options = CommandLine.parse(args);
        String url = options.text("url", "http://localhost:8080");
        String pid = options.text("pid", null);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();

        String dataset = upload(http, url, Path.of(options.required("train")));
        Map<String, Object> request = new LinkedHashMap<>();
        JSON.readTree(options.text("job", "{}")).properties().forEach(e -> request.put(e.getKey(), e.getValue()));
        request.put("datasetId", dataset);
        JsonNode job = send(http, HttpRequest.newBuilder(URI.create(url + "/api/training/jobs"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(request))).build(), 202);
        String id = job.get("id").asString();
        System.out.println("job " + id + ": " + JSON.writeValueAsString(request));

        double cpuStart = pid == null ? Double.NaN : cpuSeconds(pid);
        long start = System.nanoTime();
        double lastExactMatch = Double.NaN;
        while (true) {
            Thread.sleep(5_000);
            job = send(http, HttpRequest.newBuilder(URI.create(url + "/api/training/jobs/" + id)).build(), 200);
            double exactMatch = job.path("exactMatch").asDouble(Double.NaN);
            boolean finished = !List.of("QUEUED", "RUNNING").contains(job.get("state").asString());
            if (finished || Double.compare(exactMatch, lastExactMatch) != 0) {
                System.out.printf("%6.2f min wall  %6.2f CPU-min  step %5d/%d  validation loss %s  held-out exact match %s"
                                + "  character error rate %s%n",
                        (System.nanoTime() - start) / 60e9, (cpuSeconds(pid) - cpuStart) / 60,
                        job.get("step").asInt(), job.get("totalSteps").asInt(), job.path("validationLoss"),
                        percent(exactMatch), percent(job.path("characterErrorRate").asDouble(Double.NaN)));
                lastExactMatch = exactMatch;
            }
            if (finished) {
                break;
            }
        }
        if (!job.get("state").asString().equals("SUCCEEDED")) {
            throw new IllegalStateException("the job ended " + job.get("state") + ": " + job.path("failureReason"));
        }
        String model = job.get("modelId").asString();
        for (String test : options.text("test", "").split(",")) {
            if (test.isBlank()) {
                continue;
            }
            String[] nameAndFile = test.split("=", 2);
            String testDataset = upload(http, url, Path.of(nameAndFile[1]));
            JsonNode report = send(http, HttpRequest.newBuilder(URI.create(url + "/api/models/" + model + "/evaluate"))
                    .header("Content-Type", "application/json").timeout(Duration.ofMinutes(30))
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of(
                            "datasetId", testDataset, "split", "all", "maxExamples", 100_000)))).build(), 200);
            System.out.printf("%s: exact match %s of %d, character error rate %s (%.0f s)%n", nameAndFile[0],
                    percent(report.get("exactMatch").asDouble()), report.get("examples").asInt(),
                    percent(report.get("characterErrorRate").asDouble()), report.get("seconds").asDouble());
            report.get("sampleMistakes").valueStream().limit(5).forEach(m -> System.out.println("  " + m.asString()));
        }
    }

    private static String upload(HttpClient http, String url, Path file) throws IOException, InterruptedException {
        HttpRequest request = MultipartForm.post(URI.create(url + "/api/datasets"),
                Map.of("name", file.getFileName().toString()), Map.of("file", Files.readAllBytes(file)));
        return send(http, request, 201).get("id").asString();
    }

    private static JsonNode send(HttpClient http, HttpRequest request, int expected)
            throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != expected) {
            throw new IllegalStateException(request.uri() + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    private static String percent(double share) {
        return Double.isNaN(share) ? "-" : String.format("%.1f%%", 100 * share);
    }

    /** User and system CPU time of a process, from /proc (NaN without a pid). */
    private static double cpuSeconds(String pid) throws IOException {
        if (pid == null) {
            return Double.NaN;
        }
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // Fields 14 and 15 of stat (utime, stime), counted from the state field (3), in clock ticks.
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
    }
}
