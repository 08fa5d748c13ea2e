package io.seemore.generation;

/** Hears one sequence's tokens as they are chosen, then its end. Called on the decoding thread. */
public interface SequenceListener {

    /** A token was chosen (one that does not end the sequence). */
    default void onToken(int token) {}

    /**
     * More of the answer's text, to show as it comes. Characters that may begin a stop string are
     * held back until they turn out not to; all the pieces together are the result's text.
     */
    default void onText(String text) {}

    /** The sequence ended (stop, length or cancellation). */
    default void onFinish(GenerationResult result) {}

    /** The sequence could not be decoded. */
    default void onError(RuntimeException error) {}
}
