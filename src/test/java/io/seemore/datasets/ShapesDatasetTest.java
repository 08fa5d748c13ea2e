package io.seemore.datasets;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ShapesDatasetTest {

    @Test
    void theSameSeedGivesTheSameDatasetAndTheSplitsShareNoScene() throws Exception {
        DatasetSplits first = ShapesDataset.generate(300, 100, 9);
        DatasetSplits second = ShapesDataset.generate(300, 100, 9);
        assertThat(first.train().examples()).isEqualTo(second.train().examples());
        assertThat(pixels(first.test().images().get(3).load())).isEqualTo(pixels(second.test().images().get(3).load()));

        Set<String> trainImages = first.train().images().stream().map(ShapesDatasetTest::hash).collect(Collectors.toSet());
        assertThat(first.test().images()).noneMatch(image -> trainImages.contains(hash(image)));
        assertThat(first.train().images()).hasSize(300);
        assertThat(first.test().images()).hasSize(100);
    }

    @Test
    void scenesHaveOneToFourShapesOfEveryKindAndColour() {
        SplittableRandom random = new SplittableRandom(1);
        List<ShapesScene> scenes = IntStream.range(0, 500).mapToObj(i -> ShapesScene.random(random)).toList();
        assertThat(scenes).allMatch(s -> s.items().size() >= 1 && s.items().size() <= 4);
        assertThat(scenes.stream().flatMap(s -> s.items().stream()).map(ShapesScene.Item::kind).distinct())
                .hasSize(ShapesScene.Kind.values().length);
        assertThat(scenes.stream().flatMap(s -> s.items().stream()).map(ShapesScene.Item::colour).distinct())
                .hasSize(ShapesScene.Colour.values().length);
        assertThat(scenes.stream().flatMap(s -> s.items().stream()).map(ShapesScene.Item::radius).distinct().count())
                .isGreaterThan(3);
    }

    @Test
    void captionsAreCanonicalAndQuestionsHaveTheRightAnswers() {
        ShapesScene scene = new ShapesScene(List.of(
                new ShapesScene.Item(ShapesScene.Kind.TRIANGLE, ShapesScene.Colour.YELLOW, 20, 20, 10),
                new ShapesScene.Item(ShapesScene.Kind.CIRCLE, ShapesScene.Colour.RED, 60, 20, 10),
                new ShapesScene.Item(ShapesScene.Kind.CIRCLE, ShapesScene.Colour.RED, 20, 60, 10),
                new ShapesScene.Item(ShapesScene.Kind.CIRCLE, ShapesScene.Colour.BLUE, 60, 60, 10)), 1);
        assertThat(scene.caption()).isEqualTo("two red circles, one blue circle and one yellow triangle");

        List<Example> questions = scene.questions(0, new SplittableRandom(2));
        assertThat(questions).contains(new Example(0, "how many shapes are there?", "4"));
        for (Example question : questions) {
            if (question.prompt().equals("how many circles are there?")) {
                assertThat(question.answer()).isEqualTo("3");
            }
            if (question.prompt().equals("what colour is the triangle?")) {
                assertThat(question.answer()).isEqualTo("yellow");
            }
        }
    }

    private static String hash(ImageSource source) {
        try {
            return java.util.Arrays.toString(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(pixelBytes(source.load())));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static int[] pixels(BufferedImage image) {
        return image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
    }

    private static byte[] pixelBytes(BufferedImage image) {
        int[] pixels = pixels(image);
        java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate(pixels.length * 4);
        buffer.asIntBuffer().put(pixels);
        return buffer.array();
    }
}
