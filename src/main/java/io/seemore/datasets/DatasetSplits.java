package io.seemore.datasets;

/** A training split and a held-out split that share no image. */
public record DatasetSplits(VlmDataset train, VlmDataset test) {}
