package io.seemore.datasets;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** A training split and a held-out split that share no image. */
public record DatasetSplits(VlmDataset train, VlmDataset test) {

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
