package io.seemore.generation;

import io.seemore.tokenizer.CharTokenizer;
import java.util.Arrays;
import java.util.List;

/**
 * One request being decoded: its inputs, sampler and budget, the tokens so far, and why it ended.
 * Touched only by the decoding thread, except {@link #cancel()}.
 */
public final class Sequence {

    final float[] image;
    final int[] prompt;
    private final SamplingOptions options;
    private final Sampler sampler;
    private final List<String> stops;
    private final SequenceListener listener;
    private final long deadlineNanos;
    private final long start = System.nanoTime();
    private volatile boolean cancelled;
    /** Finished or failed; touched only by the decoding threads. */
    private boolean ended;
    private int budget;
    private int[] tokens = new int[0];
    private final StringBuilder text = new StringBuilder();
    /** Characters of {@link #text} already passed to {@link SequenceListener#onText}. */
    private int shown;
    private long firstTokenNanos;

    /**
     * @param stops strings that end generation when the text reaches them (they are left out)
     * @param timeoutNanos time after which the sequence ends with {@link FinishReason#LENGTH}, or 0
     */
    public Sequence(float[] image, int[] prompt, SamplingOptions options, List<String> stops, long timeoutNanos,
            SequenceListener listener) {
        this.image = image;
        this.prompt = prompt;
        this.options = options;
        this.sampler = new Sampler(options);
        this.stops = List.copyOf(stops);
        this.listener = listener;
        this.deadlineNanos = timeoutNanos > 0 ? start + timeoutNanos : Long.MAX_VALUE;
    }

    /** Asks the decoder to drop this sequence before its next step (a client went away). */
    public void cancel() {
        cancelled = true;
    }

    boolean cancelled() {
        return cancelled;
    }

    void budget(int budget) {
        this.budget = Math.min(options.maxTokens(), budget);
    }

    /** Chooses the next token from its logits; returns whether the sequence goes on. */
    boolean accept(float[] logits, CharTokenizer tokenizer) {
        int next = sampler.next(logits);
        if (tokens.length == 0) {
            firstTokenNanos = System.nanoTime() - start;
        }
        if (next == CharTokenizer.EOS_ID) {
            return finish(FinishReason.STOP);
        }
        tokens = Arrays.copyOf(tokens, tokens.length + 1);
        tokens[tokens.length - 1] = next;
        String piece = tokenizer.decode(next);
        text.append(piece);
        for (String stop : stops) {
            // Only the end can hold it: an earlier occurrence would have stopped an earlier token.
            int at = stop.isEmpty() ? -1
                    : text.indexOf(stop, Math.max(0, text.length() - stop.length() - piece.length()));
            if (at >= 0) {
                text.setLength(at);
                return finish(FinishReason.STOP);
            }
        }
        listener.onToken(next);
        show(text.length() - mayBeginStop());
        if (tokens.length >= budget || System.nanoTime() > deadlineNanos) {
            return finish(FinishReason.LENGTH);
        }
        return true;
    }

    /** Length of the longest end of the text that is the beginning of a stop string. */
    private int mayBeginStop() {
        int longest = 0;
        for (String stop : stops) {
            for (int length = Math.min(stop.length() - 1, text.length()); length > longest; length--) {
                if (text.indexOf(stop.substring(0, length), text.length() - length) >= 0) {
                    longest = length;
                    break;
                }
            }
        }
        return longest;
    }

    private void show(int until) {
        if (until > shown) {
            listener.onText(text.substring(shown, until));
            shown = until;
        }
    }

    int lastToken() {
        return tokens[tokens.length - 1];
    }

    /**
     * Ends the sequence, once: a client that goes away as its answer completes cancels a sequence
     * that has already ended. Returns false (the sequence does not go on).
     */
    boolean finish(FinishReason reason) {
        if (!ended) {
            ended = true;
            show(text.length());
            listener.onFinish(new GenerationResult(text.toString(), tokens.clone(), prompt.length + imageTokens,
                    reason, firstTokenNanos == 0 ? System.nanoTime() - start : firstTokenNanos,
                    System.nanoTime() - start));
        }
        return false;
    }

    void fail(RuntimeException error) {
        if (!ended) {
            ended = true;
            listener.onError(error);
        }
    }

    /** Set by the decoder: image tokens the model reads before the prompt. */
    int imageTokens;
}
