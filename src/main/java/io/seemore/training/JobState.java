package io.seemore.training;

/** Where a training job stands. */
public enum JobState {
    QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED,
    /** The process stopped while the job was running; it can be resumed from its last checkpoint. */
    INTERRUPTED;

    public boolean finished() {
        return this != QUEUED && this != RUNNING;
    }
}
