package io.seemore.datasets;

/** Bytes that are not a readable PNG, JPEG, GIF or BMP image. */
public final class InvalidImageException extends Exception {

    public InvalidImageException(String message) {
        super(message);
    }

    public InvalidImageException(String message, Throwable cause) {
        super(message, cause);
    }
}
