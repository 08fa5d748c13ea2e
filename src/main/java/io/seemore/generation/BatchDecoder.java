package io.seemore.generation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.seemore.model.KvCache;
import io.seemore.model.VisionLanguageModel;
import io.seemore.tokenizer.CharTokenizer;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes many sequences together: each {@link #step()} advances every active sequence by one
 * token in one batched decoder pass over a shared KV cache. A sequence joins after its own
 * prefill ({@link #admit}) and leaves as soon as it ends.
 *
 * <p>The cache is right-aligned: row i holds its {@code length_i} positions at the end, after
 * {@code pad_i} masked positions, so that every step appends one column for all rows. Each
 * sequence keeps its own positions, sampler and seed, so it gets the text it would get alone.
 * Not thread-safe: one thread drives it.
 */
public final class BatchDecoder implements AutoCloseable {

    private static final float MASKED = -1e9f;

    private final VisionLanguageModel model;
    private final CharTokenizer tokenizer;
    private final NDManager manager;
    private final ParameterStore parameters;
    private final KvCache cache;
    private final List<Sequence> active = new ArrayList<>();
    private final List<Long> padding = new ArrayList<>();

    public BatchDecoder(VisionLanguageModel model, CharTokenizer tokenizer, NDManager parent) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.manager = parent.newSubManager();
        this.parameters = new ParameterStore(manager, false);
        this.cache = model.newCache(manager);
    }

    public int size() {
        return active.size();
    }

    public boolean isEmpty() {
        return active.isEmpty();
    }

    /** Most tokens that can follow a prompt of {@code promptLength} tokens (markers included). */
    public static int budget(io.seemore.model.ModelConfig config, int promptLength) {
        return config.maxTextLength() - promptLength + 1;
    }

    /** Reads the sequence's image and prompt, chooses its first token, and adds it to the batch. */
    public void admit(Sequence sequence) {
        admit(List.of(sequence));
    }

    /**
     * Admits newcomers: their images are encoded in one batch, then each prompt is read (prefill)
     * into its own cache, its first token chosen, and the cache merged into the batch's.
     */
    public void admit(List<Sequence> sequences) {
        if (sequences.isEmpty()) {
            return;
        }
        int size = model.config().imageSize();
        int plane = 3 * size * size;
        try (NDManager request = manager.newSubManager()) {
            float[] pixels = new float[sequences.size() * plane];
            for (int i = 0; i < sequences.size(); i++) {
                System.arraycopy(sequences.get(i).image, 0, pixels, i * plane, plane);
            }
            NDArray imageTokens = model.encodeImages(parameters,
                    request.create(pixels, new Shape(sequences.size(), 3, size, size)), false);
            for (int i = 0; i < sequences.size(); i++) {
                prefill(sequences.get(i), imageTokens.get(new NDIndex("{}:{}", i, i + 1)), request);
            }
        } catch (RuntimeException e) {
            sequences.forEach(sequence -> sequence.fail(e));
        }
    }

    private void prefill(Sequence sequence, NDArray imageTokens, NDManager request) {
        try (KvCache own = model.newCache(request)) {
            sequence.imageTokens = model.config().imageTokenCount();
            sequence.budget(budget(model.config(), sequence.prompt.length));
            NDArray logits = model.prefill(parameters, imageTokens, ids(request, sequence.prompt), own);
            sequence.length = own.length();
            if (!sequence.accept(logits.toFloatArray(), tokenizer)) {
                return;
            }
            long before = cache.length();
            cache.merge(own);
            long after = cache.length();
            padding.replaceAll(pad -> pad + after - before);
            padding.add(after - own.length());
            active.add(sequence);
        }
    }

    /** One decoder pass for every active sequence; ended ones leave the batch. */
    public void step() {
        if (active.isEmpty()) {
            return;
        }
        int rows = active.size();
        long keys = cache.length() + 1;
        long[] tokens = new long[rows];
        long[] positions = new long[rows];
        float[] mask = new float[Math.toIntExact(rows * keys)];
        boolean padded = padding.stream().anyMatch(pad -> pad > 0);
        for (int row = 0; row < rows; row++) {
            Sequence sequence = active.get(row);
            tokens[row] = sequence.lastToken();
            positions[row] = sequence.length;
            for (int key = 0; key < padding.get(row); key++) {
                mask[(int) (row * keys + key)] = MASKED;
            }
        }
        float[] logits;
        try (NDManager step = manager.newSubManager()) {
            NDArray maskArray = padded ? step.create(mask, new Shape(rows, 1, 1, keys)) : null;
            logits = model.decodeStep(parameters, step.create(tokens, new Shape(rows, 1)),
                    step.create(positions, new Shape(rows, 1)), maskArray, cache).toFloatArray();
        } catch (RuntimeException e) {
            active.forEach(sequence -> sequence.fail(e));
            reset();
            return;
        }
        int vocabulary = logits.length / rows;
        List<Integer> ended = new ArrayList<>();
        for (int row = 0; row < rows; row++) {
            Sequence sequence = active.get(row);
            sequence.length++;
            float[] rowLogits = java.util.Arrays.copyOfRange(logits, row * vocabulary, (row + 1) * vocabulary);
            if (sequence.cancelled() || !sequence.accept(rowLogits, tokenizer)) {
                ended.add(row);
            }
        }
        remove(ended);
    }

    /** Ends every sequence as cancelled-by-length (the service is stopping or the model changed). */
    public void cancelAll() {
        active.forEach(sequence -> sequence.finish(FinishReason.LENGTH));
        reset();
    }

    private void remove(List<Integer> ended) {
        if (ended.isEmpty()) {
            return;
        }
        for (int i = ended.size() - 1; i >= 0; i--) {
            int row = ended.get(i);
            if (active.get(row).cancelled()) {
                active.get(row).finish(FinishReason.LENGTH);
            }
            active.remove(row);
            padding.remove(row);
        }
        if (active.isEmpty()) {
            reset();
            return;
        }
        long[] keep = new long[active.size()];
        for (int row = 0, kept = 0; row < active.size() + ended.size(); row++) {
            if (!ended.contains(row)) {
                keep[kept++] = row;
            }
        }
        cache.keepRows(keep);
        long unused = padding.stream().mapToLong(Long::longValue).min().orElse(0);
        if (unused > 0) {
            cache.trimLeft(unused);
            padding.replaceAll(pad -> pad - unused);
        }
    }

    private void reset() {
        active.clear();
        padding.clear();
        cache.clear();
    }

    private static NDArray ids(NDManager manager, int[] ids) {
        return manager.create(java.util.Arrays.stream(ids).asLongStream().toArray(), new Shape(1, ids.length));
    }

    @Override
    public void close() {
        manager.close();
    }
}
