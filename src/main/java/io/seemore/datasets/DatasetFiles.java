package io.seemore.datasets;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the two dataset file formats. Every image is decoded once to check it; bad rows are all
 * collected and reported by line number, and nothing is returned unless every row is good.
 * <ul>
 *   <li>CSV, the blog's format: a header with {@code b64string_images} (base64 PNG or JPEG) and
 *       {@code caption}; each row is a caption example (empty prompt).</li>
 *   <li>JSONL: one {@code {"image": ..., "prompt": ..., "answer": ...}} object per line; the image
 *       is a path relative to the file, a base64 string or a {@code data:} URL.</li>
 * </ul>
 */
public final class DatasetFiles {

    static final String CSV_IMAGE = "b64string_images";
    static final String CSV_CAPTION = "caption";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private DatasetFiles() {}

    /** Reads a {@code .csv} or {@code .jsonl} file, chosen by its extension. */
    public static VlmDataset read(Path file) throws IOException, DatasetFormatException {
        return read(file, ImageLimits.DEFAULT);
    }

    public static VlmDataset read(Path file, ImageLimits limits) throws IOException, DatasetFormatException {
        return read(file, new Rows(true, limits));
    }

    /**
     * Checks every row of a file as a stream, without keeping its images in memory (for uploads of
     * any size); the dataset it returns has the rows but no loadable images.
     */
    public static VlmDataset validate(Path file, ImageLimits limits) throws IOException, DatasetFormatException {
        return read(file, new Rows(false, limits));
    }

    private static VlmDataset read(Path file, Rows rows) throws IOException, DatasetFormatException {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        try {
            if (name.endsWith(".csv")) {
                readCsv(file, rows);
            } else if (name.endsWith(".jsonl")) {
                readJsonl(file, rows);
            } else {
                rows.fail(0, "unknown format: the file name must end in .csv or .jsonl");
            }
        } catch (CharacterCodingException e) {
            // The JSONL reader throws it; the CSV parser's wrapped one is unwrapped in readCsv.
            rows.fail(0, "the file is not UTF-8 text");
        }
        return rows.toDataset(file);
    }

    private static void readCsv(Path file, Rows rows) throws IOException {
        CSVFormat format = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
                CSVParser parser = CSVParser.parse(reader, format)) {
            if (!parser.getHeaderNames().contains(CSV_IMAGE) || !parser.getHeaderNames().contains(CSV_CAPTION)) {
                rows.fail(1, "the header must name the columns " + CSV_IMAGE + " and " + CSV_CAPTION);
                return;
            }
            for (CSVRecord record : parser) {
                long line = record.getRecordNumber() + 1;
                if (!record.isConsistent()) {
                    rows.fail(line, "expected " + parser.getHeaderNames().size() + " columns, found " + record.size());
                    continue;
                }
                rows.add(line, base64(record.get(CSV_IMAGE)), "", record.get(CSV_CAPTION));
            }
        } catch (IllegalStateException | java.io.UncheckedIOException e) {
            if (e.getCause() instanceof CharacterCodingException coding) {
                throw coding;
            }
            rows.fail(0, "not a valid CSV file (a quoted field is not closed, or text follows a closing quote)");
        }
    }

    private static void readJsonl(Path file, Rows rows) throws IOException {
        Path directory = file.toAbsolutePath().getParent();
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            long line = 0;
            for (String text = reader.readLine(); text != null; text = reader.readLine()) {
                line++;
                if (text.isBlank()) {
                    continue;
                }
                JsonNode row;
                try {
                    row = JSON.readTree(text);
                } catch (JacksonException e) {
                    rows.fail(line, "not valid JSON");
                    continue;
                }
                if (!row.isObject() || !row.path("image").isString() || !row.path("answer").isString()
                        || !(row.path("prompt").isString() || row.path("prompt").isMissingNode())) {
                    rows.fail(line, "expected {\"image\": string, \"prompt\": string, \"answer\": string}");
                    continue;
                }
                rows.add(line, jsonImage(directory, row.get("image").asString()), row.path("prompt").asString(""),
                        row.get("answer").asString());
            }
        }
    }

    private static byte[] jsonImage(Path directory, String image) {
        if (image.startsWith("data:")) {
            int comma = image.indexOf(',');
            return comma < 0 || !image.substring(0, comma).endsWith(";base64") ? null : base64(image.substring(comma + 1));
        }
        Path path = directory.resolve(image).normalize();
        if (path.startsWith(directory) && Files.isRegularFile(path)) {
            try {
                return Files.readAllBytes(path);
            } catch (IOException e) {
                return null;
            }
        }
        return base64(image);
    }

    private static byte[] base64(String text) {
        try {
            return Base64.getMimeDecoder().decode(text.trim());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static final ImageSource NOT_KEPT = () -> {
        throw new InvalidImageException("the image was checked, not kept: read the file to load it");
    };

    /** Rows gathered so far and the errors found. */
    private static final class Rows {
        private final boolean keepImages;
        private final ImageLimits limits;
        private final List<ImageSource> images = new ArrayList<>();
        private final List<Example> examples = new ArrayList<>();
        private final List<DatasetFormatException.RowError> errors = new ArrayList<>();

        Rows(boolean keepImages, ImageLimits limits) {
            this.keepImages = keepImages;
            this.limits = limits;
        }

        void fail(long line, String message) {
            errors.add(new DatasetFormatException.RowError(line, message));
        }

        void add(long line, byte[] imageBytes, String prompt, String answer) {
            if (imageBytes == null || imageBytes.length == 0) {
                fail(line, "image is neither base64 nor a file next to the dataset");
                return;
            }
            if (answer.isBlank()) {
                fail(line, "the answer is empty");
                return;
            }
            try {
                ImagePreprocessor.decode(imageBytes, limits);
            } catch (InvalidImageException e) {
                fail(line, "image: " + e.getMessage());
                return;
            }
            examples.add(new Example(images.size(), prompt, answer));
            images.add(keepImages ? () -> ImagePreprocessor.decode(imageBytes, limits) : NOT_KEPT);
        }

        VlmDataset toDataset(Path file) throws DatasetFormatException {
            if (!errors.isEmpty()) {
                throw new DatasetFormatException(file.getFileName().toString(), errors);
            }
            if (examples.isEmpty()) {
                throw new DatasetFormatException(file.getFileName().toString(),
                        List.of(new DatasetFormatException.RowError(1, "the file has no rows")));
            }
            return new VlmDataset(file.getFileName().toString(), images, examples);
        }
    }
}
