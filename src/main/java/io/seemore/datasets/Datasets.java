package io.seemore.datasets;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Finds a dataset by name: the built-in {@code shapes} generator, or a CSV / JSONL file. */
public final class Datasets {

    /** Share of a file dataset's images held out for validation. */
    static final double HELD_OUT_SHARE = 0.1;

    private Datasets() {}

    /**
     * @param trainImages, testImages sizes of the generated splits ({@code shapes} only)
     */
    public static DatasetSplits load(String name, int trainImages, int testImages, long seed)
            throws IOException, DatasetFormatException {
        if (name.equals(ShapesDataset.NAME)) {
            return ShapesDataset.generate(trainImages, testImages, seed);
        }
        return split(DatasetFiles.read(Path.of(name)), seed);
    }

    /** Holds out a seeded tenth of the images (at least one when there are two or more). */
    public static DatasetSplits split(VlmDataset dataset, long seed) {
        int images = dataset.images().size();
        int heldOut = images < 2 ? 0 : Math.max(1, (int) Math.round(images * HELD_OUT_SHARE));
        boolean[] test = new boolean[images];
        SplittableRandom random = new SplittableRandom(seed);
        for (int chosen = 0; chosen < heldOut; ) {
            int image = random.nextInt(images);
            if (!test[image]) {
                test[image] = true;
                chosen++;
            }
        }
        return new DatasetSplits(subset(dataset, test, false, "-train"), subset(dataset, test, true, "-test"));
    }

    private static VlmDataset subset(VlmDataset dataset, boolean[] test, boolean wanted, String suffix) {
        List<ImageSource> images = new ArrayList<>();
        int[] newIndex = new int[test.length];
        for (int i = 0; i < test.length; i++) {
            if (test[i] == wanted) {
                newIndex[i] = images.size();
                images.add(dataset.images().get(i));
            }
        }
        List<io.seemore.datasets.Example> examples = dataset.examples().stream()
                .filter(e -> test[e.image()] == wanted)
                .map(e -> new io.seemore.datasets.Example(newIndex[e.image()], e.prompt(), e.answer()))
                .toList();
        return new VlmDataset(dataset.name() + suffix, images, examples);
    }
}
