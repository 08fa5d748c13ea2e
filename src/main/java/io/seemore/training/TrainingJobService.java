package io.seemore.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import io.micrometer.core.instrument.MeterRegistry;
import io.seemore.config.SeemoreProperties;
import io.seemore.datasets.DatasetService;
import io.seemore.datasets.DatasetSplits;
import io.seemore.datasets.DatasetUsers;
import io.seemore.generation.GenerationService;
import io.seemore.model.Checkpoint;
import io.seemore.model.ModelConfig;
import io.seemore.model.VisionLanguageModel;
import io.seemore.registry.ModelRegistry;
import io.seemore.store.DataDirectory;
import io.seemore.tokenizer.CharTokenizer;
import jakarta.annotation.PreDestroy;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs training jobs in the background: a bounded queue, a fixed number of concurrent runs, job
 * records and loss histories under {@code jobs/}, cancellation within one step, resumption from
 * the last checkpoint, live metrics, and a model version registered for every successful run.
 */
@Service
public class TrainingJobService implements DatasetUsers {

    private static final Logger log = LoggerFactory.getLogger(TrainingJobService.class);
    private static final Duration SAVE_INTERVAL = Duration.ofSeconds(5);

    /** Hears every event of one job: metric points, then its final state. */
    public interface JobSubscriber {
        void onMetric(MetricPoint point);

        void onFinished(TrainingJob job);
    }

    private final DataDirectory data;
    private final DatasetService datasets;
    private final ModelRegistry registry;
    private final JsonMapper json;
    private final SeemoreProperties.Training settings;
    private final TrainingMetrics metrics;
    private final GenerationService generation;
    private final ThreadPoolExecutor workers;
    private final Map<String, TrainingJob> jobs = new ConcurrentHashMap<>();
    private final Set<String> cancelRequests = ConcurrentHashMap.newKeySet();
    private final Map<String, List<JobSubscriber>> subscribers = new ConcurrentHashMap<>();
    private volatile boolean shuttingDown;

    public TrainingJobService(DataDirectory data, DatasetService datasets, ModelRegistry registry, JsonMapper json,
            SeemoreProperties properties, MeterRegistry meters, GenerationService generation) {
        this.data = data;
        this.datasets = datasets;
        this.registry = registry;
        this.json = json;
        this.settings = properties.training();
        this.metrics = new TrainingMetrics(meters, settings.metricsRetention());
        this.generation = generation;
        this.workers = new ThreadPoolExecutor(settings.concurrentJobs(), settings.concurrentJobs(), 0, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(settings.queueCapacity()), r -> {
                    Thread thread = new Thread(r, "training-job");
                    thread.setDaemon(true);
                    return thread;
                });
        recover();
    }

    /** Jobs found on disk: a run the last process did not finish is INTERRUPTED; queued ones run. */
    private void recover() {
        try (Stream<Path> files = Files.list(data.jobs())) {
            files.filter(f -> f.getFileName().toString().endsWith(".json")).forEach(file -> {
                TrainingJob job = data.readJson(file, TrainingJob.class);
                if (job.state() == JobState.RUNNING) {
                    job = job.withState(JobState.INTERRUPTED,
                            "the service stopped during the run; resume it to continue from its last checkpoint");
                    save(job);
                }
                jobs.put(job.id(), job);
                metrics.stateChanged(null, job.state());
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        jobs.values().stream().filter(job -> job.state() == JobState.QUEUED)
                .sorted(Comparator.comparing(TrainingJob::createdAt))
                .forEach(job -> workers.execute(() -> execute(job.id())));
    }

    /** Validates the request, stores the job as QUEUED and queues it. */
    public TrainingJob submit(TrainingJobRequest request) {
        JobPlan.check(request, datasets, registry, settings.memoryBudget().toBytes());
        String id = "job-" + UUID.randomUUID().toString().substring(0, 8);
        TrainingJob job = new TrainingJob(id, request, JobState.QUEUED, Instant.now(), null, null, 0, 0, null, null,
                null, null, null, null, null, null, null);
        enqueue(job);
        return job;
    }

    private void enqueue(TrainingJob job) {
        if (workers.getQueue().remainingCapacity() == 0) {
            throw new TrainingExceptions.QueueFull(settings.queueCapacity());
        }
        update(job);
        try {
            workers.execute(() -> execute(job.id()));
        } catch (RejectedExecutionException e) {
            update(job.withState(JobState.FAILED, "the training queue was full"));
            throw new TrainingExceptions.QueueFull(settings.queueCapacity());
        }
    }

    public TrainingJob get(String id) {
        TrainingJob job = jobs.get(id);
        if (job == null) {
            throw new TrainingExceptions.UnknownJob(id);
        }
        return job;
    }

    /** Newest first, optionally only those in one state. */
    public List<TrainingJob> list(JobState state) {
        return jobs.values().stream().filter(job -> state == null || job.state() == state)
                .sorted(Comparator.comparing(TrainingJob::createdAt).reversed()).toList();
    }

    /** Asks a job to stop: a queued one at once, a running one before its next step. */
    public TrainingJob cancel(String id) {
        TrainingJob job = get(id);
        if (job.state().finished()) {
            throw new TrainingExceptions.WrongState(id, job.state(), "cancelled");
        }
        if (job.state() == JobState.QUEUED) {
            finish(job.withState(JobState.CANCELLED, "cancelled before it started"));
        } else {
            cancelRequests.add(id);
        }
        return get(id);
    }

    /** Continues an interrupted, cancelled or failed job from its last checkpoint. */
    public TrainingJob resume(String id) {
        TrainingJob job = get(id);
        if (!job.state().finished() || job.state() == JobState.SUCCEEDED) {
            throw new TrainingExceptions.WrongState(id, job.state(), "resumed");
        }
        cancelRequests.remove(id);
        TrainingJob queued = job.withState(JobState.QUEUED, null);
        enqueue(queued);
        return queued;
    }

    /** The loss history: every step's training loss and learning rate, and each validation loss. */
    public List<MetricPoint> metrics(String id) {
        get(id);
        Path file = historyFile(id);
        if (!Files.exists(file)) {
            return List.of();
        }
        try (Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
            List<MetricPoint> points = new ArrayList<>();
            lines.filter(line -> !line.isBlank()).forEach(line -> {
                try {
                    points.add(json.readValue(line, MetricPoint.class));
                } catch (RuntimeException e) {
                    // A crash can cut the last line short; everything before it is intact.
                }
            });
            return points;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Hears a job's events until it ends; returns a handle that stops listening. */
    public Runnable subscribe(String id, JobSubscriber subscriber) {
        TrainingJob job = get(id);
        if (job.state().finished()) {
            subscriber.onFinished(job);
            return () -> {};
        }
        subscribers.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>()).add(subscriber);
        return () -> subscribers.getOrDefault(id, List.of()).remove(subscriber);
    }

    @Override
    public Optional<String> userOf(String datasetId) {
        return jobs.values().stream().filter(job -> !job.state().finished())
                .filter(job -> datasetId.equals(job.request().datasetId())).map(TrainingJob::id).findFirst();
    }

    /** Runs a job; from its last checkpoint when an earlier attempt left one. */
    private void execute(String id) {
        TrainingJob job = get(id);
        if (job.state() != JobState.QUEUED || shuttingDown) {
            return;
        }
        job = update(job.withState(JobState.RUNNING, null));
        metrics.started(id);
        Path checkpoint = data.jobs().resolve(id).resolve("checkpoint");
        try (NDManager manager = NDManager.newBaseManager()) {
            JobPlan plan = JobPlan.prepare(job.request(), datasets, registry, manager,
                    settings.memoryBudget().toBytes());
            VisionLanguageModel model = plan.model();
            CharTokenizer tokenizer = plan.tokenizer();
            int completed = 0;
            long completedNanos = 0;
            if (Files.exists(checkpoint)) {
                Checkpoint.Loaded saved = Checkpoint.load(checkpoint, manager);
                model = saved.network();
                tokenizer = CharTokenizer.fromVocabulary(saved.vocabulary());
                completed = ((Number) saved.training().getOrDefault("step", 0)).intValue();
                completedNanos = ((Number) saved.training().getOrDefault(TrainingRun.TRAINING_NANOS, 0)).longValue();
            }
            Map<String, Object> provenance = new LinkedHashMap<>();
            provenance.put("jobId", id);
            provenance.put("datasetId", job.request().datasetId());
            provenance.put("baseModelId", job.request().baseModelId());
            update(get(id).withRecipe(new TrainingJob.Recipe(model.config(), plan.options())));
            TrainingRun run = new TrainingRun(model, tokenizer, plan.data(), plan.options(), checkpoint, provenance,
                    new JobListener(id));
            // Every core while nobody waits for an answer; one (generation's share left) otherwise.
            TrainingResult result = run.run(manager, () -> cancelRequests.contains(id) || shuttingDown, completed,
                    completedNanos, () -> generation.isIdle() ? settings.threadsWhenIdle() : 1);
            if (result.cancelled()) {
                cancelRequests.remove(id);
                finish(shuttingDown
                        ? get(id).withState(JobState.INTERRUPTED, "the service stopped at step " + result.steps()
                                + "; resume it to continue from its last checkpoint")
                        : get(id).withState(JobState.CANCELLED, "cancelled at step " + result.steps()
                                + "; the last checkpoint is kept"));
                return;
            }
            String modelId = "model-" + id.substring("job-".length());
            Map<String, Object> finalMetrics = new LinkedHashMap<>();
            finalMetrics.put("steps", result.steps());
            finalMetrics.put("trainingLoss", result.trainingLoss());
            finalMetrics.put("validationLoss", Float.isNaN(result.validationLoss()) ? null : result.validationLoss());
            if (result.heldOut() != null) {
                finalMetrics.put("exactMatch", result.heldOut().exactMatch());
                finalMetrics.put("characterErrorRate", result.heldOut().characterErrorRate());
                finalMetrics.put("heldOutExamples", result.heldOut().examples());
            }
            registry.register(modelId, checkpoint, id, job.request().datasetId(), finalMetrics);
            finish(get(id).withModel(modelId).withState(JobState.SUCCEEDED, null));
        } catch (TrainingDivergedException e) {
            finish(get(id).withState(JobState.FAILED, e.getMessage()));
        } catch (RuntimeException | IOException | io.seemore.datasets.DatasetFormatException e) {
            log.warn("training job {} failed", id, e);
            finish(get(id).withState(JobState.FAILED, e.getMessage()));
        }
    }

    private void finish(TrainingJob job) {
        update(job);
        Duration duration = job.startedAt() == null ? null : Duration.between(job.startedAt(), job.finishedAt());
        metrics.finished(job.id(), job.state(), duration);
        List<JobSubscriber> listeners = subscribers.remove(job.id());
        if (listeners != null) {
            listeners.forEach(s -> s.onFinished(job));
        }
    }

    /** Records a new version of a job: in memory, on disk (atomically) and in the state gauges. */
    private TrainingJob update(TrainingJob job) {
        TrainingJob previous = jobs.put(job.id(), job);
        if (previous == null || previous.state() != job.state()) {
            metrics.stateChanged(previous == null ? null : previous.state(), job.state());
        }
        save(job);
        return job;
    }

    private void save(TrainingJob job) {
        data.writeJson(data.jobs().resolve(job.id() + ".json"), job);
    }

    private Path historyFile(String id) {
        return data.jobs().resolve(id).resolve("metrics.jsonl");
    }

    /** Turns a run's events into job updates, history lines, gauges and subscriber events. */
    private final class JobListener implements TrainingListener {
        private final String id;
        private Instant lastSave = Instant.now();
        private float learningRate;

        JobListener(String id) {
            this.id = id;
        }

        @Override
        public void onStep(StepMetrics step) {
            learningRate = step.learningRate();
            TrainingJob job = get(id).withProgress(step);
            jobs.put(id, job);
            if (Instant.now().isAfter(lastSave.plus(SAVE_INTERVAL))) {
                save(job);
                lastSave = Instant.now();
            }
            metrics.step(id, step);
            publish(MetricPoint.step(step.step(), step.loss(), step.learningRate()));
        }

        @Override
        public void onEvaluation(int step, HeldOutScore score) {
            jobs.put(id, get(id).withEvaluation(score));
            metrics.evaluation(id, score);
            publish(MetricPoint.evaluation(step, score, learningRate));
        }

        @Override
        public void onCheckpoint(int step, Path directory) {
            save(get(id));
        }

        private void publish(MetricPoint point) {
            Path file = historyFile(id);
            try {
                Files.createDirectories(file.getParent());
                try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
                    out.write(json.writeValueAsString(point));
                    out.newLine();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            subscribers.getOrDefault(id, List.of()).forEach(s -> s.onMetric(point));
        }
    }

    @PreDestroy
    void shutdown() {
        shuttingDown = true;
        cancelRequests.addAll(jobs.keySet());
        workers.shutdownNow();
        try {
            workers.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        metrics.close();
    }
}
