package io.seemore;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import io.seemore.datasets.DatasetSplits;
import io.seemore.datasets.Example;
import io.seemore.datasets.ShapesDataset;
import io.seemore.datasets.VlmDataset;
import io.seemore.generation.Generator;
import io.seemore.model.ModelConfig;
import io.seemore.model.VisionLanguageModel;
import io.seemore.tokenizer.CharTokenizer;
import io.seemore.training.TrainingListener;
import io.seemore.training.TrainingOptions;
import io.seemore.training.TrainingResult;
import io.seemore.training.TrainingRun;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Small trained models for tests: a tiny network that knows six scenes' captions by heart. */
public final class TinyModels {

    private TinyModels() {}

    /** Six scenes with their captions only. */
    public static DatasetSplits sixScenes() {
        VlmDataset scenes = ShapesDataset.generate(6, 1, 11).train();
        List<Example> captions = scenes.examples().stream().filter(Example::isCaption).toList();
        VlmDataset train = new VlmDataset("six-scenes", scenes.images(), captions);
        return new DatasetSplits(train, train);
    }

    public static CharTokenizer tokenizer(DatasetSplits data) {
        return CharTokenizer.fromTexts(data.train().texts().collect(Collectors.toSet()));
    }

    /** A trained model and the result of its training. */
    public record Trained(Generator generator, TrainingResult result) {}

    /** Trains the tiny preset on the six scenes (a few seconds); its arrays live in {@code manager}. */
    public static Trained trainedOnSixScenes(NDManager manager, TrainingListener listener) {
        DatasetSplits data = sixScenes();
        CharTokenizer tokenizer = tokenizer(data);
        Engine.getInstance().setRandomSeed(5);
        VisionLanguageModel model = VisionLanguageModel.create(ModelConfig.preset("tiny", tokenizer.vocabularySize()),
                manager);
        TrainingOptions options = TrainingOptions.of(400, 6, 3e-3f, 20, 5,
                EnumSet.allOf(TrainingOptions.Component.class));
        TrainingResult result = new TrainingRun(model, tokenizer, data, options, null, Map.of(), listener)
                .run(manager, () -> false);
        return new Trained(new Generator(model, tokenizer), result);
    }
}
