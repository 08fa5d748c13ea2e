package io.seemore.config;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings under {@code seemore.}.
 *
 * @param home the data directory
 * @param model which model is served
 * @param generation limits of generation requests
 * @param training the training job service
 */
@ConfigurationProperties("seemore")
public record SeemoreProperties(
        @DefaultValue("./data") Path home,
        @DefaultValue Model model,
        @DefaultValue Generation generation,
        @DefaultValue Training training) {

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
     */
    public record Training(
            @DefaultValue("1") int concurrentJobs,
            @DefaultValue("8") int queueCapacity,
            @DefaultValue("5m") java.time.Duration metricsRetention) {}
}
