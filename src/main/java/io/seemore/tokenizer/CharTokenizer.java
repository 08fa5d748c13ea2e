package io.seemore.tokenizer;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A character-level tokenizer: one token per Unicode code point seen in the training texts, plus
 * special tokens for padding, begin-of-text, the prompt/answer separator and end-of-text. Text
 * with characters it does not know is refused, never silently changed.
 *
 * <p>A training sequence reads {@code <bos> prompt <sep> answer <eos>}; the model learns to
 * write the answer and the end-of-text token, so generation stops by itself.
 */
public final class CharTokenizer {

    public static final String PAD = "<pad>";
    public static final String BOS = "<bos>";
    public static final String SEP = "<sep>";
    public static final String EOS = "<eos>";
    public static final int PAD_ID = 0;
    public static final int BOS_ID = 1;
    public static final int SEP_ID = 2;
    public static final int EOS_ID = 3;
    private static final List<String> SPECIALS = List.of(PAD, BOS, SEP, EOS);

    private final List<String> vocabulary;
    private final Map<Integer, Integer> idsByCodePoint = new HashMap<>();

    private CharTokenizer(List<String> vocabulary) {
        if (!vocabulary.subList(0, Math.min(SPECIALS.size(), vocabulary.size())).equals(SPECIALS)) {
            throw new IllegalArgumentException("a vocabulary must start with " + SPECIALS);
        }
        this.vocabulary = List.copyOf(vocabulary);
        for (int id = SPECIALS.size(); id < vocabulary.size(); id++) {
            String token = vocabulary.get(id);
            if (token.codePointCount(0, token.length()) != 1) {
                throw new IllegalArgumentException("vocabulary entry " + id + " is not one character");
            }
            idsByCodePoint.put(token.codePointAt(0), id);
        }
    }

    /** A tokenizer for every character that occurs in the given texts. */
    public static CharTokenizer fromTexts(Collection<String> texts) {
        TreeSet<Integer> codePoints = new TreeSet<>();
        texts.forEach(text -> text.codePoints().forEach(codePoints::add));
        List<String> vocabulary = new ArrayList<>(SPECIALS);
        codePoints.forEach(cp -> vocabulary.add(new String(Character.toChars(cp))));
        return new CharTokenizer(vocabulary);
    }

    /** Rebuilds a tokenizer from a saved vocabulary (special tokens first). */
    public static CharTokenizer fromVocabulary(List<String> vocabulary) {
        return new CharTokenizer(vocabulary);
    }

    public List<String> vocabulary() {
        return vocabulary;
    }

    public int vocabularySize() {
        return vocabulary.size();
    }

    /** The characters of {@code text} that have no token, each listed once. */
    public List<String> unknownCharacters(String text) {
        LinkedHashSet<String> unknown = new LinkedHashSet<>();
        text.codePoints().filter(cp -> !idsByCodePoint.containsKey(cp))
                .forEach(cp -> unknown.add(new String(Character.toChars(cp))));
        return List.copyOf(unknown);
    }

    /** Token ids of the characters of {@code text}, without special tokens. */
    public int[] encode(String text) {
        List<String> unknown = unknownCharacters(text);
        if (!unknown.isEmpty()) {
            throw new UnknownCharactersException(unknown);
        }
        return text.codePoints().map(idsByCodePoint::get).toArray();
    }

    /** {@code <bos> prompt <sep>}: what the model reads before it answers. */
    public int[] encodePrompt(String prompt) {
        int[] text = encode(prompt);
        int[] ids = new int[text.length + 2];
        ids[0] = BOS_ID;
        System.arraycopy(text, 0, ids, 1, text.length);
        ids[ids.length - 1] = SEP_ID;
        return ids;
    }

    /** {@code answer <eos>}: what the model learns to write. */
    public int[] encodeAnswer(String answer) {
        int[] text = encode(answer);
        int[] ids = new int[text.length + 1];
        System.arraycopy(text, 0, ids, 0, text.length);
        ids[ids.length - 1] = EOS_ID;
        return ids;
    }

    /** The text of the given ids; special tokens are left out. */
    public String decode(int[] ids) {
        StringBuilder text = new StringBuilder();
        for (int id : ids) {
            if (id >= SPECIALS.size() && id < vocabulary.size()) {
                text.append(vocabulary.get(id));
            }
        }
        return text.toString();
    }

    /** The text of one token id; empty for special tokens. */
    public String decode(int id) {
        return decode(new int[] {id});
    }
}
