package io.seemore.registry;

import io.seemore.generation.Generator;
import io.seemore.model.Checkpoint;

/** A model loaded for serving: its id (what clients see as {@code model}) and its generator. */
public record ServedModel(String id, Generator generator, Checkpoint.Loaded checkpoint) implements AutoCloseable {

    @Override
    public void close() {
        checkpoint.close();
    }
}
