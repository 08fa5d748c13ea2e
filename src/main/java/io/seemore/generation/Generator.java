package io.seemore.generation;

import ai.djl.ndarray.NDManager;
import io.seemore.model.VisionLanguageModel;
import io.seemore.tokenizer.CharTokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;

/**
 * Autoregressive generation with a KV cache for one request at a time (evaluation, command-line
 * tools): the image and prompt are read once (prefill), then each new token costs one decoder
 * position. Mirrors training exactly: image tokens, then {@code <bos> prompt <sep>}, then the
 * answer until {@code <eos>}. The same {@link BatchDecoder} serves concurrent requests.
 */
public final class Generator {

    private final VisionLanguageModel model;
    private final CharTokenizer tokenizer;

    public Generator(VisionLanguageModel model, CharTokenizer tokenizer) {
        this.model = model;
        this.tokenizer = tokenizer;
    }

    public VisionLanguageModel model() {
        return model;
    }

    public CharTokenizer tokenizer() {
        return tokenizer;
    }

    /** Most tokens that can follow a prompt of {@code promptIds.length} tokens. */
    public int budget(int[] promptIds) {
        return BatchDecoder.budget(model.config(), promptIds.length);
    }

    /**
     * Generates for one image, on the calling thread (a batch of one).
     *
     * @param image the normalised [3, size, size] image, flattened
     * @param promptIds {@code <bos> prompt <sep>} as from {@link CharTokenizer#encodePrompt}
     * @param onToken receives each generated token id as it is chosen
     */
    public GenerationResult generate(NDManager manager, float[] image, int[] promptIds,
            SamplingOptions options, IntConsumer onToken) {
        return generate(manager, List.of(new Input(image, promptIds)), options, onToken, 1).get(0);
    }

    /** One image and its prompt ({@code <bos> prompt <sep>}). */
    public record Input(float[] image, int[] promptIds) {}

    /**
     * Generates for many inputs, {@code batchSize} decoded together (evaluation); each input's
     * token budget is what its prompt leaves, at most {@code options.maxTokens()}.
     */
    public List<GenerationResult> generate(NDManager manager, List<Input> inputs, SamplingOptions options,
            int batchSize) {
        return generate(manager, inputs, options, token -> {}, batchSize);
    }

    private List<GenerationResult> generate(NDManager manager, List<Input> inputs, SamplingOptions options,
            IntConsumer onToken, int batchSize) {
        for (Input input : inputs) {
            if (budget(input.promptIds()) < 1) {
                throw new IllegalArgumentException("the prompt leaves no room to generate in the model's "
                        + model.config().maxTextLength() + " text tokens");
            }
        }
        GenerationResult[] results = new GenerationResult[inputs.size()];
        AtomicReference<RuntimeException> error = new AtomicReference<>();
        try (BatchDecoder decoder = new BatchDecoder(model, tokenizer, manager)) {
            for (int start = 0; start < inputs.size(); start += batchSize) {
                List<Sequence> batch = new ArrayList<>();
                for (int i = start; i < Math.min(inputs.size(), start + batchSize); i++) {
                    int index = i;
                    batch.add(new Sequence(inputs.get(i).image(), inputs.get(i).promptIds(), options, List.of(), 0,
                            new SequenceListener() {
                                @Override
                                public void onToken(int token) {
                                    onToken.accept(token);
                                }

                                @Override
                                public void onFinish(GenerationResult finished) {
                                    results[index] = finished;
                                }

                                @Override
                                public void onError(RuntimeException e) {
                                    error.set(e);
                                }
                            }));
                }
                decoder.admit(batch);
                while (!decoder.isEmpty()) {
                    decoder.step();
                }
                if (error.get() != null) {
                    throw error.get();
                }
            }
        }
        return List.of(results);
    }
}
