package io.seemore.training;

import ai.djl.ndarray.NDManager;
import io.seemore.datasets.Example;
import io.seemore.datasets.ImagePreprocessor;
import io.seemore.datasets.InvalidImageException;
import io.seemore.datasets.VlmDataset;
import io.seemore.generation.Generator;
import io.seemore.generation.SamplingOptions;
import java.util.ArrayList;
import java.util.List;

/** Exact-match accuracy of greedy answers on held-out examples, captions and questions apart. */
public record Evaluation(int images, Score captions, Score questions, List<String> sampleMistakes) {

    private static final int MISTAKES_KEPT = 10;

    /** Right answers out of examples. */
    public record Score(int right, int total) {
        public double accuracy() {
            return total == 0 ? Double.NaN : right / (double) total;
        }

        @Override
        public String toString() {
            return String.format("%.1f%% (%d/%d)", 100 * accuracy(), right, total);
        }
    }

    /** Evaluates every example of the first {@code maxImages} images of the dataset. */
    public static Evaluation run(Generator generator, VlmDataset dataset, int maxImages, NDManager manager)
            throws InvalidImageException {
        int images = Math.min(maxImages, dataset.images().size());
        int size = generator.model().config().imageSize();
        int[] captionCounts = new int[2];
        int[] questionCounts = new int[2];
        List<String> mistakes = new ArrayList<>();
        float[][] tensors = new float[images][];
        for (Example example : dataset.examples()) {
            if (example.image() >= images) {
                continue;
            }
            if (tensors[example.image()] == null) {
                tensors[example.image()] = ImagePreprocessor.toTensor(dataset.images().get(example.image()).load(), size);
            }
            int[] prompt = generator.tokenizer().encodePrompt(example.prompt());
            String answer = generator.generate(manager, tensors[example.image()], prompt,
                    SamplingOptions.greedy(generator.budget(prompt)), token -> {}).text();
            int[] counts = example.isCaption() ? captionCounts : questionCounts;
            counts[1]++;
            if (answer.equals(example.answer())) {
                counts[0]++;
            } else if (mistakes.size() < MISTAKES_KEPT) {
                mistakes.add("image " + example.image() + " '" + example.prompt() + "': expected '"
                        + example.answer() + "', got '" + answer + "'");
            }
        }
        return new Evaluation(images, new Score(captionCounts[0], captionCounts[1]),
                new Score(questionCounts[0], questionCounts[1]), mistakes);
    }
}
