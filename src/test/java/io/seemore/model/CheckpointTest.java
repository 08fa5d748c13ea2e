package io.seemore.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {

    @TempDir
    Path directory;

    private static List<String> vocabulary(int size) {
        List<String> vocabulary = new ArrayList<>(List.of("<pad>", "<bos>", "<sep>", "<eos>"));
        for (int i = vocabulary.size(); i < size; i++) {
            vocabulary.add(String.valueOf((char) ('a' + i)));
        }
        return vocabulary;
    }

    @Test
    void aSavedModelLoadsBackToBitIdenticalOutputs() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(3);
            ModelConfig config = ModelConfig.preset("tiny", 12);
            VisionLanguageModel model = VisionLanguageModel.create(config, manager);
            Path target = directory.resolve("model");
            Checkpoint.save(target, model, vocabulary(12), Map.of("step", 5));

            NDArray images = manager.randomNormal(new Shape(2, 3, 32, 32));
            NDArray tokens = manager.create(new long[] {1, 5, 6, 2, 1, 7, 8, 2}, new Shape(2, 4));
            ParameterStore parameters = new ParameterStore(manager, false);
            float[] expected = model.logits(parameters, images, tokens, false).toFloatArray();
            try (Checkpoint.Loaded loaded = Checkpoint.load(target, manager)) {
                assertThat(loaded.network().config()).isEqualTo(config);
                assertThat(loaded.vocabulary()).isEqualTo(vocabulary(12));
                assertThat(loaded.training()).containsEntry("step", 5);
                assertThat(loaded.network().logits(parameters, images, tokens, false).toFloatArray())
                        .containsExactly(expected);
            }
            try (var files = Files.list(directory)) {
                assertThat(files).containsExactly(target);
            }
        }
    }

    @Test
    void aCheckpointFromBeforeNonSquareInputsReadsAsASquareStretchedInput() {
        // The shipped model's header names one imageSize and no width or fit.
        ModelConfig shipped = Checkpoint.describeResource("model").config();
        assertThat(shipped.imageHeight()).isEqualTo(96);
        assertThat(shipped.imageWidth()).isEqualTo(96);
        assertThat(shipped.imageFit()).isEqualTo(ModelConfig.ImageFit.STRETCH);
        assertThat(shipped.patchCount()).isEqualTo(36);
    }

    @Test
    void aCheckpointOfAnotherFormatVersionIsRefusedClearly() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            Path target = directory.resolve("model");
            Checkpoint.save(target, VisionLanguageModel.create(ModelConfig.preset("tiny", 12), manager),
                    vocabulary(12), Map.of());
            Path header = target.resolve(Checkpoint.MODEL_FILE);
            Files.writeString(header, Files.readString(header).replace("\"formatVersion\" : 1", "\"formatVersion\" : 99"));

            assertThatThrownBy(() -> Checkpoint.load(target, manager))
                    .isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("v99").hasMessageContaining("reads seemore-checkpoint v1");
        }
    }

    @Test
    void parametersThatDoNotMatchTheConfigAreRefusedClearly() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            Path target = directory.resolve("model");
            ModelConfig config = ModelConfig.preset("tiny", 12);
            Checkpoint.save(target, VisionLanguageModel.create(config, manager), vocabulary(12), Map.of());
            Path header = target.resolve(Checkpoint.MODEL_FILE);
            Files.writeString(header, Files.readString(header).replace("\"textWidth\" : 32", "\"textWidth\" : 64"));

            assertThatThrownBy(() -> Checkpoint.load(target, manager))
                    .isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("do not match its config");
        }
    }
}
