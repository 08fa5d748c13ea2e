package io.seemore.datasets;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The built-in synthetic dataset: scenes of coloured shapes, each with its caption (empty prompt)
 * and a few questions. The train and test splits come from different random streams of one seed
 * and never share a scene.
 */
public final class ShapesDataset {

    public static final String NAME = "shapes";
    private static final long TEST_STREAM = 0x5eed_7e57L;

    private ShapesDataset() {}

    public static DatasetSplits generate(int trainImages, int testImages, long seed) {
        List<ShapesScene> train = scenes(trainImages, new SplittableRandom(seed), Set.of());
        Set<List<ShapesScene.Item>> seen = new HashSet<>();
        train.forEach(scene -> seen.add(scene.items()));
        List<ShapesScene> test = scenes(testImages, new SplittableRandom(seed ^ TEST_STREAM), seen);
        return new DatasetSplits(toDataset(NAME + "-train", train, seed), toDataset(NAME + "-test", test, seed));
    }

    private static List<ShapesScene> scenes(int count, SplittableRandom random, Set<List<ShapesScene.Item>> excluded) {
        List<ShapesScene> scenes = new ArrayList<>(count);
        while (scenes.size() < count) {
            ShapesScene scene = ShapesScene.random(random);
            if (!excluded.contains(scene.items())) {
                scenes.add(scene);
            }
        }
        return scenes;
    }

    private static VlmDataset toDataset(String name, List<ShapesScene> scenes, long seed) {
        SplittableRandom questionRandom = new SplittableRandom(seed + name.hashCode());
        List<ImageSource> images = new ArrayList<>();
        List<Example> examples = new ArrayList<>();
        for (int i = 0; i < scenes.size(); i++) {
            ShapesScene scene = scenes.get(i);
            images.add(scene::render);
            examples.add(new Example(i, "", scene.caption()));
            examples.addAll(scene.questions(i, questionRandom));
        }
        return new VlmDataset(name, images, examples);
    }
}
