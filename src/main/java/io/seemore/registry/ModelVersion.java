package io.seemore.registry;

import io.seemore.model.ModelConfig;
import java.time.Instant;
import java.util.Map;

/**
 * A model that can be served.
 *
 * @param id the version's id, as clients name it
 * @param source {@code shipped} (inside the application), {@code trained} (by a job here) or
 *     {@code path} (a checkpoint directory named in the configuration)
 * @param createdAt when it was registered
 * @param jobId the training job that produced it, if any
 * @param datasetId the dataset it was trained on, if any
 * @param metrics final metrics of its training (losses, steps)
 * @param config the network's hyperparameters
 */
public record ModelVersion(
        String id, String source, Instant createdAt, String jobId, String datasetId, Map<String, Object> metrics,
        ModelConfig config) {}
