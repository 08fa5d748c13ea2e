package io.seemore.training;

/** Hears about a training run as it goes; every method has a default that does nothing. */
public interface TrainingListener {

    /** After every optimizer step. */
    default void onStep(StepMetrics metrics) {}

    /** After each held-out evaluation. */
    default void onEvaluation(int step, HeldOutScore score) {}

    /** After a checkpoint was written. */
    default void onCheckpoint(int step, java.nio.file.Path directory) {}

    /** What one step measured. */
    record StepMetrics(
            int step, int totalSteps, float loss, float learningRate, float gradientNorm,
            double tokensPerSecond, double stepsPerSecond, long etaMillis) {}
}
