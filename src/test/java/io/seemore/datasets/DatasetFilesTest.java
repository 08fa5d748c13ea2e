package io.seemore.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetFilesTest {

    @TempDir
    Path directory;

    private static byte[] image(String format, long seed) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(ShapesScene.random(new SplittableRandom(seed)).render(), format, out);
        return out.toByteArray();
    }

    private static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    @Test
    void theBlogsCsvFormatReadsAsCaptions() throws Exception {
        Path csv = directory.resolve("captions.csv");
        Files.writeString(csv, "b64string_images,caption\n"
                + base64(image("png", 1)) + ",\"one red circle, one blue square\"\n"
                + base64(image("jpg", 2)) + ",two green triangles\n");

        VlmDataset dataset = DatasetFiles.read(csv);
        assertThat(dataset.examples()).containsExactly(
                new Example(0, "", "one red circle, one blue square"), new Example(1, "", "two green triangles"));
        assertThat(dataset.images().get(1).load().getWidth()).isEqualTo(96);
    }

    @Test
    void badCsvRowsAreAllReportedWithTheirLineNumbers() throws Exception {
        Path csv = directory.resolve("bad.csv");
        Files.writeString(csv, "b64string_images,caption\n"
                + base64(image("png", 1)) + ",fine\n"
                + "%%%not-base64%%%,broken image\n"
                + base64("hello".getBytes()) + ",not an image\n"
                + base64(image("png", 3)) + ",\n");

        assertThatThrownBy(() -> DatasetFiles.read(csv))
                .isInstanceOfSatisfying(DatasetFormatException.class, e -> assertThat(e.errors())
                        .extracting(DatasetFormatException.RowError::line).containsExactly(3L, 4L, 5L))
                .hasMessageContaining("line 3").hasMessageContaining("line 5: the answer is empty");
    }

    @Test
    void aCsvWithoutTheBlogsColumnsIsRefused() throws Exception {
        Path csv = directory.resolve("columns.csv");
        Files.writeString(csv, "image,text\nabc,def\n");
        assertThatThrownBy(() -> DatasetFiles.read(csv)).isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("b64string_images");
    }

    @Test
    void jsonlRowsTakeRelativePathsBase64AndDataUrls() throws Exception {
        Files.write(directory.resolve("scene.png"), image("png", 4));
        Path jsonl = directory.resolve("qa.jsonl");
        Files.writeString(jsonl, "{\"image\": \"scene.png\", \"prompt\": \"how many shapes are there?\", \"answer\": \"2\"}\n"
                + "\n"
                + "{\"image\": \"" + base64(image("bmp", 5)) + "\", \"prompt\": \"\", \"answer\": \"one red circle\"}\n"
                + "{\"image\": \"data:image/gif;base64," + base64(image("gif", 6)) + "\", \"answer\": \"one blue square\"}\n");

        VlmDataset dataset = DatasetFiles.read(jsonl);
        assertThat(dataset.examples()).containsExactly(new Example(0, "how many shapes are there?", "2"),
                new Example(1, "", "one red circle"), new Example(2, "", "one blue square"));
        for (ImageSource source : dataset.images()) {
            assertThat(source.load().getHeight()).isEqualTo(96);
        }
    }

    @Test
    void badJsonlRowsAreReportedWithTheirLineNumbers() throws Exception {
        Path jsonl = directory.resolve("bad.jsonl");
        Files.writeString(jsonl, "{\"image\": \"missing.png\", \"answer\": \"x\"}\n"
                + "{not json}\n"
                + "{\"image\": \"../../etc/passwd\", \"answer\": \"x\"}\n"
                + "{\"image\": 3, \"answer\": \"x\"}\n");
        assertThatThrownBy(() -> DatasetFiles.read(jsonl))
                .isInstanceOfSatisfying(DatasetFormatException.class, e -> assertThat(e.errors())
                        .extracting(DatasetFormatException.RowError::line).containsExactly(1L, 2L, 3L, 4L));
    }

    @Test
    void fileDatasetsSplitByImageWithAHeldOutTenth() throws Exception {
        Path csv = directory.resolve("many.csv");
        StringBuilder rows = new StringBuilder("b64string_images,caption\n");
        for (int i = 0; i < 20; i++) {
            rows.append(base64(image("png", i))).append(",caption ").append(i).append('\n');
        }
        Files.writeString(csv, rows);
        DatasetSplits splits = Datasets.load(csv.toString(), 0, 0, 1);
        assertThat(splits.train().examples()).hasSize(18);
        assertThat(splits.test().examples()).hasSize(2);
        assertThat(splits.test().examples()).noneMatch(test -> splits.train().examples().stream()
                .anyMatch(train -> train.answer().equals(test.answer())));
    }
}
