package io.seemore.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import io.seemore.datasets.DatasetFiles;
import io.seemore.datasets.Example;
import io.seemore.datasets.VlmDataset;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/** The digits benchmark's files: datasets the service reads, captioned by what is in each picture. */
class MnistCaptionsTest {

    private static final int SAMPLES = 10;

    /** Digit d's sample s is blank but for one lit pixel at row d, column s: its caption is checkable. */
    private static void writeDigits(Path directory) throws Exception {
        JsonMapper json = JsonMapper.builder().build();
        for (int digit = 0; digit < 10; digit++) {
            List<Double> pixels = new ArrayList<>();
            for (int sample = 0; sample < SAMPLES; sample++) {
                for (int i = 0; i < 28 * 28; i++) {
                    pixels.add(i == digit * 28 + sample ? 1.0 : 0.0);
                }
            }
            json.writeValue(directory.resolve(digit + ".json").toFile(), Map.of("data", pixels));
        }
    }

    private static int litRow(BufferedImage image, int left) {
        for (int y = 0; y < 28; y++) {
            for (int x = left; x < left + 28; x++) {
                if (image.getRaster().getSample(x, y, 0) > 0) {
                    return y;
                }
            }
        }
        throw new AssertionError("no lit pixel");
    }

    @Test
    void digitsBecomeSinglesAndTwoDigitNumbersCaptionedLeftToRight(@TempDir Path directory) throws Exception {
        writeDigits(directory);
        Path out = directory.resolve("digits.csv");
        MnistCaptions.main(new String[] {"--kind=digits", "--source=" + directory, "--set=train", "--singles=30",
                "--pairs=40", "--out=" + out});

        VlmDataset dataset = DatasetFiles.read(out);
        assertThat(dataset.examples()).hasSize(70);
        int singles = 0;
        for (Example example : dataset.examples()) {
            BufferedImage image = dataset.images().get(example.image()).load();
            if (image.getWidth() == 28) {
                singles++;
                assertThat(example.answer()).isEqualTo("a handwritten " + MnistCaptions.DIGIT_WORDS[litRow(image, 0)]);
            } else {
                assertThat(image.getWidth()).isEqualTo(56);
                assertThat(example.answer()).isEqualTo("the number " + litRow(image, 0) + litRow(image, 28));
            }
        }
        assertThat(singles).isEqualTo(30);
    }

    @Test
    void theTrainAndTestSetsShareNoImage(@TempDir Path directory) throws Exception {
        writeDigits(directory);
        List<String> images = new ArrayList<>();
        for (String set : List.of("train", "test")) {
            Path out = directory.resolve(set + ".csv");
            // All of a set's images, each once: 7 of each digit's 10 samples for training, 3 for testing.
            int count = set.equals("train") ? 70 : 30;
            MnistCaptions.main(new String[] {"--kind=digits", "--source=" + directory, "--set=" + set,
                    "--singles=" + count, "--pairs=0", "--out=" + out});
            List<String> rows = Files.readAllLines(out).subList(1, count + 1);
            assertThat(rows).doesNotHaveDuplicates();
            images.addAll(rows);
        }
        assertThat(images).hasSize(100).doesNotHaveDuplicates();
    }
}
