package io.seemore.generation;

/** Why generation ended: the model wrote end-of-text, or the token budget ran out. */
public enum FinishReason {
    STOP, LENGTH;

    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
