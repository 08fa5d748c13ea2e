package io.seemore.datasets;

/** Finds a dataset by name: the built-in {@code shapes} generator for now. */
public final class Datasets {

    private Datasets() {}

    public static DatasetSplits load(String name, int trainImages, int testImages, long seed) {
        if (name.equals(ShapesDataset.NAME)) {
            return ShapesDataset.generate(trainImages, testImages, seed);
        }
        throw new IllegalArgumentException("unknown dataset '" + name + "'");
    }
}
