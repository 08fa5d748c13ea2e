package io.seemore.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class CharTokenizerTest {

    private final CharTokenizer tokenizer = CharTokenizer.fromTexts(List.of("a red circle", "how many?"));

    @Test
    void theVocabularyIsTheSpecialTokensThenEveryCharacterSeen() {
        assertThat(tokenizer.vocabulary()).startsWith("<pad>", "<bos>", "<sep>", "<eos>", " ", "?", "a");
        assertThat(CharTokenizer.fromVocabulary(tokenizer.vocabulary()).vocabulary()).isEqualTo(tokenizer.vocabulary());
    }

    @Test
    void promptsAndAnswersCarryTheirMarkersAndDecodeBack() {
        int[] prompt = tokenizer.encodePrompt("how many?");
        assertThat(prompt[0]).isEqualTo(CharTokenizer.BOS_ID);
        assertThat(prompt[prompt.length - 1]).isEqualTo(CharTokenizer.SEP_ID);
        int[] answer = tokenizer.encodeAnswer("a red circle");
        assertThat(answer[answer.length - 1]).isEqualTo(CharTokenizer.EOS_ID);
        assertThat(tokenizer.decode(prompt)).isEqualTo("how many?");
        assertThat(tokenizer.decode(answer)).isEqualTo("a red circle");
    }

    @Test
    void textWithUnknownCharactersIsRefusedWithThoseCharacters() {
        assertThatThrownBy(() -> tokenizer.encode("How many €s? Hé"))
                .isInstanceOfSatisfying(UnknownCharactersException.class,
                        e -> assertThat(e.characters()).containsExactly("H", "€", "s", "é"))
                .hasMessageContaining("'€'");
    }
}
