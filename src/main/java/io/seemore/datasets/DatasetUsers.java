package io.seemore.datasets;

import java.util.Optional;

/** Tells whether a dataset is in use (by an unfinished training job), so it is not deleted. */
public interface DatasetUsers {

    /** The id of a job that uses the dataset, if any. */
    Optional<String> userOf(String datasetId);
}
