package io.seemore.generation;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.seemore.config.SeemoreProperties;
import io.seemore.datasets.ImageLimits;
import io.seemore.datasets.ImagePreprocessor;
import io.seemore.datasets.InvalidImageException;
import io.seemore.registry.ModelRegistry;
import io.seemore.registry.ModelUnavailableException;
import io.seemore.model.ModelConfig;
import io.seemore.registry.ServedModel;
import io.seemore.tokenizer.UnknownCharactersException;
import jakarta.annotation.PreDestroy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Service;

/**
 * The one generation service behind {@code /generate}, {@code /v1/chat/completions} and
 * {@code /api/generate}: validates a request, prepares its image and prompt, and hands it to the
 * served model's {@link GenerationScheduler}, which decodes concurrent requests together.
 */
@Service
public class GenerationService {

    /** The answer to a request, with the model that gave it. */
    public record Answer(String model, GenerationResult result) {}

    /** A request being decoded: the model serving it, and the sequence (to cancel it). */
    public record Handle(String model, Sequence sequence) {}

    /** Hears a request's text as it is generated, then its answer; called on the decoding thread. */
    public interface AnswerListener {
        default void onText(String text) {}

        void onAnswer(Answer answer);

        void onError(RuntimeException error);
    }

    /** Quiet this long before {@link #isIdle()}: a burst of requests keeps its cores between requests. */
    static final Duration IDLE_AFTER = Duration.ofSeconds(1);

    private final ModelRegistry registry;
    private final SeemoreProperties.Generation settings;
    private final ImageLimits imageLimits;
    private final Semaphore decodes;
    private final MeterRegistry meters;
    private final Map<ServedModel, GenerationScheduler> schedulers = new ConcurrentHashMap<>();
    private final Timer latency;
    private final Timer timeToFirstToken;
    private final Timer timePerOutputToken;
    private final Counter promptTokens;
    private final Counter generatedTokens;
    private final DistributionSummary batchSize;
    private volatile long lastActivityNanos = System.nanoTime() - IDLE_AFTER.toNanos();

    public GenerationService(ModelRegistry registry, SeemoreProperties properties, MeterRegistry meters) {
        this.registry = registry;
        this.settings = properties.generation();
        this.imageLimits = properties.limits().images();
        this.decodes = new Semaphore(properties.limits().concurrentImageDecodes());
        this.meters = meters;
        this.latency = Timer.builder("seemore.generation.latency").publishPercentileHistogram()
                .description("Time from request to last token").register(meters);
        this.timeToFirstToken = Timer.builder("seemore.generation.time.to.first.token").publishPercentileHistogram()
                .description("Time from request to first generated token").register(meters);
        this.timePerOutputToken = Timer.builder("seemore.generation.time.per.output.token").publishPercentileHistogram()
                .description("Time between generated tokens").register(meters);
        this.promptTokens = Counter.builder("seemore.generation.prompt.tokens")
                .description("Tokens read: image tokens and prompts").register(meters);
        this.generatedTokens = Counter.builder("seemore.generation.tokens").description("Tokens generated")
                .register(meters);
        this.batchSize = DistributionSummary.builder("seemore.generation.batch.size").publishPercentileHistogram()
                .serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64).description("Sequences decoded together per step")
                .register(meters);
        Gauge.builder("seemore.generation.requests.running", schedulers,
                        all -> all.values().stream().mapToInt(GenerationScheduler::running).sum())
                .description("Requests being decoded").register(meters);
        Gauge.builder("seemore.generation.requests.waiting", schedulers,
                        all -> all.values().stream().mapToInt(GenerationScheduler::waiting).sum())
                .description("Requests waiting for a place in the batch").register(meters);
    }

    /**
     * No request queued or being answered, and none came or ended for {@link #IDLE_AFTER}: the cores
     * are free for a training job (which checks before every step).
     */
    public boolean isIdle() {
        return System.nanoTime() - lastActivityNanos > IDLE_AFTER.toNanos()
                && schedulers.values().stream().allMatch(s -> s.running() == 0 && s.waiting() == 0);
    }

    /** Generates the whole answer. */
    public CompletableFuture<Answer> generate(GenerationRequest request) {
        CompletableFuture<Answer> answer = new CompletableFuture<>();
        start(request, new AnswerListener() {
            @Override
            public void onAnswer(Answer done) {
                answer.complete(done);
            }

            @Override
            public void onError(RuntimeException error) {
                answer.completeExceptionally(error);
            }
        });
        return answer;
    }

    /**
     * Starts decoding; {@code listener} hears each token and the end, on the decoding thread (it
     * must not block for long). Invalid requests are refused here, before anything is queued. The
     * request holds the served model until it ends, so that activating another version cannot free
     * it midway.
     */
    public Handle start(GenerationRequest request, AnswerListener listener) {
        lastActivityNanos = System.nanoTime();
        ServedModel model = registry.hold().orElseThrow(ModelUnavailableException::new);
        try {
            GenerationScheduler running = schedulers.get(model);
            if (running != null) {
                running.checkCapacity();
            }
            Sequence sequence = sequence(request, model, listener);
            scheduler(model).submit(sequence);
            return new Handle(model.id(), sequence);
        } catch (RuntimeException e) {
            model.release();
            throw e;
        }
    }

    /** The request as a sequence that lets go of the model when it ends. */
    private Sequence sequence(GenerationRequest request, ServedModel model, AnswerListener listener) {
        Generator generator = model.generator();
        SamplingOptions options = samplingOptions(request, generator);
        int[] prompt = promptIds(request.prompt(), generator);
        float[] image = image(request.image(), generator.model().config());
        List<String> stop = request.stop() == null ? List.of() : request.stop();
        return new Sequence(image, prompt, options, stop, settings.requestTimeout().toNanos(),
                new SequenceListener() {
                    @Override
                    public void onText(String text) {
                        listener.onText(text);
                    }

                    @Override
                    public void onFinish(GenerationResult result) {
                        lastActivityNanos = System.nanoTime();
                        try {
                            record(result);
                            listener.onAnswer(new Answer(model.id(), result));
                        } finally {
                            model.release();
                        }
                    }

                    @Override
                    public void onError(RuntimeException error) {
                        lastActivityNanos = System.nanoTime();
                        try {
                            listener.onError(error);
                        } finally {
                            model.release();
                        }
                    }
                });
    }

    /** The model's scheduler, made at its first request and closed when the model is freed. */
    private GenerationScheduler scheduler(ServedModel model) {
        return schedulers.computeIfAbsent(model, served -> {
            GenerationScheduler scheduler = new GenerationScheduler(served.generator(), served.id(),
                    settings.maxBatchSize(), settings.prefillBatchSize(), settings.maxWait(), settings.queueCapacity(),
                    batchSize::record);
            served.beforeFree(() -> schedulers.remove(served).close());
            return scheduler;
        });
    }

    private void record(GenerationResult result) {
        latency.record(result.totalNanos(), TimeUnit.NANOSECONDS);
        timeToFirstToken.record(result.timeToFirstTokenNanos(), TimeUnit.NANOSECONDS);
        if (result.completionTokens() > 1) {
            timePerOutputToken.record((result.totalNanos() - result.timeToFirstTokenNanos())
                    / (result.completionTokens() - 1), TimeUnit.NANOSECONDS);
        }
        promptTokens.increment(result.promptTokens());
        generatedTokens.increment(result.completionTokens());
        Counter.builder("seemore.generation.requests.finished").tag("finish_reason", result.finishReason().wireName())
                .description("Finished requests by finish reason").register(meters).increment();
    }

    private SamplingOptions samplingOptions(GenerationRequest request, Generator generator) {
        int contextLimit = generator.model().config().maxTextLength();
        int maxTokens = request.maxTokens() == null ? Math.min(settings.defaultMaxTokens(), contextLimit)
                : request.maxTokens();
        if (maxTokens < 1 || maxTokens > contextLimit) {
            throw new InvalidRequestException("maxTokens", "maxTokens must be between 1 and " + contextLimit);
        }
        float temperature = request.temperature() == null ? 0f : request.temperature();
        if (!(temperature >= 0 && temperature <= 2)) {
            throw new InvalidRequestException("temperature", "temperature must be between 0 and 2");
        }
        int topK = request.topK() == null ? 0 : request.topK();
        if (topK < 0) {
            throw new InvalidRequestException("topK", "topK must be 0 (off) or more");
        }
        float topP = request.topP() == null ? 1f : request.topP();
        if (!(topP > 0 && topP <= 1)) {
            throw new InvalidRequestException("topP", "topP must be greater than 0 and at most 1");
        }
        long seed = request.seed() == null ? ThreadLocalRandom.current().nextLong() : request.seed();
        return new SamplingOptions(maxTokens, temperature, topK, topP, seed);
    }

    private int[] promptIds(String prompt, Generator generator) {
        String text = prompt == null ? "" : prompt;
        if (text.length() > settings.maxPromptCharacters()) {
            throw new InvalidRequestException("prompt", "prompt is longer than " + settings.maxPromptCharacters()
                    + " characters");
        }
        int[] ids;
        try {
            ids = generator.tokenizer().encodePrompt(text);
        } catch (UnknownCharactersException e) {
            throw new UnknownPromptCharactersException(e);
        }
        if (generator.budget(ids) < 1) {
            throw new InvalidRequestException("prompt", "prompt leaves no room for an answer in the model's "
                    + generator.model().config().maxTextLength() + " text tokens");
        }
        return ids;
    }

    /**
     * The image's tensor. Decoding a photo takes tens of megabytes for a moment, so only a few are
     * decoded at a time: memory stays bounded however many clients send photos at once.
     */
    private float[] image(byte[] bytes, ModelConfig config) {
        if (bytes == null || bytes.length == 0) {
            throw new InvalidRequestException("image", "image is required (PNG, JPEG, GIF or BMP)");
        }
        try {
            if (!decodes.tryAcquire(settings.requestTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                throw new GenerationScheduler.QueueFullException("too many images are being decoded; try again shortly");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GenerationScheduler.QueueFullException("the service is stopping");
        }
        try {
            return ImagePreprocessor.toTensor(ImagePreprocessor.decode(bytes, imageLimits),
                    config.imageWidth(), config.imageHeight(), config.letterbox());
        } catch (InvalidImageException e) {
            throw new InvalidRequestException("image", "image: " + e.getMessage());
        } finally {
            decodes.release();
        }
    }

    @PreDestroy
    void close() {
        schedulers.values().forEach(GenerationScheduler::close);
    }
}
