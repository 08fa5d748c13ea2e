package io.seemore.training;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/**
 * A training job as clients see it, and as it is stored in {@code jobs/<id>.json}.
 *
 * @param id the job's id
 * @param request what was asked
 * @param state where it stands
 * @param step steps done
 * @param totalSteps steps to do
 * @param trainingLoss the last step's loss
 * @param validationLoss the last validation loss
 * @param tokensPerSecond training speed (image and text tokens)
 * @param etaSeconds estimated time to the end
 * @param failureReason why it failed, was cancelled or interrupted
 * @param modelId the model version it produced
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TrainingJob(
        String id, TrainingJobRequest request, JobState state, Instant createdAt, Instant startedAt,
        Instant finishedAt, int step, int totalSteps, Float trainingLoss, Float validationLoss,
        Double tokensPerSecond, Long etaSeconds, String failureReason, String modelId) {

    @JsonProperty("progressPercent")
    public double progressPercent() {
        return totalSteps == 0 ? 0 : 100.0 * step / totalSteps;
    }

    TrainingJob withState(JobState newState, String reason) {
        Instant now = Instant.now();
        return new TrainingJob(id, request, newState, createdAt,
                newState == JobState.RUNNING ? now : startedAt,
                newState.finished() ? now : null, step, totalSteps, trainingLoss, validationLoss,
                newState == JobState.RUNNING ? tokensPerSecond : null, newState.finished() ? null : etaSeconds,
                reason, modelId);
    }

    TrainingJob withProgress(TrainingListener.StepMetrics metrics) {
        return new TrainingJob(id, request, state, createdAt, startedAt, finishedAt, metrics.step(),
                metrics.totalSteps(), metrics.loss(), validationLoss, metrics.tokensPerSecond(),
                metrics.etaMillis() / 1000, failureReason, modelId);
    }

    TrainingJob withValidationLoss(float loss) {
        return new TrainingJob(id, request, state, createdAt, startedAt, finishedAt, step, totalSteps, trainingLoss,
                loss, tokensPerSecond, etaSeconds, failureReason, modelId);
    }

    TrainingJob withModel(String newModelId) {
        return new TrainingJob(id, request, state, createdAt, startedAt, finishedAt, step, totalSteps, trainingLoss,
                validationLoss, tokensPerSecond, etaSeconds, failureReason, newModelId);
    }
}
