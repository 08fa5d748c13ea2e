package io.seemore.datasets;

import java.util.List;
import java.util.stream.Stream;

/** Images and the (prompt, answer) examples about them. */
public record VlmDataset(String name, List<ImageSource> images, List<Example> examples) {

    public VlmDataset {
        images = List.copyOf(images);
        examples = List.copyOf(examples);
        for (Example example : examples) {
            if (example.image() < 0 || example.image() >= images.size()) {
                throw new IllegalArgumentException("example refers to missing image " + example.image());
            }
        }
    }

    /** Every text of the dataset, for building a vocabulary. */
    public Stream<String> texts() {
        return examples.stream().flatMap(e -> Stream.of(e.prompt(), e.answer()));
    }
}
