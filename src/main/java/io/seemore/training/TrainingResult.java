package io.seemore.training;

/** How a run ended: steps done, the last training loss and the last held-out evaluation (null if none). */
public record TrainingResult(int steps, float trainingLoss, HeldOutScore heldOut, boolean cancelled) {

    /** The last validation loss, NaN if none. */
    public float validationLoss() {
        return heldOut == null ? Float.NaN : heldOut.loss();
    }
}
