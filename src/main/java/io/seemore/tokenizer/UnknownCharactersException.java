package io.seemore.tokenizer;

import java.util.List;

/** Text holds characters that the model's vocabulary does not have. */
public final class UnknownCharactersException extends IllegalArgumentException {

    private final List<String> characters;

    public UnknownCharactersException(List<String> characters) {
        super("characters outside the model's vocabulary: " + String.join(" ", quoted(characters)));
        this.characters = List.copyOf(characters);
    }

    public List<String> characters() {
        return characters;
    }

    private static List<String> quoted(List<String> characters) {
        return characters.stream().map(c -> "'" + c + "'").toList();
    }
}
