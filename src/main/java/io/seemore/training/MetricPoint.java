package io.seemore.training;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * One entry of a job's metric history: a training step (its loss and learning rate), or an
 * evaluation (validation loss, and the held-out exact match and character error rate when answers
 * were asked for).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MetricPoint(int step, Instant time, Float trainingLoss, Float validationLoss, Float learningRate,
        Double exactMatch, Double characterErrorRate) {

    static MetricPoint step(int step, float loss, float learningRate) {
        return new MetricPoint(step, Instant.now(), loss, null, learningRate, null, null);
    }

    static MetricPoint evaluation(int step, HeldOutScore score, float learningRate) {
        boolean none = score.examples() == 0;
        return new MetricPoint(step, Instant.now(), null, none ? null : score.loss(), learningRate,
                none ? null : score.exactMatch(), score.characterErrorRate());
    }
}
