package io.seemore.training;

import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/**
 * What to train. Every field but {@code datasetId} has a default. The blog's two-stage recipe:
 * first {@code "trainable": ["projector"]}, then a job with {@code baseModelId} set to the first
 * job's model and {@code "trainable": ["projector", "decoder"]}.
 */
@Schema(example = """
        {"datasetId": "shapes-demo", "preset": "tiny", "steps": 60, "batchSize": 16, "learningRate": 0.003,
         "warmupSteps": 10, "weightDecay": 0.01, "gradientClip": 1.0, "evalInterval": 20,
         "checkpointInterval": 20, "seed": 42, "trainable": ["vision_encoder", "projector", "decoder"]}""")
public record TrainingJobRequest(
        @Schema(description = "dataset id (GET /api/datasets); shapes-demo is built in") String datasetId,
        @Schema(description = "seemore, small or tiny; ignored when baseModelId is set", defaultValue = "small")
        String preset,
        @Schema(description = "a model version to fine-tune instead of starting from a preset") String baseModelId,
        @Schema(description = "optimizer steps (or give epochs)", defaultValue = "500") Integer steps,
        @Schema(description = "passes over the training split, instead of steps") Double epochs,
        @Schema(defaultValue = "32") Integer batchSize,
        @Schema(description = "peak learning rate", defaultValue = "0.002") Float learningRate,
        @Schema(defaultValue = "steps / 10, at most 100") Integer warmupSteps,
        @Schema(defaultValue = "0.01") Float weightDecay,
        @Schema(description = "largest global gradient norm, 0 for none", defaultValue = "1.0") Float gradientClip,
        @Schema(description = "steps between validation losses", defaultValue = "steps / 10") Integer evalInterval,
        @Schema(description = "steps between checkpoints", defaultValue = "steps / 10") Integer checkpointInterval,
        @Schema(defaultValue = "42") Long seed,
        @Schema(description = "parts that learn: vision_encoder, projector, decoder (default all)")
        List<String> trainable) {}
