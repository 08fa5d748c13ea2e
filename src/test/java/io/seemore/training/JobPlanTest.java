package io.seemore.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.seemore.datasets.DatasetSplits;
import io.seemore.datasets.Example;
import io.seemore.datasets.ImageSource;
import io.seemore.datasets.ShapesDataset;
import io.seemore.datasets.VlmDataset;
import io.seemore.generation.InvalidRequestException;
import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** How a job request with few fields becomes a full recipe. */
class JobPlanTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static TrainingJobRequest request(String json) {
        return JSON.readValue(json, TrainingJobRequest.class);
    }

    @Test
    void onlyADatasetGivesEpochsFromItsSizeAndNoTimeBudget() {
        TrainingOptions large = JobPlan.options(request("{\"datasetId\": \"d\"}"), 36_000);
        assertThat(large.batchSize()).isEqualTo(64);
        // 150,000 examples seen: 4.17 epochs of 36,000.
        assertThat(large.steps()).isEqualTo((int) Math.ceil(150_000.0 / 64));
        assertThat(large.warmupSteps()).isEqualTo(100);
        assertThat(large.evalInterval()).isEqualTo(large.steps() / 10);
        assertThat(large.timeBudget()).isNull();
        assertThat(large.augmentation()).isEqualTo(Augmentation.NONE);
        assertThat(large.evalExamples()).isEqualTo(100);
        // Small sets get at most 40 passes, huge ones at least 3.
        assertThat(JobPlan.options(request("{\"datasetId\": \"d\"}"), 100).steps()).isEqualTo(63);
        assertThat(JobPlan.options(request("{\"datasetId\": \"d\"}"), 1_000_000).steps()).isEqualTo(46_875);
    }

    @Test
    void maxMinutesGivesATimeBudgetAndEvaluationsAtItsTenths() {
        TrainingOptions timed = JobPlan.options(request("{\"datasetId\": \"d\", \"maxMinutes\": 14}"), 36_000);
        assertThat(timed.timeBudget()).isEqualTo(Duration.ofMinutes(14));
        assertThat(timed.steps()).isEqualTo(JobPlan.MAX_STEPS);
        assertThat(timed.evalInterval()).isZero();
        assertThat(timed.checkpointInterval()).isZero();
        assertThat(timed.warmupSteps()).isEqualTo(100);
        // With steps too, whichever ends first.
        assertThat(JobPlan.options(request("{\"datasetId\": \"d\", \"maxMinutes\": 1, \"steps\": 50}"), 10).steps())
                .isEqualTo(50);
    }

    @Test
    void badRecipeFieldsAreNamed() {
        for (String[] bad : new String[][] {{"maxMinutes", "0"}, {"maxMinutes", "1e9"}, {"shift", "0.7"},
                {"colourJitter", "-1"}, {"evalExamples", "-3"}}) {
            assertThatThrownBy(() -> JobPlan.options(request("{\"datasetId\": \"d\", \"" + bad[0] + "\": " + bad[1] + "}"), 10))
                    .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.field()).isEqualTo(bad[0]));
        }
    }

    @Test
    void smallImagesGetTheCompactPresetAndLargerOnesSmall() {
        ImageSource digit = () -> new BufferedImage(56, 28, BufferedImage.TYPE_BYTE_GRAY);
        VlmDataset digits = new VlmDataset("digits", List.of(digit), List.of(new Example(0, "", "the number 47")));
        assertThat(JobPlan.preset(request("{\"datasetId\": \"d\"}"), new DatasetSplits(digits, digits)))
                .isEqualTo("compact");
        assertThat(JobPlan.preset(request("{\"datasetId\": \"d\"}"), ShapesDataset.generate(4, 1, 1)))
                .isEqualTo("small");
        assertThat(JobPlan.preset(request("{\"datasetId\": \"d\", \"preset\": \"tiny\"}"), new DatasetSplits(digits, digits)))
                .isEqualTo("tiny");
    }
}
