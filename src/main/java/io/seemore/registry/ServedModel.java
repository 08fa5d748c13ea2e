package io.seemore.registry;

import io.seemore.generation.Generator;
import io.seemore.model.Checkpoint;
import io.seemore.tokenizer.CharTokenizer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A model loaded for serving: its id (what clients see as {@code model}) and its generator. Its
 * holders are counted: the registry while it is the active version, and every request from start
 * to answer. When the last one lets go, what serves it stops and then its parameters are freed,
 * so a replaced version lives exactly as long as the requests it is still answering.
 */
public final class ServedModel {

    private final String id;
    private final Generator generator;
    private final Checkpoint.Loaded checkpoint;
    private final long parameterCount;
    /** Freeing runs there: the last holder may be a thread that freeing stops (a decoding thread). */
    private final Executor freeing;
    /** The registry's hold (while active) plus one per request; 0 once freed, and then for good. */
    private final AtomicInteger holders = new AtomicInteger(1);
    private final List<Runnable> beforeFree = new CopyOnWriteArrayList<>();

    ServedModel(String id, Checkpoint.Loaded checkpoint, Executor freeing) {
        this.id = id;
        this.generator = new Generator(checkpoint.network(), CharTokenizer.fromVocabulary(checkpoint.vocabulary()));
        this.checkpoint = checkpoint;
        this.parameterCount = checkpoint.network().parameterCount();
        this.freeing = freeing;
    }

    public String id() {
        return id;
    }

    public Generator generator() {
        return generator;
    }

    /** Counted at load time, so that it can be read without holding the model. */
    public long parameterCount() {
        return parameterCount;
    }

    /** Takes a hold unless the model is already freed; returns whether it did. */
    boolean tryHold() {
        for (int count = holders.get(); count > 0; count = holders.get()) {
            if (holders.compareAndSet(count, count + 1)) {
                return true;
            }
        }
        return false;
    }

    /** Lets go of a hold (each {@link ModelRegistry#hold()} once); the last one frees the model. */
    public void release() {
        int left = holders.decrementAndGet();
        if (left < 0) {
            throw new IllegalStateException("model " + id + " released more often than held");
        }
        if (left == 0) {
            try {
                freeing.execute(() -> {
                    try {
                        beforeFree.forEach(Runnable::run);
                    } finally {
                        checkpoint.close();
                    }
                });
            } catch (RejectedExecutionException e) {
                // The registry is shutting down, and frees every model's memory itself.
            }
        }
    }

    /** Whether the model is freed (or being freed): no request holds it and it is not active. */
    public boolean released() {
        return holders.get() == 0;
    }

    /**
     * Runs {@code action} when the model is freed, before its parameters are. Call it while holding
     * the model, so that it cannot be freed first.
     */
    public void beforeFree(Runnable action) {
        beforeFree.add(action);
    }
}
