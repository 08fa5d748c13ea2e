package io.seemore.training;

import ai.djl.ndarray.NDManager;
import io.seemore.datasets.Example;
import io.seemore.datasets.ImagePreprocessor;
import io.seemore.datasets.InvalidImageException;
import io.seemore.datasets.VlmDataset;
import io.seemore.generation.GenerationResult;
import io.seemore.generation.Generator;
import io.seemore.generation.SamplingOptions;
import io.seemore.model.ModelConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.apache.commons.text.similarity.LevenshteinDistance;

/**
 * How well greedy answers match held-out examples: exact match (captions and questions apart) and
 * the character error rate, the edit distance from each expected answer over its length, summed.
 *
 * @param examples examples answered
 * @param exactMatch share answered exactly right
 * @param characterErrorRate character edits (insertions, deletions, substitutions) per expected character
 */
public record Evaluation(int examples, double exactMatch, double characterErrorRate, Score captions,
        Score questions, List<String> sampleMistakes) {

    private static final int MISTAKES_KEPT = 10;
    /** Sequences decoded together. */
    private static final int BATCH = 64;

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

    /** Evaluates the first {@code maxExamples} examples, decoding and resizing their images. */
    public static Evaluation run(Generator generator, VlmDataset dataset, int maxExamples, NDManager manager) {
        ModelConfig config = generator.model().config();
        Map<Integer, float[]> tensors = new HashMap<>();
        return run(generator, dataset, maxExamples, manager, image -> tensors.computeIfAbsent(image, i -> {
            try {
                return ImagePreprocessor.toTensor(dataset.images().get(i).load(),
                        config.imageWidth(), config.imageHeight(), config.letterbox());
            } catch (InvalidImageException e) {
                throw new IllegalArgumentException("image " + (i + 1) + " of " + dataset.name() + ": " + e.getMessage(), e);
            }
        }));
    }

    /**
     * Evaluates the first {@code maxExamples} examples, {@code imageTensors} giving the normalised
     * tensor of an image by its index.
     */
    public static Evaluation run(Generator generator, VlmDataset dataset, int maxExamples, NDManager manager,
            IntFunction<float[]> imageTensors) {
        List<Example> examples = dataset.examples().subList(0, Math.min(maxExamples, dataset.examples().size()));
        List<Generator.Input> inputs = new ArrayList<>(examples.size());
        int longest = 1;
        for (Example example : examples) {
            int[] prompt = generator.tokenizer().encodePrompt(example.prompt());
            inputs.add(new Generator.Input(imageTensors.apply(example.image()), prompt));
            longest = Math.max(longest, generator.budget(prompt));
        }
        List<GenerationResult> answers = generator.generate(manager, inputs, SamplingOptions.greedy(longest), BATCH);
        return score(examples, answers.stream().map(GenerationResult::text).toList());
    }

    static Evaluation score(List<Example> examples, List<String> answers) {
        LevenshteinDistance distance = LevenshteinDistance.getDefaultInstance();
        int[] captions = new int[2];
        int[] questions = new int[2];
        long edits = 0;
        long characters = 0;
        List<String> mistakes = new ArrayList<>();
        for (int i = 0; i < examples.size(); i++) {
            Example example = examples.get(i);
            String answer = answers.get(i);
            int[] counts = example.isCaption() ? captions : questions;
            counts[1]++;
            edits += distance.apply(example.answer(), answer);
            characters += example.answer().length();
            if (answer.equals(example.answer())) {
                counts[0]++;
            } else if (mistakes.size() < MISTAKES_KEPT) {
                mistakes.add("image " + example.image() + " '" + example.prompt() + "': expected '"
                        + example.answer() + "', got '" + answer + "'");
            }
        }
        int total = examples.size();
        return new Evaluation(total, total == 0 ? Double.NaN : (captions[0] + questions[0]) / (double) total,
                characters == 0 ? Double.NaN : edits / (double) characters,
                new Score(captions[0], captions[1]), new Score(questions[0], questions[1]), List.copyOf(mistakes));
    }

    @Override
    public String toString() {
        return String.format("exact match %.1f%% of %d (captions %s, questions %s), character error rate %.2f%%",
                100 * exactMatch, examples, captions, questions, 100 * characterErrorRate);
    }
}
