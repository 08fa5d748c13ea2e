package io.seemore.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.seemore.datasets.Example;
import io.seemore.datasets.ImagePreprocessor;
import io.seemore.datasets.ImageSource;
import io.seemore.datasets.InvalidImageException;
import io.seemore.datasets.VlmDataset;
import io.seemore.model.ModelConfig;
import io.seemore.tokenizer.CharTokenizer;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * A dataset made ready for training: every image decoded and resized once (kept as RGB bytes,
 * not re-decoded each step) and every example tokenized once.
 */
final class EncodedExamples {

    /** One example's token sequence {@code <bos> prompt <sep> answer <eos>}. */
    private record Sequence(int image, int[] tokens, int promptLength) {}

    /** Arrays of one batch; the loss weights are 1/answerTokens on answer targets, 0 elsewhere. */
    record Batch(NDArray images, NDArray inputs, NDArray targets, NDArray lossWeights, int answerTokens) {}

    private final VlmDataset dataset;
    private final ModelConfig config;
    private final byte[][] images;
    private final Sequence[] sequences;

    EncodedExamples(VlmDataset dataset, CharTokenizer tokenizer, ModelConfig config) {
        this.dataset = dataset;
        this.config = config;
        List<ImageSource> sources = dataset.images();
        this.images = IntStream.range(0, sources.size()).parallel()
                .mapToObj(i -> prepare(dataset.name(), i, sources.get(i)))
                .toArray(byte[][]::new);
        List<Example> examples = dataset.examples();
        this.sequences = new Sequence[examples.size()];
        for (int i = 0; i < sequences.length; i++) {
            Example example = examples.get(i);
            int[] prompt = tokenizer.encodePrompt(example.prompt());
            int[] answer = tokenizer.encodeAnswer(example.answer());
            int[] tokens = new int[prompt.length + answer.length];
            System.arraycopy(prompt, 0, tokens, 0, prompt.length);
            System.arraycopy(answer, 0, tokens, prompt.length, answer.length);
            if (tokens.length - 1 > config.maxTextLength()) {
                throw new IllegalArgumentException("example " + (i + 1) + " of " + dataset.name() + " has "
                        + (tokens.length - 1) + " text tokens; the model takes at most " + config.maxTextLength());
            }
            sequences[i] = new Sequence(example.image(), tokens, prompt.length);
        }
    }

    private byte[] prepare(String dataset, int index, ImageSource source) {
        try {
            return ImagePreprocessor.toRgb(source.load(), config.imageWidth(), config.imageHeight(), config.letterbox());
        } catch (InvalidImageException e) {
            throw new IllegalArgumentException("image " + (index + 1) + " of " + dataset + ": " + e.getMessage(), e);
        }
    }

    int size() {
        return sequences.length;
    }

    VlmDataset dataset() {
        return dataset;
    }

    /** The normalised [3, height, width] tensor of image {@code image}, flattened. */
    float[] tensor(int image) {
        float[] tensor = new float[images[image].length];
        ImagePreprocessor.normalize(images[image], tensor, 0);
        return tensor;
    }

    /** {@link #batch(NDManager, int[], Augmentation, SplittableRandom)} of the images as they are. */
    Batch batch(NDManager manager, int[] indices) {
        return batch(manager, indices, Augmentation.NONE, null);
    }

    /**
     * Builds the arrays for the given examples in {@code manager}. Sequences are right-padded:
     * with a causal mask no real token ever attends to padding, and padding has zero loss weight.
     * Each image is changed by {@code augmentation}, drawn from {@code random}.
     */
    Batch batch(NDManager manager, int[] indices, Augmentation augmentation, SplittableRandom random) {
        int batch = indices.length;
        int length = 0;
        for (int index : indices) {
            length = Math.max(length, sequences[index].tokens().length - 1);
        }
        int plane = config.imageValues();
        float[] pixels = new float[batch * plane];
        int[] inputs = new int[batch * length];
        int[] targets = new int[batch * length];
        float[] weights = new float[batch * length];
        int answerTokens = 0;
        for (int row = 0; row < batch; row++) {
            Sequence sequence = sequences[indices[row]];
            ImagePreprocessor.normalize(augmentation.apply(images[sequence.image()], config.imageWidth(), config.imageHeight(), random), pixels, row * plane);
            int[] tokens = sequence.tokens();
            for (int t = 0; t < tokens.length - 1; t++) {
                inputs[row * length + t] = tokens[t];
                targets[row * length + t] = tokens[t + 1];
                // Target t is token t + 1: only answer tokens (and <eos>) are learned.
                if (t + 1 >= sequence.promptLength()) {
                    weights[row * length + t] = 1;
                    answerTokens++;
                }
            }
        }
        for (int i = 0; i < weights.length; i++) {
            weights[i] /= answerTokens;
        }
        return new Batch(
                manager.create(pixels, config.imageShape(batch)),
                manager.create(inputs, new Shape(batch, length)).toType(DataType.INT64, false),
                manager.create(targets, new Shape(batch, length, 1)).toType(DataType.INT64, false),
                manager.create(weights, new Shape(batch, length, 1)),
                answerTokens);
    }
}
