package io.seemore.generation;

/** Hears one sequence's tokens as they are chosen, then its end. Called on the decoding thread. */
public interface SequenceListener {

    /** A new token, and the text it adds (empty for special tokens). */
    default void onToken(int token, String text) {}

    /** The sequence ended (stop, length or cancellation). */
    default void onFinish(GenerationResult result) {}

    /** The sequence could not be decoded. */
    default void onError(RuntimeException error) {}
}
