package io.seemore.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.pytorch.jni.JniUtils;
import io.seemore.TinyModels;
import io.seemore.datasets.DatasetSplits;
import io.seemore.datasets.Example;
import io.seemore.datasets.ShapesDataset;
import io.seemore.datasets.VlmDataset;
import io.seemore.generation.Generator;
import io.seemore.model.ModelConfig;
import io.seemore.model.VisionLanguageModel;
import io.seemore.tokenizer.CharTokenizer;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class TrainingRunTest {

    private static DatasetSplits captionsOfSixScenes() {
        return TinyModels.sixScenes();
    }

    private static CharTokenizer tokenizer(DatasetSplits data) {
        return TinyModels.tokenizer(data);
    }

    private static TrainingOptions options(int steps, float learningRate, EnumSet<TrainingOptions.Component> trainable) {
        return TrainingOptions.of(steps, 6, learningRate, 20, 5, trainable);
    }

    @Test
    void aTinyModelLearnsItsCaptionsByHeartAndThenWritesThemExactly() throws Exception {
        List<Float> losses = new ArrayList<>();
        try (NDManager manager = NDManager.newBaseManager()) {
            TinyModels.Trained trained = TinyModels.trainedOnSixScenes(manager, new TrainingListener() {
                @Override
                public void onStep(StepMetrics metrics) {
                    losses.add(metrics.loss());
                }
            });

            assertThat(losses.get(0)).isGreaterThan(2.5f);
            assertThat(trained.result().trainingLoss()).isLessThan(0.01f);
            assertThat(trained.result().validationLoss()).isLessThan(0.01f);
            Evaluation evaluation = Evaluation.run(trained.generator(), captionsOfSixScenes().train(), 6, manager);
            assertThat(evaluation.sampleMistakes()).isEmpty();
            assertThat(evaluation.captions().right()).isEqualTo(6);
        }
    }

    @Test
    void aTimeBudgetEndsTheRunEvaluatesAtEachTenthAndTheScheduleDecaysOverIt() {
        DatasetSplits data = captionsOfSixScenes();
        CharTokenizer tokenizer = tokenizer(data);
        List<Float> rates = new ArrayList<>();
        List<HeldOutScore> evaluations = new ArrayList<>();
        try (NDManager manager = NDManager.newBaseManager()) {
            VisionLanguageModel model = VisionLanguageModel.create(
                    ModelConfig.preset("tiny", tokenizer.vocabularySize()), manager);
            TrainingOptions options = new TrainingOptions(1_000_000, 6, 3e-3f, 20, 0f, 1f, 0, 0, 5,
                    EnumSet.allOf(TrainingOptions.Component.class), Augmentation.NONE, java.time.Duration.ofSeconds(4), 6);
            long start = System.nanoTime();
            TrainingResult result = new TrainingRun(model, tokenizer, data, options, null, Map.of(), new TrainingListener() {
                @Override
                public void onStep(StepMetrics metrics) {
                    rates.add(metrics.learningRate());
                }

                @Override
                public void onEvaluation(int step, HeldOutScore score) {
                    evaluations.add(score);
                }
            }).run(manager, () -> false);
            double seconds = (System.nanoTime() - start) / 1e9;

            assertThat(seconds).isBetween(4.0, 20.0);
            assertThat(result.steps()).isEqualTo(rates.size()).isLessThan(1_000_000);
            assertThat(rates.get(rates.size() - 1)).isCloseTo(3e-4f, org.assertj.core.data.Offset.offset(1e-4f));
            assertThat(evaluations).hasSizeBetween(8, 10);
            assertThat(evaluations.get(evaluations.size() - 1)).isSameAs(result.heldOut());
            // Teacher-forced exact match is greedy decoding's, and the run's greedy answers (images from
            // its cache) are those made afterwards from the image files.
            Evaluation after = Evaluation.run(new Generator(model, tokenizer), data.test(), 6, manager);
            assertThat(result.heldOut().exactMatch()).isEqualTo(after.exactMatch());
            assertThat(result.heldOut().answers().characterErrorRate()).isEqualTo(after.characterErrorRate());
            assertThat(evaluations.stream().map(HeldOutScore::exactMatch).distinct().count())
                    .as("exact match changes as the model learns").isGreaterThan(1);
        }
    }

    @Test
    void frozenPartsKeepTheirWeightsExactly() {
        DatasetSplits data = captionsOfSixScenes();
        CharTokenizer tokenizer = tokenizer(data);
        try (NDManager manager = NDManager.newBaseManager()) {
            // The conv stem has batch-norm statistics, which a frozen encoder must keep too.
            VisionLanguageModel model = VisionLanguageModel.create(
                    ModelConfig.preset("tiny", tokenizer.vocabularySize()).withImagePath("conv", null), manager);
            float[] vision = weights(model.visionEncoder());
            float[] decoder = weights(model.decoder());
            float[] projector = weights(model.projector());
            new TrainingRun(model, tokenizer, data, options(5, 1e-2f, EnumSet.of(TrainingOptions.Component.PROJECTOR)),
                    null, Map.of(), new TrainingListener() {}).run(manager, () -> false);

            assertThat(weights(model.visionEncoder())).containsExactly(vision);
            assertThat(weights(model.decoder())).containsExactly(decoder);
            assertThat(weights(model.projector())).isNotEqualTo(projector);
        }
    }

    private static float[] weights(Block block) {
        List<Float> values = new ArrayList<>();
        block.getParameters().values().forEach(p -> {
            for (float v : p.getArray().toFloatArray()) {
                values.add(v);
            }
        });
        float[] result = new float[values.size()];
        for (int i = 0; i < result.length; i++) {
            result[i] = values.get(i);
        }
        return result;
    }

    @Test
    void twoRunsCanTrainAtTheSameTimeInOneProcess() throws Exception {
        DatasetSplits data = captionsOfSixScenes();
        CharTokenizer tokenizer = tokenizer(data);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (NDManager manager = NDManager.newBaseManager()) {
            List<Future<TrainingResult>> runs = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                VisionLanguageModel model = VisionLanguageModel.create(
                        ModelConfig.preset("tiny", tokenizer.vocabularySize()), manager);
                TrainingRun run = new TrainingRun(model, tokenizer, data,
                        options(60, 3e-3f, EnumSet.allOf(TrainingOptions.Component.class)), null, Map.of(),
                        new TrainingListener() {});
                runs.add(pool.submit(() -> run.run(manager, () -> false)));
            }
            for (var run : runs) {
                assertThat(run.get().steps()).isEqualTo(60);
                assertThat(run.get().trainingLoss()).isLessThan(2f);
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void anAbsurdLearningRateStopsTheRunAsDiverged() {
        DatasetSplits data = captionsOfSixScenes();
        CharTokenizer tokenizer = tokenizer(data);
        try (NDManager manager = NDManager.newBaseManager()) {
            VisionLanguageModel model = VisionLanguageModel.create(
                    ModelConfig.preset("tiny", tokenizer.vocabularySize()), manager);
            TrainingOptions absurd = new TrainingOptions(200, 6, 1e9f, 0, 0f, 0f, 0, 0, 5,
                    EnumSet.allOf(TrainingOptions.Component.class), Augmentation.NONE, null, 0);
            TrainingRun run = new TrainingRun(model, tokenizer, data, absurd, null, Map.of(), new TrainingListener() {});
            assertThatThrownBy(() -> run.run(manager, () -> false))
                    .isInstanceOf(TrainingDivergedException.class)
                    .hasMessageContaining("diverged");
        }
    }

    @Test
    void theScheduleWarmsUpThenDecaysToATenthOfThePeak() {
        TrainingOptions options = TrainingOptions.of(110, 4, 1f, 10, 1,
                EnumSet.allOf(TrainingOptions.Component.class));
        assertThat(options.learningRateAt(0)).isEqualTo(0.1f);
        assertThat(options.learningRateAt(9)).isEqualTo(1f);
        assertThat(options.learningRateAt(60)).isCloseTo(0.55f, org.assertj.core.data.Offset.offset(1e-5f));
        assertThat(options.learningRateAt(110)).isCloseTo(0.1f, org.assertj.core.data.Offset.offset(1e-6f));
    }

    @Test
    void eachStepRunsOnTheIntraOpThreadCountAskedForThen() {
        // The service asks for every core while no generation runs, one otherwise (TrainingJobService).
        DatasetSplits data = captionsOfSixScenes();
        CharTokenizer tokenizer = tokenizer(data);
        List<Integer> threads = new ArrayList<>();
        try (NDManager manager = NDManager.newBaseManager()) {
            VisionLanguageModel model = VisionLanguageModel.create(
                    ModelConfig.preset("tiny", tokenizer.vocabularySize()), manager);
            new TrainingRun(model, tokenizer, data, options(6, 1e-3f, EnumSet.allOf(TrainingOptions.Component.class)),
                    null, Map.of(), new TrainingListener() {
                        @Override
                        public void onStep(StepMetrics metrics) {
                            threads.add(JniUtils.getNumThreads());
                        }
                    }).run(manager, () -> false, 0, 0, () -> threads.size() % 3 == 2 ? 1 : 2);
        }
        assertThat(threads).containsExactly(2, 2, 1, 2, 2, 1);
    }
}
