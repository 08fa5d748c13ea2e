package io.seemore.training;

/** How a run ended: steps done, the last training loss and the last validation loss (NaN if none). */
public record TrainingResult(int steps, float trainingLoss, float validationLoss, boolean cancelled) {}
