package io.seemore.datasets;

/** Storing an upload would take the stored datasets past {@code seemore.limits.dataset-quota}. */
public final class DatasetQuotaExceededException extends RuntimeException {

    public DatasetQuotaExceededException(long uploadBytes, long usedBytes, long quotaBytes) {
        super("the upload (" + uploadBytes + " bytes) does not fit: stored datasets take " + usedBytes + " of the "
                + quotaBytes + " bytes allowed; delete a dataset first");
    }
}
