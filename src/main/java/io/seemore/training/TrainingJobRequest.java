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
        @Schema(description = "seemore, small, compact or tiny; ignored when baseModelId is set. Default: compact "
                + "when the dataset's images are at most 64 px a side (digits, clothes, icons), else small")
        String preset,
        @Schema(description = "a model version to fine-tune instead of starting from a preset") String baseModelId,
        @Schema(description = "optimizer steps (or give epochs). Default, without maxMinutes: about 150,000 "
                + "examples seen (250,000 for a training split of up to 10,000 rows), at least 3 and at most 50 epochs") Integer steps,
        @Schema(description = "passes over the training split, instead of steps") Double epochs,
        @Schema(defaultValue = "64") Integer batchSize,
        @Schema(description = "peak learning rate; default for the compact preset 0.001 up to 10,000 training rows, "
                + "0.0015 above; 0.002 for the other presets")
        Float learningRate,
        @Schema(defaultValue = "steps / 10, at most 100 (100 with maxMinutes)") Integer warmupSteps,
        @Schema(description = "AdamW's decoupled weight decay (matrices and kernels only); default 0.1 for the "
                + "compact preset on more than 10,000 training rows, else 0.01") Float weightDecay,
        @Schema(description = "largest global gradient norm, 0 for none", defaultValue = "1.0") Float gradientClip,
        @Schema(description = "steps between held-out evaluations (loss, exact match, character error rate); "
                + "0: at each tenth of maxMinutes", defaultValue = "steps / 10") Integer evalInterval,
        @Schema(description = "steps between checkpoints; 0: at each tenth of maxMinutes", defaultValue = "steps / 10")
        Integer checkpointInterval,
        @Schema(defaultValue = "42") Long seed,
        @Schema(description = "parts that learn: vision_encoder, projector, decoder (default all)")
        List<String> trainable,
        @Schema(description = "time budget: training stops when it is spent (or at steps), the learning-rate "
                + "schedule fitted to it") Double maxMinutes,
        @Schema(description = "augmentation: largest random shift of an image, as a share of its side (0-0.5). "
                + "Default 0.06 for a training split of up to 10,000 rows (seen 15 times or more), else 0")
        Float shift,
        @Schema(description = "augmentation: largest random rotation of an image about its centre, "
                + "in degrees either way (0-45)", defaultValue = "0")
        Float rotation,
        @Schema(description = "augmentation: largest random change of an image's size about its centre, "
                + "either way (0-0.5; zooming in crops the edges)", defaultValue = "0")
        Float zoom,
        @Schema(description = "augmentation: largest random displacement of an elastic warp (strokes bent as "
                + "another hand would draw them), as a share of the image's short side (0-0.25). Default 0.08 "
                + "for a training split of up to 10,000 rows of line drawings (thin strokes on a plain ground, "
                + "as handwriting), else 0: it helps handwriting and cost clothes photos points")
        Float elastic,
        @Schema(description = "augmentation: largest random change of brightness and contrast (0-1)")
        Float colourJitter,
        @Schema(description = "held-out examples answered (greedy) at each evaluation for the character error "
                + "rate; 0 for none (loss and exact match need no answers)", defaultValue = "100")
        Integer evalExamples) {}
