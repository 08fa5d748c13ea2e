package io.seemore.training;

import io.swagger.v3.oas.annotations.media.Schema;

/** What to evaluate a model version on. */
@Schema(example = """
        {"datasetId": "shapes-demo", "split": "held-out", "maxExamples": 200}""")
public record EvaluationRequest(
        @Schema(description = "dataset id (GET /api/datasets)") String datasetId,
        @Schema(description = "held-out (the tenth a training job holds out), train, or all",
                defaultValue = "held-out") String split,
        @Schema(description = "answer at most this many examples, in dataset order", defaultValue = "1000")
        Integer maxExamples) {}
