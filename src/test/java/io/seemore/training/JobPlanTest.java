package io.seemore.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.seemore.datasets.DatasetSplits;
import io.seemore.datasets.Example;
import io.seemore.datasets.ImageSource;
import io.seemore.datasets.ShapesDataset;
import io.seemore.datasets.VlmDataset;
import io.seemore.generation.InvalidRequestException;
import io.seemore.model.ModelConfig;
import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** How a job request with few fields becomes a full recipe. */
class JobPlanTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final JobPlan.OptimizerDefaults GENERAL = JobPlan.OptimizerDefaults.GENERAL;

    private static TrainingJobRequest request(String json) {
        return JSON.readValue(json, TrainingJobRequest.class);
    }

    /** The options of a request whose training set of {@code trainExamples} is not of line drawings. */
    private static TrainingOptions options(String json, int trainExamples) {
        return JobPlan.options(request(json), trainExamples, GENERAL, JobPlan.defaultAugmentation(trainExamples, false));
    }

    @Test
    void onlyADatasetGivesEpochsFromItsSizeAndNoTimeBudget() {
        TrainingOptions large = options("{\"datasetId\": \"d\"}", 36_000);
        assertThat(large.batchSize()).isEqualTo(64);
        // 150,000 examples seen: 4.17 epochs of 36,000.
        assertThat(large.steps()).isEqualTo((int) Math.ceil(150_000.0 / 64));
        assertThat(large.warmupSteps()).isEqualTo(100);
        assertThat(large.evalInterval()).isEqualTo(large.steps() / 10);
        assertThat(large.timeBudget()).isNull();
        assertThat(large.augmentation()).isEqualTo(Augmentation.NONE);
        assertThat(large.evalExamples()).isEqualTo(100);
        // Sets of up to 10,000 rows see 250,000 examples (46.3 epochs of 5,400), at most 50 passes;
        // huge ones at least 3.
        assertThat(options("{\"datasetId\": \"d\"}", 5_400).steps())
                .isEqualTo((int) Math.ceil(250_000.0 / 64));
        assertThat(options("{\"datasetId\": \"d\"}", 10_001).steps())
                .isEqualTo((int) Math.ceil(150_000.0 / 64));
        assertThat(options("{\"datasetId\": \"d\"}", 100).steps()).isEqualTo(79);
        assertThat(options("{\"datasetId\": \"d\"}", 1_000_000).steps()).isEqualTo(46_875);
    }

    @Test
    void smallTrainingSetsAreAugmentedByDefaultAndARequestsOwnChangesWin() {
        assertThat(options("{\"datasetId\": \"d\"}", 5_400).augmentation())
                .isEqualTo(new Augmentation(0.06f, 0, 0, 0, 0));
        assertThat(options("{\"datasetId\": \"d\"}", 10_001).augmentation())
                .isEqualTo(Augmentation.NONE);
        assertThat(options("{\"datasetId\": \"d\", \"shift\": 0}", 5_400).augmentation())
                .isEqualTo(Augmentation.NONE);
        assertThat(options("{\"datasetId\": \"d\", \"elastic\": 0.08}", 5_400).augmentation())
                .isEqualTo(new Augmentation(0.06f, 0, 0, 0.08f, 0));
        assertThat(options("{\"datasetId\": \"d\", \"shift\": 0.1, \"zoom\": 0.2, \"elastic\": 0.05, "
                + "\"colourJitter\": 0.3}", 36_000).augmentation())
                .isEqualTo(new Augmentation(0.1f, 0, 0.2f, 0.05f, 0.3f));
        // A small set of line drawings also gets the elastic warp, unless the request says otherwise.
        Augmentation drawings = JobPlan.defaultAugmentation(5_400, true);
        assertThat(drawings).isEqualTo(new Augmentation(0.06f, 0, 0, 0.08f, 0));
        assertThat(JobPlan.defaultAugmentation(10_001, true)).isEqualTo(Augmentation.NONE);
        assertThat(JobPlan.options(request("{\"datasetId\": \"d\", \"elastic\": 0}"), 5_400, GENERAL, drawings)
                .augmentation()).isEqualTo(new Augmentation(0.06f, 0, 0, 0, 0));
    }

    @Test
    void theOptimizerDefaultsByPresetAndTrainingSetSizeAndARequestsOwnWins() {
        assertThat(JobPlan.OptimizerDefaults.of("compact", 5_400))
                .isEqualTo(new JobPlan.OptimizerDefaults(1e-3f, 0.01f));
        assertThat(JobPlan.OptimizerDefaults.of("compact", 36_000))
                .isEqualTo(new JobPlan.OptimizerDefaults(1.5e-3f, 0.1f));
        assertThat(JobPlan.OptimizerDefaults.of("small", 5_400)).isEqualTo(GENERAL);
        assertThat(JobPlan.OptimizerDefaults.of("small", 36_000)).isEqualTo(GENERAL);
        TrainingOptions defaults = JobPlan.options(request("{\"datasetId\": \"d\"}"), 100,
                new JobPlan.OptimizerDefaults(1e-3f, 0.05f), Augmentation.NONE);
        assertThat(defaults.learningRate()).isEqualTo(1e-3f);
        assertThat(defaults.weightDecay()).isEqualTo(0.05f);
        TrainingOptions own = JobPlan.options(request("{\"datasetId\": \"d\", \"learningRate\": 0.005, \"weightDecay\": 0}"),
                100, new JobPlan.OptimizerDefaults(1e-3f, 0.05f), Augmentation.NONE);
        assertThat(own.learningRate()).isEqualTo(5e-3f);
        assertThat(own.weightDecay()).isZero();
    }

    @Test
    void aWideInputThatTheSquareEstimateAdmittedIsRefusedWhenItIsBuilt() {
        // check() estimates the square preset; prepare() the input chosen from the images, up to 2:1.
        ModelConfig square = ModelConfig.preset("small", 20);
        ModelConfig wide = square.withPatchGrid(6, 12, ModelConfig.ImageFit.LETTERBOX);
        long budget = (TrainingMemory.estimate(square, 256) + TrainingMemory.estimate(wide, 256)) / 2;
        JobPlan.requireMemory(square, 256, budget);
        assertThatThrownBy(() -> JobPlan.requireMemory(wide, 256, budget))
                .isInstanceOf(TrainingExceptions.OverMemoryBudget.class)
                .hasMessageContaining("use a batchSize of at most");
    }

    @Test
    void maxMinutesGivesATimeBudgetAndEvaluationsAtItsTenths() {
        TrainingOptions timed = options("{\"datasetId\": \"d\", \"maxMinutes\": 14}", 36_000);
        assertThat(timed.timeBudget()).isEqualTo(Duration.ofMinutes(14));
        assertThat(timed.steps()).isEqualTo(JobPlan.MAX_STEPS);
        assertThat(timed.evalInterval()).isZero();
        assertThat(timed.checkpointInterval()).isZero();
        assertThat(timed.warmupSteps()).isEqualTo(100);
        // With steps too, whichever ends first.
        assertThat(options("{\"datasetId\": \"d\", \"maxMinutes\": 1, \"steps\": 50}", 10).steps())
                .isEqualTo(50);
    }

    @Test
    void badRecipeFieldsAreNamed() {
        for (String[] bad : new String[][] {{"maxMinutes", "0"}, {"maxMinutes", "1e9"}, {"shift", "0.7"},
                {"rotation", "90"}, {"zoom", "0.6"}, {"elastic", "0.3"}, {"colourJitter", "-1"}, {"evalExamples", "-3"}}) {
            assertThatThrownBy(() -> options("{\"datasetId\": \"d\", \"" + bad[0] + "\": " + bad[1] + "}", 10))
                    .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.field()).isEqualTo(bad[0]));
        }
    }

    private static DatasetSplits images(int... widthsAndHeights) {
        List<ImageSource> images = new java.util.ArrayList<>();
        List<Example> examples = new java.util.ArrayList<>();
        for (int i = 0; i < widthsAndHeights.length; i += 2) {
            int width = widthsAndHeights[i];
            int height = widthsAndHeights[i + 1];
            examples.add(new Example(images.size(), "", "the number 47"));
            images.add(() -> new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY));
        }
        VlmDataset dataset = new VlmDataset("digits", images, examples);
        return new DatasetSplits(dataset, dataset);
    }

    private static ModelConfig config(String json, DatasetSplits data) {
        JobPlan.ImageShapes shapes = JobPlan.ImageShapes.of(data);
        return JobPlan.config(JobPlan.preset(request(json), shapes), shapes, 20);
    }

    @Test
    void smallImagesGetTheCompactPresetAndLargerOnesSmall() {
        ModelConfig digits = config("{\"datasetId\": \"d\"}", images(28, 28, 30, 28));
        assertThat(digits).isEqualTo(ModelConfig.preset("compact", 20));
        assertThat(config("{\"datasetId\": \"d\"}", ShapesDataset.generate(4, 1, 1)))
                .isEqualTo(ModelConfig.preset("small", 20));
        assertThat(config("{\"datasetId\": \"d\", \"preset\": \"tiny\"}", images(28, 28)))
                .isEqualTo(ModelConfig.preset("tiny", 20));
    }

    @Test
    void imagesAllWiderThanSquareGetAWideLetterboxedInputWithThePresetsShortSide() {
        // Single digits and pairs side by side: 2:1 fits both, compact's 4 x 4 patches become 4 x 8,
        // so that an item has compact's 32 px alone or in a pair.
        ModelConfig wide = config("{\"datasetId\": \"d\"}", images(28, 28, 56, 28));
        assertThat(wide.imageHeight()).isEqualTo(32);
        assertThat(wide.imageWidth()).isEqualTo(64);
        assertThat(wide.imageFit()).isEqualTo(ModelConfig.ImageFit.LETTERBOX);
        assertThat(wide.withPatchGrid(4, 4, ModelConfig.ImageFit.STRETCH)).isEqualTo(ModelConfig.preset("compact", 20));
        // Tall images the other way round; a mix of tall and wide stays square.
        ModelConfig tall = config("{\"datasetId\": \"d\"}", images(28, 56, 28, 28));
        assertThat(tall.imageHeight()).isEqualTo(64);
        assertThat(tall.imageWidth()).isEqualTo(32);
        assertThat(config("{\"datasetId\": \"d\"}", images(28, 56, 56, 28))).isEqualTo(ModelConfig.preset("compact", 20));
        // A file of 100 single items and then 100 pairs is sampled all through: the pairs are seen.
        int[] singlesThenPairs = new int[400];
        for (int i = 0; i < 200; i++) {
            singlesThenPairs[2 * i] = i < 100 ? 28 : 56;
            singlesThenPairs[2 * i + 1] = 28;
        }
        assertThat(config("{\"datasetId\": \"d\"}", images(singlesThenPairs))).isEqualTo(wide);
        // Large photos at 3:2: small's 6 x 6 become 6 x 9; a 5:1 banner is held to 2:1, 6 x 12.
        ModelConfig photos = config("{\"datasetId\": \"d\"}", images(300, 200));
        assertThat(photos.imageHeight() / photos.patchSize()).isEqualTo(6);
        assertThat(photos.imageWidth() / photos.patchSize()).isEqualTo(9);
        ModelConfig banners = config("{\"datasetId\": \"d\"}", images(500, 100));
        assertThat(banners.imageHeight() / banners.patchSize()).isEqualTo(6);
        assertThat(banners.imageWidth() / banners.patchSize()).isEqualTo(12);
    }
}
