package io.seemore.training;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.seemore.model.ModelConfig;
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
 * @param exactMatch the last evaluation's share of held-out examples answered exactly right (greedy)
 * @param characterErrorRate the last evaluation's character edits per expected character, of the
 *     first {@code evalExamples} held-out examples' greedy answers
 * @param tokensPerSecond training speed (image and text tokens)
 * @param etaSeconds estimated time to the end
 * @param failureReason why it failed, was cancelled or interrupted
 * @param modelId the model version it produced
 * @param recipe the network and options it trains with, the request's defaults filled in; null until it starts
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TrainingJob(
        String id, TrainingJobRequest request, JobState state, Instant createdAt, Instant startedAt,
        Instant finishedAt, int step, int totalSteps, Float trainingLoss, Float validationLoss,
        Double exactMatch, Double characterErrorRate, Double tokensPerSecond, Long etaSeconds, String failureReason, String modelId,
        Recipe recipe) {

    /**
     * What a job trains: chosen from the request and, where it is silent, from the dataset.
     *
     * @param network the network's hyperparameters
     * @param options the training options
     */
    public record Recipe(ModelConfig network, TrainingOptions options) {
    }

    @JsonProperty("progressPercent")
    public double progressPercent() {
        return totalSteps == 0 ? 0 : 100.0 * step / totalSteps;
    }

    TrainingJob withState(JobState newState, String reason) {
        Instant now = Instant.now();
        return new TrainingJob(id, request, newState, createdAt,
                newState == JobState.RUNNING ? now : startedAt,
                newState.finished() ? now : null, step, totalSteps, trainingLoss, validationLoss, exactMatch,
                characterErrorRate, newState == JobState.RUNNING ? tokensPerSecond : null, newState.finished() ? null : etaSeconds,
                reason, modelId, recipe);
    }

    TrainingJob withProgress(TrainingListener.StepMetrics metrics) {
        return new TrainingJob(id, request, state, createdAt, startedAt, finishedAt, metrics.step(),
                metrics.totalSteps(), metrics.loss(), validationLoss, exactMatch, characterErrorRate,
                metrics.tokensPerSecond(),
                metrics.etaMillis() / 1000, failureReason, modelId, recipe);
    }

    TrainingJob withEvaluation(HeldOutScore score) {
        return new TrainingJob(id, request, state, createdAt, startedAt, finishedAt, step, totalSteps, trainingLoss,
                finite(score.loss()), score.examples() == 0 ? null : score.exactMatch(), score.characterErrorRate(),
                tokensPerSecond, etaSeconds, failureReason, modelId, recipe);
    }

    private static Float finite(float value) {
        return Float.isNaN(value) ? null : value;
    }

    TrainingJob withModel(String newModelId) {
        return new TrainingJob(id, request, state, createdAt, startedAt, finishedAt, step, totalSteps, trainingLoss,
                validationLoss, exactMatch, characterErrorRate, tokensPerSecond, etaSeconds, failureReason, newModelId,
                recipe);
    }

    TrainingJob withRecipe(Recipe newRecipe) {
        return new TrainingJob(id, request, state, createdAt, startedAt, finishedAt, step, totalSteps, trainingLoss,
                validationLoss, exactMatch, characterErrorRate, tokensPerSecond, etaSeconds, failureReason, modelId,
                newRecipe);
    }
}
