package io.seemore.training;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import io.seemore.TinyModels;
import io.seemore.datasets.DatasetSplits;
import io.seemore.model.ModelConfig;
import io.seemore.tokenizer.CharTokenizer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class EncodedExamplesTest {

    @Test
    void augmentationChangesTheImagesOfABatchAndNothingElse() {
        DatasetSplits data = TinyModels.sixScenes();
        CharTokenizer tokenizer = TinyModels.tokenizer(data);
        EncodedExamples examples = new EncodedExamples(data.train(), tokenizer,
                ModelConfig.preset("tiny", tokenizer.vocabularySize()));
        int[] indices = {0, 1, 2};
        try (NDManager manager = NDManager.newBaseManager()) {
            EncodedExamples.Batch plain = examples.batch(manager, indices);
            EncodedExamples.Batch unchanged = examples.batch(manager, indices, Augmentation.NONE, new SplittableRandom(1));
            EncodedExamples.Batch changed = examples.batch(manager, indices,
                    new Augmentation(0.1f, 20, 0.2f, 0, 0.2f), new SplittableRandom(1));

            assertThat(unchanged.images().contentEquals(plain.images())).isTrue();
            assertThat(changed.images().getShape()).isEqualTo(plain.images().getShape());
            assertThat(changed.images().sub(plain.images()).abs().mean().getFloat()).isGreaterThan(0.05f);
            assertThat(changed.inputs().contentEquals(plain.inputs())).isTrue();
            assertThat(changed.targets().contentEquals(plain.targets())).isTrue();
            assertThat(changed.lossWeights().contentEquals(plain.lossWeights())).isTrue();
        }
    }
}
