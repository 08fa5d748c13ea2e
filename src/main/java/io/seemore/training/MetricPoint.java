package io.seemore.training;

import java.time.Instant;

/** One entry of a job's loss history: a training step, or a validation measurement. */
public record MetricPoint(int step, Instant time, Float trainingLoss, Float validationLoss, Float learningRate) {}
