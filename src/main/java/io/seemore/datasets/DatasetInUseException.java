package io.seemore.datasets;

/** A dataset cannot be deleted while a training job uses it. */
public final class DatasetInUseException extends RuntimeException {

    public DatasetInUseException(String id, String jobId) {
        super("dataset '" + id + "' is used by training job '" + jobId + "'");
    }
}
