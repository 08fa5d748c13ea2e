package io.seemore.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.seemore.datasets.Example;
import java.util.List;
import org.junit.jupiter.api.Test;

class EvaluationTest {

    @Test
    void exactMatchAndCharacterErrorRateCountEditsPerExpectedCharacter() {
        List<Example> examples = List.of(new Example(0, "", "a bag"), new Example(1, "", "a coat"),
                new Example(2, "what?", "red"));
        // one substitution (bag -> bog); "a coat" right; "red" -> "" three deletions
        Evaluation evaluation = Evaluation.score(examples, List.of("a bog", "a coat", ""));
        assertThat(evaluation.examples()).isEqualTo(3);
        assertThat(evaluation.exactMatch()).isCloseTo(1 / 3.0, within(1e-9));
        assertThat(evaluation.characterErrorRate()).isCloseTo(4 / 14.0, within(1e-9));
        assertThat(evaluation.captions()).isEqualTo(new Evaluation.Score(1, 2));
        assertThat(evaluation.questions()).isEqualTo(new Evaluation.Score(0, 1));
        assertThat(evaluation.sampleMistakes()).hasSize(2).first().asString().contains("expected 'a bag', got 'a bog'");
    }
}
