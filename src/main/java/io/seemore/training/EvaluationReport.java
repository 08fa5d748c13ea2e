package io.seemore.training;

/**
 * A model version's greedy answers scored on a dataset.
 *
 * @param seconds how long answering took
 */
public record EvaluationReport(String modelId, String datasetId, String split, int examples, double exactMatch,
        double characterErrorRate, Evaluation.Score captions, Evaluation.Score questions,
        java.util.List<String> sampleMistakes, double seconds) {

    static EvaluationReport of(String modelId, String datasetId, String split, Evaluation evaluation, double seconds) {
        return new EvaluationReport(modelId, datasetId, split, evaluation.examples(), evaluation.exactMatch(),
                evaluation.characterErrorRate(), evaluation.captions(), evaluation.questions(),
                evaluation.sampleMistakes(), seconds);
    }
}
