package io.seemore.generation;

import ai.djl.ndarray.NDManager;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.seemore.config.SeemoreProperties;
import io.seemore.datasets.ImagePreprocessor;
import io.seemore.datasets.InvalidImageException;
import io.seemore.registry.ModelRegistry;
import io.seemore.registry.ModelUnavailableException;
import io.seemore.registry.ServedModel;
import io.seemore.tokenizer.UnknownCharactersException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.springframework.stereotype.Service;

/**
 * Validates a generation request, prepares its image and prompt, and runs the served model.
 * Every array of a request lives in a manager scoped to that request.
 */
@Service
public class GenerationService {

    /** The answer to a request, with the model that gave it. */
    public record Answer(String model, GenerationResult result) {}

    private final ModelRegistry registry;
    private final SeemoreProperties.Generation limits;
    private final NDManager manager = NDManager.newBaseManager();
    /** One generation at a time: libtorch already uses every core for one request. */
    private final ReentrantLock modelLock = new ReentrantLock(true);
    private final MeterRegistry meters;
    private final Timer latency;
    private final Timer timeToFirstToken;
    private final Timer timePerOutputToken;
    private final Counter promptTokens;
    private final Counter generatedTokens;
    private final DistributionSummary batchSize;
    private final AtomicInteger running = new AtomicInteger();

    public GenerationService(ModelRegistry registry, SeemoreProperties properties, MeterRegistry meters) {
        this.registry = registry;
        this.limits = properties.generation();
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
        Gauge.builder("seemore.generation.requests.running", running, AtomicInteger::get)
                .description("Requests being decoded").register(meters);
        Gauge.builder("seemore.generation.requests.waiting", modelLock, ReentrantLock::getQueueLength)
                .description("Requests waiting for the model").register(meters);
    }

    public Answer generate(GenerationRequest request) {
        ServedModel model = registry.active().orElseThrow(ModelUnavailableException::new);
        Generator generator = model.generator();
        SamplingOptions options = samplingOptions(request, generator);
        int[] prompt = promptIds(request.prompt(), generator);
        float[] image = image(request.image(), generator.model().config().imageSize());
        GenerationResult result;
        modelLock.lock();
        running.incrementAndGet();
        try {
            result = generator.generate(manager, image, prompt, options, token -> {});
        } finally {
            running.decrementAndGet();
            modelLock.unlock();
        }
        record(result);
        return new Answer(model.id(), result);
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
        // One request at a time: every decoder step carries one sequence.
        batchSize.record(1);
        Counter.builder("seemore.generation.requests.finished").tag("finish_reason", result.finishReason().wireName())
                .description("Finished requests by finish reason").register(meters).increment();
    }

    private SamplingOptions samplingOptions(GenerationRequest request, Generator generator) {
        int contextLimit = generator.model().config().maxTextLength();
        int maxTokens = request.maxTokens() == null ? limits.defaultMaxTokens() : request.maxTokens();
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
        if (text.length() > limits.maxPromptCharacters()) {
            throw new InvalidRequestException("prompt", "prompt is longer than " + limits.maxPromptCharacters()
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

    private static float[] image(byte[] bytes, int size) {
        if (bytes == null || bytes.length == 0) {
            throw new InvalidRequestException("image", "image is required (PNG, JPEG, GIF or BMP)");
        }
        try {
            return ImagePreprocessor.toTensor(ImagePreprocessor.decode(bytes), size);
        } catch (InvalidImageException e) {
            throw new InvalidRequestException("image", "image: " + e.getMessage());
        }
    }
}
