package io.seemore.datasets;

import java.time.Instant;

/**
 * What is known about a stored dataset.
 *
 * @param id its id
 * @param name the name given at upload (or the generator's)
 * @param format {@code csv}, {@code jsonl} or {@code shapes} (generated, from size and seed)
 * @param images number of images
 * @param examples number of (prompt, answer) rows
 * @param trainExamples rows in the training split
 * @param testExamples rows in the held-out split
 * @param seed the generator's seed ({@code shapes} only)
 * @param createdAt when it was stored
 */
public record DatasetManifest(
        String id, String name, String format, int images, int examples, int trainExamples, int testExamples,
        Long seed, Instant createdAt) {

    public boolean generated() {
        return ShapesDataset.NAME.equals(format);
    }
}
