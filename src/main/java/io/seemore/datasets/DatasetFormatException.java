package io.seemore.datasets;

import java.util.List;
import java.util.stream.Collectors;

/** A dataset file has bad rows; each is reported with its line number. */
public final class DatasetFormatException extends Exception {

    /** Rows listed in the message; the rest are only counted. */
    private static final int LISTED = 5;

    /** One bad row: its 1-based line in the file and what is wrong with it. */
    public record RowError(long line, String message) {
        @Override
        public String toString() {
            return "line " + line + ": " + message;
        }
    }

    private final List<RowError> errors;

    public DatasetFormatException(String file, List<RowError> errors) {
        super(file + " has " + errors.size() + " bad row" + (errors.size() == 1 ? "" : "s") + ": "
                + errors.stream().limit(LISTED).map(RowError::toString).collect(Collectors.joining("; "))
                + (errors.size() > LISTED ? "; ..." : ""));
        this.errors = List.copyOf(errors);
    }

    public List<RowError> errors() {
        return errors;
    }
}
