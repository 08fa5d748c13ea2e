package io.seemore.training;

import java.util.EnumSet;
import java.util.Set;

/**
 * How a model is trained.
 *
 * @param steps optimizer steps
 * @param batchSize examples per step
 * @param learningRate peak learning rate, reached after the warm-up
 * @param warmupSteps steps of linear warm-up from zero
 * @param weightDecay AdamW's decoupled weight decay, applied to matrices only
 * @param gradientClip largest global gradient norm; larger gradients are scaled down (0: off)
 * @param evalInterval steps between validation-loss measurements (0: only at the end)
 * @param checkpointInterval steps between checkpoints (0: only at the end)
 * @param seed seed of initialisation, batch order and dropout
 * @param trainable the parts of the network that learn; the others stay frozen
 */
public record TrainingOptions(
        int steps,
        int batchSize,
        float learningRate,
        int warmupSteps,
        float weightDecay,
        float gradientClip,
        int evalInterval,
        int checkpointInterval,
        long seed,
        Set<Component> trainable) {

    /** The parts of the network that can be frozen or trained. */
    public enum Component { VISION_ENCODER, PROJECTOR, DECODER }

    /** Learning rate at the end of the cosine decay, as a share of the peak. */
    static final float FINAL_LEARNING_RATE_SHARE = 0.1f;

    public TrainingOptions {
        require(steps > 0, "steps must be positive");
        require(batchSize > 0, "batchSize must be positive");
        require(learningRate > 0 && Float.isFinite(learningRate), "learningRate must be positive");
        require(warmupSteps >= 0, "warmupSteps must not be negative");
        require(weightDecay >= 0, "weightDecay must not be negative");
        require(gradientClip >= 0, "gradientClip must not be negative");
        require(evalInterval >= 0 && checkpointInterval >= 0, "intervals must not be negative");
        trainable = trainable == null || trainable.isEmpty()
                ? EnumSet.allOf(Component.class) : EnumSet.copyOf(trainable);
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    public static TrainingOptions defaults(int steps) {
        return new TrainingOptions(steps, 32, 2e-3f, Math.min(100, steps / 10), 0.01f, 1f, 0, 0, 42,
                EnumSet.allOf(Component.class));
    }

    /** Warm-up, then cosine decay to {@link #FINAL_LEARNING_RATE_SHARE} of the peak. */
    public float learningRateAt(int step) {
        if (step < warmupSteps) {
            return learningRate * (step + 1) / warmupSteps;
        }
        double progress = steps <= warmupSteps ? 1 : (step - warmupSteps) / (double) (steps - warmupSteps);
        double cosine = 0.5 * (1 + Math.cos(Math.PI * Math.min(1, progress)));
        return (float) (learningRate * (FINAL_LEARNING_RATE_SHARE + (1 - FINAL_LEARNING_RATE_SHARE) * cosine));
    }
}
