package io.seemore.config;

import io.seemore.datasets.ImageLimits;
import java.nio.file.Path;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Settings under {@code seemore.}.
 *
 * @param home the data directory
 * @param model which model is served
 * @param generation limits of generation requests
 * @param training the training job service
 * @param limits what one request may ask of the service
 * @param security API keys and cross-origin access
 */
@ConfigurationProperties("seemore")
public record SeemoreProperties(
        @DefaultValue("./data") Path home,
        @DefaultValue Model model,
        @DefaultValue Generation generation,
        @DefaultValue Training training,
        @DefaultValue Limits limits,
        @DefaultValue Security security) {

    /**
     * @param path a checkpoint directory to serve; empty serves the model shipped in the jar
     * @param shippedResource class path location of the shipped model
     */
    public record Model(Path path, @DefaultValue("model") String shippedResource) {}

    /**
     * @param defaultMaxTokens tokens generated when a request does not say
     * @param maxPromptCharacters longest prompt accepted
     * @param maxBatchSize most sequences decoded together
     * @param prefillBatchSize most newcomers whose images and prompts are read together
     * @param maxWait how long an idle scheduler waits for more requests to batch with the first
     * @param queueCapacity requests that may wait for a place in the batch; more get 503
     * @param requestTimeout a request still decoding after this ends with finish reason length
     */
    public record Generation(
            @DefaultValue("96") int defaultMaxTokens,
            @DefaultValue("256") int maxPromptCharacters,
            @DefaultValue("32") int maxBatchSize,
            @DefaultValue("8") int prefillBatchSize,
            @DefaultValue("5ms") java.time.Duration maxWait,
            @DefaultValue("256") int queueCapacity,
            @DefaultValue("60s") java.time.Duration requestTimeout) {}

    /**
     * @param concurrentJobs training runs at the same time
     * @param queueCapacity jobs that may wait; more are refused with 503
     * @param metricsRetention how long a finished job's gauges stay on /actuator/prometheus
     * @param memoryBudget native memory one job may use (estimated from its network and batch
     *     before it is queued; a job that would need more is refused)
     * @param idleThreads intra-op threads a job's steps use while no generation request is running
     *     or came in the last second (0: one per core); otherwise one, leaving the rest to generation
     */
    public record Training(
            @DefaultValue("1") int concurrentJobs,
            @DefaultValue("8") int queueCapacity,
            @DefaultValue("5m") java.time.Duration metricsRetention,
            @DefaultValue("6GB") DataSize memoryBudget,
            @DefaultValue("0") int idleThreads) {

        /** {@link #idleThreads}, 0 meaning one per core. */
        public int threadsWhenIdle() {
            return idleThreads > 0 ? idleThreads : Runtime.getRuntime().availableProcessors();
        }
    }

    /**
     * @param maxImagePixels most pixels of an image (read from its header before decoding)
     * @param maxImageSide longest side of an image in pixels
     * @param concurrentImageDecodes images decoded at the same time for generation; more wait
     * @param maxUploadSize largest multipart upload (a dataset file or an image); keep
     *     {@code spring.servlet.multipart} in step
     * @param maxJsonBody largest JSON request body
     * @param datasetQuota disk space all stored datasets together may take
     */
    public record Limits(
            @DefaultValue("40000000") long maxImagePixels,
            @DefaultValue("12000") int maxImageSide,
            @DefaultValue("4") int concurrentImageDecodes,
            @DefaultValue("256MB") DataSize maxUploadSize,
            @DefaultValue("16MB") DataSize maxJsonBody,
            @DefaultValue("4GB") DataSize datasetQuota) {

        public ImageLimits images() {
            return new ImageLimits(maxImagePixels, maxImageSide);
        }
    }

    /**
     * @param apiKeys keys accepted as {@code Authorization: Bearer KEY}; empty (the default) leaves
     *     the service open, as on a developer's machine
     * @param corsAllowedOrigins origins whose browsers may call the API; empty allows none
     */
    public record Security(@DefaultValue List<String> apiKeys, @DefaultValue List<String> corsAllowedOrigins) {}
}
