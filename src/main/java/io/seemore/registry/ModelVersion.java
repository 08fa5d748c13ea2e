package io.seemore.registry;

import io.seemore.model.ModelConfig;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

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
        ModelConfig config) {

    /** A file path inside a text, absolute or relative with a directory. */
    private static final Pattern PATH = Pattern.compile("(?:[\\w.-]*/)+([\\w.-]+)/?");

    /** Metrics as clients see them: file paths where the model was built shortened to their last name. */
    public ModelVersion {
        metrics = metrics == null ? null : withoutPaths(metrics);
    }

    @SuppressWarnings("unchecked")
    private static <T> T withoutPaths(T value) {
        if (value instanceof String text) {
            return (T) PATH.matcher(text).replaceAll("$1");
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((key, entry) -> copy.put(String.valueOf(key), withoutPaths(entry)));
            return (T) copy;
        }
        if (value instanceof List<?> list) {
            return (T) list.stream().map(ModelVersion::withoutPaths).toList();
        }
        return value;
    }
}
