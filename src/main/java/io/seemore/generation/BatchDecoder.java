package io.seemore.generation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.seemore.model.Engines;
import io.seemore.model.KvCache;
import io.seemore.model.ModelConfig;
import io.seemore.model.VisionLanguageModel;
import io.seemore.tokenizer.CharTokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes many sequences together: each {@link #step()} advances every active sequence by one
 * token in one batched decoder pass over a shared KV cache. A sequence is first prefilled (its
 * image and prompt read into its own cache, {@link #prefill}), then joins the batch
 * ({@link #join}) and leaves as soon as it ends.
 *
 * <p>The cache is right-aligned: row i holds its positions at the end, after masked padding, so
 * that every step writes one column for all rows; a sequence that ends gives its row to the last
 * one. Each sequence keeps its own positions, sampler and seed, so it gets the text it would get
 * alone.
 * One thread drives the batch ({@link #join}, {@link #step}); one other thread may prefill.
 */
public final class BatchDecoder implements AutoCloseable {

    private static final float MASKED = -1e9f;
    /**
     * Passes tried when a prefill comes out NaN. oneDNN's padded AVX-512 convolutions made one now
     * and then until ONEDNN_MAX_CPU_ISA=AVX2 (README, "NaN answers"); a guard in case anything does again.
     */
    private static final int ATTEMPTS = 3;
    private static final String NAN_SECTION = "README, \"NaN answers\"";
    private static final String NAN_MESSAGE = "the model's forward pass came out NaN " + ATTEMPTS
            + " times (" + NAN_SECTION + "); answering from it anyway";
    private static final Logger log = LoggerFactory.getLogger(BatchDecoder.class);

    private final VisionLanguageModel model;
    private final CharTokenizer tokenizer;
    private final NDManager manager;
    private final ParameterStore parameters;
    /** The prefill stage's own store: it may run on another thread than {@link #step}. */
    private final ParameterStore prefillParameters;
    private final KvCache cache;
    private final List<Sequence> active = new ArrayList<>();

    public BatchDecoder(VisionLanguageModel model, CharTokenizer tokenizer, NDManager parent) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.manager = parent.newSubManager();
        this.parameters = new ParameterStore(manager, false);
        this.prefillParameters = new ParameterStore(manager, false);
        this.cache = model.newCache(manager);
    }

    public int size() {
        return active.size();
    }

    public boolean isEmpty() {
        return active.isEmpty();
    }

    /** Most tokens that can follow a prompt of {@code promptLength} tokens (markers included). */
    public static int budget(ModelConfig config, int promptLength) {
        return config.maxTextLength() - promptLength + 1;
    }

    /** Reads the sequence's image and prompt, chooses its first token, and adds it to the batch. */
    public void admit(Sequence sequence) {
        admit(List.of(sequence));
    }

    /** {@link #prefill} then {@link #join}, on the calling thread. */
    public void admit(List<Sequence> sequences) {
        join(prefill(sequences));
    }

    /** A sequence whose image and prompt have been read into its own cache, ready to join a batch. */
    public record Prefilled(Sequence sequence, KvCache cache) {}

    /**
     * Reads newcomers: their images are encoded in one batch, then each prompt is read into its
     * own cache and its first token chosen. Touches no batch state, so another thread may run it
     * while {@link #step} runs. Sequences that end at their first token, were cancelled or fail
     * are finished here; the others come back to be {@linkplain #join joined}.
     */
    public List<Prefilled> prefill(List<Sequence> sequences) {
        Engines.withoutGradients();
        List<Sequence> live = sequences.stream().filter(sequence -> !endedByCancel(sequence)).toList();
        List<Prefilled> prefilled = new ArrayList<>();
        if (live.isEmpty()) {
            return prefilled;
        }
        try (NDManager scope = manager.newSubManager()) {
            NDArray imageTokens;
            try {
                NDArray pixels = images(live, scope);
                imageTokens = model.encodeImages(prefillParameters, pixels, false);
                for (int attempt = 1; attempt < ATTEMPTS && !finite(imageTokens); attempt++) {
                    log.warn("NaN image tokens ({}); encoding again", NAN_SECTION);
                    imageTokens = model.encodeImages(prefillParameters, pixels, false);
                }
                if (!finite(imageTokens)) {
                    log.error(NAN_MESSAGE);
                }
            } catch (RuntimeException e) {
                live.forEach(sequence -> sequence.fail(e));
                return prefilled;
            }
            for (int i = 0; i < live.size(); i++) {
                Prefilled one = prefill(live.get(i), imageTokens.get(new NDIndex("{}:{}", i, i + 1)));
                if (one != null) {
                    prefilled.add(one);
                }
            }
        }
        return prefilled;
    }

    private NDArray images(List<Sequence> sequences, NDManager scope) {
        ModelConfig config = model.config();
        int plane = config.imageValues();
        float[] pixels = new float[sequences.size() * plane];
        for (int i = 0; i < sequences.size(); i++) {
            System.arraycopy(sequences.get(i).image, 0, pixels, i * plane, plane);
        }
        return scope.create(pixels, config.imageShape(sequences.size()));
    }

    /** The sequence with its cache, or null when it ended at its first token or failed. */
    private Prefilled prefill(Sequence sequence, NDArray imageTokens) {
        KvCache own = model.newCache(manager);
        try {
            sequence.imageTokens = model.config().imageTokenCount();
            sequence.budget(budget(model.config(), sequence.prompt.length));
            float[] logits = null;
            for (int attempt = 0; attempt < ATTEMPTS && (logits == null || hasNaN(logits)); attempt++) {
                if (logits != null) {
                    log.warn("NaN logits at prefill ({}); reading the prompt again", NAN_SECTION);
                    own.close();
                    own = model.newCache(manager);
                }
                logits = model.prefill(prefillParameters, imageTokens, ids(imageTokens.getManager(), sequence.prompt),
                        own).toFloatArray();
            }
            if (hasNaN(logits)) {
                log.error(NAN_MESSAGE);
            }
            if (sequence.accept(logits, tokenizer)) {
                return new Prefilled(sequence, own);
            }
        } catch (RuntimeException e) {
            sequence.fail(e);
        }
        own.close();
        return null;
    }

    private static boolean finite(NDArray array) {
        return !array.isNaN().any().getBoolean();
    }

    private static boolean hasNaN(float[] values) {
        for (float value : values) {
            if (Float.isNaN(value)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Adds prefilled sequences to the batch (their caches are copied into the batch's rows and
     * freed); ones cancelled meanwhile end here.
     */
    public void join(List<Prefilled> newcomers) {
        List<Prefilled> live = new ArrayList<>();
        for (Prefilled newcomer : newcomers) {
            if (endedByCancel(newcomer.sequence())) {
                newcomer.cache().close();
            } else {
                live.add(newcomer);
            }
        }
        if (live.isEmpty()) {
            return;
        }
        try {
            cache.add(live.stream().map(Prefilled::cache).toList());
            live.forEach(newcomer -> active.add(newcomer.sequence()));
        } catch (RuntimeException e) {
            live.forEach(newcomer -> newcomer.sequence().fail(e));
            fail(e);
        } finally {
            live.forEach(newcomer -> newcomer.cache().close());
        }
    }

    /** One decoder pass for every active sequence; ended ones leave the batch. */
    public void step() {
        if (active.isEmpty()) {
            return;
        }
        Engines.withoutGradients();
        int rows = active.size();
        long cached = cache.length();
        long keys = cached + 1;
        long[] tokens = new long[rows];
        long[] positions = new long[rows];
        float[] mask = new float[Math.toIntExact(rows * keys)];
        boolean padded = false;
        for (int row = 0; row < rows; row++) {
            tokens[row] = active.get(row).lastToken();
            long padding = cache.padding(row);
            positions[row] = cached - padding;
            for (int key = 0; key < padding; key++) {
                mask[(int) (row * keys + key)] = MASKED;
                padded = true;
            }
        }
        float[] logits;
        try (NDManager step = manager.newSubManager()) {
            NDArray maskArray = padded ? step.create(mask, new Shape(rows, 1, 1, keys)) : null;
            logits = model.decodeStep(parameters, step.create(tokens, new Shape(rows, 1)),
                    step.create(positions, new Shape(rows, 1)), maskArray, cache).toFloatArray();
        } catch (RuntimeException e) {
            fail(e);
            return;
        }
        int vocabulary = logits.length / rows;
        List<Integer> ended = new ArrayList<>();
        for (int row = 0; row < rows; row++) {
            Sequence sequence = active.get(row);
            float[] rowLogits = Arrays.copyOfRange(logits, row * vocabulary, (row + 1) * vocabulary);
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
        // From the last: a removed row's slot takes the batch's last row, which has not ended.
        for (int i = ended.size() - 1; i >= 0; i--) {
            int row = ended.get(i);
            endedByCancel(active.get(row));
            Sequence last = active.remove(active.size() - 1);
            if (row < active.size()) {
                active.set(row, last);
            }
            cache.removeRow(row);
        }
        if (active.isEmpty()) {
            reset();
        }
    }

    /** A cancelled sequence ends (with finish reason length); returns whether it did. */
    private static boolean endedByCancel(Sequence sequence) {
        if (sequence.cancelled()) {
            sequence.finish(FinishReason.LENGTH);
            return true;
        }
        return false;
    }

    /** Every active sequence fails; the batch starts afresh. */
    private void fail(RuntimeException error) {
        active.forEach(sequence -> sequence.fail(error));
        reset();
    }

    private void reset() {
        active.clear();
        cache.clear();
    }

    private static NDArray ids(NDManager manager, int[] ids) {
        return manager.create(Arrays.stream(ids).asLongStream().toArray(), new Shape(1, ids.length));
    }

    @Override
    public void close() {
        manager.close();
    }
}
