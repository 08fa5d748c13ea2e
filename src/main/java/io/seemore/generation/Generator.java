package io.seemore.generation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.seemore.model.KvCache;
import io.seemore.model.VisionLanguageModel;
import io.seemore.tokenizer.CharTokenizer;
import java.util.Arrays;
import java.util.function.IntConsumer;

/**
 * Autoregressive generation with a KV cache: the image and prompt are read once (prefill), then
 * each new token costs one decoder position. Mirrors training exactly: image tokens, then
 * {@code <bos> prompt <sep>}, then the answer until {@code <eos>}.
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
        return model.config().maxTextLength() - promptIds.length + 1;
    }

    /**
     * Generates for one image.
     *
     * @param image the normalised [3, size, size] image, flattened
     * @param promptIds {@code <bos> prompt <sep>} as from {@link CharTokenizer#encodePrompt}
     * @param onToken receives each generated token id as it is chosen
     */
    public GenerationResult generate(NDManager manager, float[] image, int[] promptIds,
            SamplingOptions options, IntConsumer onToken) {
        long start = System.nanoTime();
        int budget = Math.min(options.maxTokens(), budget(promptIds));
        if (budget < 1) {
            throw new IllegalArgumentException("the prompt leaves no room to generate in the model's "
                    + model.config().maxTextLength() + " text tokens");
        }
        Sampler sampler = new Sampler(options);
        ParameterStore parameters = new ParameterStore(manager, false);
        int size = model.config().imageSize();
        int[] generated = new int[budget];
        int count = 0;
        long firstToken = 0;
        FinishReason reason = FinishReason.LENGTH;
        try (NDManager request = manager.newSubManager(); KvCache cache = model.newCache(request)) {
            NDArray imageTokens = model.encodeImages(parameters,
                    request.create(image, new Shape(1, 3, size, size)), false);
            float[] logits = model.prefill(parameters, imageTokens, tokens(request, promptIds), cache)
                    .toFloatArray();
            while (true) {
                int next = sampler.next(logits);
                if (count == 0) {
                    firstToken = System.nanoTime() - start;
                }
                if (next == CharTokenizer.EOS_ID) {
                    reason = FinishReason.STOP;
                    break;
                }
                generated[count++] = next;
                onToken.accept(next);
                if (count == budget) {
                    break;
                }
                try (NDManager step = request.newSubManager()) {
                    logits = model.decodeStep(parameters, tokens(step, new int[] {next}), cache).toFloatArray();
                }
            }
        }
        int[] tokens = Arrays.copyOf(generated, count);
        return new GenerationResult(tokenizer.decode(tokens), tokens,
                model.config().imageTokenCount() + promptIds.length, reason, firstToken,
                System.nanoTime() - start);
    }

    static NDArray tokens(NDManager manager, int[] ids) {
        return manager.create(Arrays.stream(ids).asLongStream().toArray(), new Shape(1, ids.length));
    }
}
