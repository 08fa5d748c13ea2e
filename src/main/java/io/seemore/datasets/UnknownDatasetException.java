package io.seemore.datasets;

/** No dataset has the given id. */
public final class UnknownDatasetException extends RuntimeException {

    public UnknownDatasetException(String id) {
        super("no dataset '" + id + "'");
    }
}
