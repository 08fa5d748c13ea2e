package io.seemore.datasets;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** A training split and a held-out split that share no image. */
public record DatasetSplits(VlmDataset train, VlmDataset test) {

    /** The names {@link #named} knows. */
    public static final List<String> NAMES = List.of("held-out", "train", "all");

    /** The split called {@code held-out}, {@code train} or {@code all}. */
    public VlmDataset named(String name) {
        return switch (name) {
            case "held-out" -> test;
            case "train" -> train;
            case "all" -> all();
            default -> throw new IllegalArgumentException("split must be one of " + String.join(", ", NAMES));
        };
    }

    /** Both splits as one dataset: the training examples, then the held-out ones. */
    public VlmDataset all() {
        int offset = train.images().size();
        List<ImageSource> images = new ArrayList<>(train.images());
        images.addAll(test.images());
        List<Example> examples = Stream.concat(train.examples().stream(), test.examples().stream()
                .map(e -> new Example(e.image() + offset, e.prompt(), e.answer()))).toList();
        return new VlmDataset(train.name().replaceFirst("-train$", ""), images, examples);
    }
}
