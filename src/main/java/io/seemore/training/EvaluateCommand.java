package io.seemore.training;

import ai.djl.ndarray.NDManager;
import io.seemore.datasets.DatasetSplits;
import io.seemore.datasets.Datasets;
import io.seemore.generation.Generator;
import io.seemore.model.Checkpoint;
import io.seemore.model.Engines;
import io.seemore.tokenizer.CharTokenizer;
import java.nio.file.Path;

/**
 * Measures a checkpoint's exact match and character error rate on the held-out split of a dataset:
 * {@code --model=DIR [--dataset=shapes] [--test-images=500] [--examples=N] [--seed=42] [--threads=1]
 * [--split=held-out|train|all]}. For {@code shapes} the held-out split is the one training used with
 * the same seed; {@code --split=all} scores every row of a test file.
 */
public final class EvaluateCommand {

    private EvaluateCommand() {}

    public static void main(String[] args) throws Exception {
        CommandLine options = CommandLine.parse(args);
        Engines.configure(options.integer("threads", 1));
        int testImages = options.integer("test-images", 500);
        DatasetSplits data = Datasets.load(options.text("dataset", "shapes"), 0, testImages,
                options.integer("seed", 42));
        try (NDManager manager = NDManager.newBaseManager();
                Checkpoint.Loaded model = Checkpoint.load(Path.of(options.required("model")), manager)) {
            Generator generator = new Generator(model.network(), CharTokenizer.fromVocabulary(model.vocabulary()));
            long start = System.nanoTime();
            Evaluation evaluation = Evaluation.run(generator, data.named(options.text("split", "held-out")), options.integer("examples", Integer.MAX_VALUE), manager);
            System.out.printf("%s (%.0f s)%n", evaluation, (System.nanoTime() - start) / 1e9);
            evaluation.sampleMistakes().forEach(m -> System.out.println("  " + m));
        }
    }
}
