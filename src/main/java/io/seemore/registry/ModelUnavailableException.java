package io.seemore.registry;

/** No model is loaded, so nothing can be generated until one is activated. */
public final class ModelUnavailableException extends RuntimeException {

    public ModelUnavailableException() {
        super("no model is loaded; activate one with POST /api/models/{id}/activate");
    }
}
