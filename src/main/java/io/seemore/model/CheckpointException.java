package io.seemore.model;

/** A checkpoint could not be read or written, or does not match the network it describes. */
public final class CheckpointException extends RuntimeException {

    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
