package io.seemore.generation;

import io.seemore.tokenizer.UnknownCharactersException;
import java.util.List;

/** The prompt holds characters outside the model's vocabulary. */
public final class UnknownPromptCharactersException extends InvalidRequestException {

    private final List<String> characters;

    public UnknownPromptCharactersException(UnknownCharactersException cause) {
        super("prompt", "prompt has " + cause.getMessage());
        this.characters = cause.characters();
    }

    public List<String> characters() {
        return characters;
    }
}
