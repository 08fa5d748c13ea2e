package io.seemore.registry;

/** No model version has the given id. */
public final class UnknownModelException extends RuntimeException {

    public UnknownModelException(String id) {
        super("no model version '" + id + "'");
    }
}
