package io.seemore.training;

import java.time.Duration;
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
 * @param evalInterval steps between evaluations (validation loss, exact match); 0: at each tenth of
 *     the time budget, or only at the end without one
 * @param checkpointInterval steps between checkpoints; 0 as for evalInterval
 * @param seed seed of initialisation, batch order, augmentation and dropout
 * @param trainable the parts of the network that learn; the others stay frozen
 * @param augmentation random changes to training images
 * @param timeBudget training ends when it is spent (or at {@code steps}, whichever comes first), and
 *     the learning-rate schedule runs over it; null for none
 * @param evalExamples held-out examples answered (greedily) for the character error rate at each
 *     evaluation; 0: none
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
        Set<Component> trainable,
        Augmentation augmentation,
        Duration timeBudget,
        int evalExamples) {

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
        require(timeBudget == null || !(timeBudget.isNegative() || timeBudget.isZero()), "maxMinutes must be positive");
        require(evalExamples >= 0, "evalExamples must not be negative");
        augmentation = augmentation == null ? Augmentation.NONE : augmentation;
        trainable = trainable == null || trainable.isEmpty()
                ? EnumSet.allOf(Component.class) : EnumSet.copyOf(trainable);
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    /** These options for a given number of steps, with no time budget. */
    public static TrainingOptions of(int steps, int batchSize, float learningRate, int warmupSteps, long seed,
            Set<Component> trainable) {
        return new TrainingOptions(steps, batchSize, learningRate, warmupSteps, 0f, 1f, 0, 0, seed, trainable,
                Augmentation.NONE, null, 0);
    }

    /**
     * Share of the run done: of its steps, or of its time budget when that is further along; the
     * schedule and the tenths-of-the-run intervals follow it.
     */
    public double progress(int stepsDone, long elapsedNanos) {
        double byStep = stepsDone / (double) steps;
        return timeBudget == null ? byStep : Math.max(byStep, elapsedNanos / (double) timeBudget.toNanos());
    }

    /** Warm-up over the first steps, then cosine decay to {@link #FINAL_LEARNING_RATE_SHARE} of the peak. */
    public float learningRateAt(int step) {
        return learningRateAt(step, step / (double) steps);
    }

    /** As {@link #learningRateAt(int)}, the decay following {@code progress} (see {@link #progress}). */
    public float learningRateAt(int step, double progress) {
        if (step < warmupSteps) {
            return learningRate * (step + 1) / warmupSteps;
        }
        double warmupShare = steps <= warmupSteps ? 1 : warmupSteps / (double) steps;
        double decay = warmupShare >= 1 ? 1 : (progress - warmupShare) / (1 - warmupShare);
        double cosine = 0.5 * (1 + Math.cos(Math.PI * Math.max(0, Math.min(1, decay))));
        return (float) (learningRate * (FINAL_LEARNING_RATE_SHARE + (1 - FINAL_LEARNING_RATE_SHARE) * cosine));
    }
}
