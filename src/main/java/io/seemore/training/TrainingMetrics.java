package io.seemore.training;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToDoubleFunction;

/**
 * Training metrics for Prometheus: per running job (tag {@code job}) the loss, validation loss,
 * held-out exact match and character error rate, learning rate, gradient norm, step and tokens per second, updated every step and removed some
 * time after the job ends; steps done; jobs by state; finished jobs and their duration by state.
 */
final class TrainingMetrics {

    /** The latest values of one job, read by its gauges. */
    private static final class JobValues {
        volatile double loss = Double.NaN;
        volatile double validationLoss = Double.NaN;
        volatile double exactMatch = Double.NaN;
        volatile double characterErrorRate = Double.NaN;
        volatile double learningRate = Double.NaN;
        volatile double gradientNorm = Double.NaN;
        volatile double step;
        volatile double tokensPerSecond;
        volatile double progress;
        final List<Meter> meters = new ArrayList<>();
    }

    private final MeterRegistry registry;
    private final Duration retention;
    private final Map<String, JobValues> jobs = new ConcurrentHashMap<>();
    private final Map<JobState, AtomicInteger> jobsByState = new EnumMap<>(JobState.class);
    private final Counter steps;
    private final ScheduledExecutorService cleaner = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "training-metrics-cleaner");
        thread.setDaemon(true);
        return thread;
    });

    TrainingMetrics(MeterRegistry registry, Duration retention) {
        this.registry = registry;
        this.retention = retention;
        for (JobState state : JobState.values()) {
            AtomicInteger count = new AtomicInteger();
            jobsByState.put(state, count);
            Gauge.builder("seemore.training.jobs", count, AtomicInteger::get).tag("state", state.name())
                    .description("Training jobs by state").register(registry);
        }
        steps = Counter.builder("seemore.training.steps").description("Training steps done").register(registry);
    }

    void stateChanged(JobState from, JobState to) {
        if (from != null) {
            jobsByState.get(from).decrementAndGet();
        }
        jobsByState.get(to).incrementAndGet();
    }

    void started(String job) {
        JobValues values = new JobValues();
        gauge(values, job, "seemore.training.loss", v -> v.loss, "Training loss of the last step");
        gauge(values, job, "seemore.training.validation.loss", v -> v.validationLoss, "Last validation loss");
        gauge(values, job, "seemore.training.eval.exact.match", v -> v.exactMatch,
                "Share of held-out examples answered exactly right at the last evaluation");
        gauge(values, job, "seemore.training.eval.character.error.rate", v -> v.characterErrorRate,
                "Character edits per expected character of held-out answers at the last evaluation");
        gauge(values, job, "seemore.training.learning.rate", v -> v.learningRate, "Learning rate of the last step");
        gauge(values, job, "seemore.training.gradient.norm", v -> v.gradientNorm, "Global gradient norm before clipping");
        gauge(values, job, "seemore.training.step", v -> v.step, "Steps done");
        gauge(values, job, "seemore.training.tokens.per.second", v -> v.tokensPerSecond, "Training speed");
        values.meters.add(Gauge.builder("seemore.training.progress", values, v -> v.progress).baseUnit("ratio")
                .tags(Tags.of("job_id", job)).description("Share of the job's steps done").strongReference(true)
                .register(registry));
        jobs.put(job, values);
    }

    private void gauge(JobValues values, String job, String name, ToDoubleFunction<JobValues> read, String description) {
        values.meters.add(Gauge.builder(name, values, read).tags(Tags.of("job_id", job)).description(description)
                .strongReference(true).register(registry));
    }

    void step(String job, TrainingListener.StepMetrics metrics) {
        JobValues values = jobs.get(job);
        if (values != null) {
            values.loss = metrics.loss();
            values.learningRate = metrics.learningRate();
            values.gradientNorm = metrics.gradientNorm();
            values.step = metrics.step();
            values.tokensPerSecond = metrics.tokensPerSecond();
            values.progress = metrics.step() / (double) metrics.totalSteps();
        }
        steps.increment();
    }

    void evaluation(String job, HeldOutScore score) {
        JobValues values = jobs.get(job);
        if (values != null) {
            values.validationLoss = score.loss();
            values.exactMatch = score.exactMatch();
            if (score.answers() != null) {
                values.characterErrorRate = score.characterErrorRate();
            }
        }
    }

    /** Counts the finished job and drops its gauges after the retention time. */
    void finished(String job, JobState state, Duration duration) {
        Counter.builder("seemore.training.jobs.finished").tag("state", state.name())
                .description("Training jobs finished, by final state").register(registry).increment();
        if (duration != null) {
            Timer.builder("seemore.training.job.duration").tag("state", state.name())
                    .description("Time from start to end of training jobs").register(registry).record(duration);
        }
        cleaner.schedule(() -> {
            JobValues values = jobs.remove(job);
            if (values != null) {
                values.meters.forEach(registry::remove);
            }
        }, retention.toMillis(), TimeUnit.MILLISECONDS);
    }

    void close() {
        cleaner.shutdownNow();
    }
}
