package io.seemore.training;

/**
 * One evaluation of a run on its held-out split.
 *
 * @param loss mean answer-token cross-entropy over the first held-out examples (NaN with none)
 * @param exactMatch share of those examples whose every answer token (and the end) is the most likely
 *     one given the right answer so far: exactly the share that greedy decoding answers right, for a
 *     teacher-forced pass costs no decoding
 * @param examples examples in {@code loss} and {@code exactMatch}
 * @param answers greedy answers to the first {@code evalExamples} held-out examples, with their
 *     character error rate; null when none were asked for
 */
public record HeldOutScore(float loss, double exactMatch, int examples, Evaluation answers) {

    /** Character error rate of the greedy answers, or null when none were made. */
    public Double characterErrorRate() {
        return answers == null ? null : answers.characterErrorRate();
    }
}
