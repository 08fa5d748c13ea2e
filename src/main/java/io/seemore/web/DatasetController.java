package io.seemore.web;

import io.seemore.datasets.DatasetFormatException;
import io.seemore.datasets.DatasetManifest;
import io.seemore.datasets.DatasetService;
import io.seemore.datasets.Example;
import io.seemore.generation.InvalidRequestException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

/** Datasets: upload a CSV / JSONL file, or generate a {@code shapes} dataset; list, show, delete. */
@RestController
@RequestMapping("/api/datasets")
public class DatasetController {

    private static final int SAMPLE_ROWS = 5;

    private final DatasetService datasets;

    public DatasetController(DatasetService datasets) {
        this.datasets = datasets;
    }

    /** A request to generate a synthetic dataset. */
    public record GenerateDatasetRequest(
            @Schema(example = "shapes", description = "the generator; only shapes for now") String kind,
            @Schema(example = "200", description = "number of images") Integer size,
            @Schema(example = "7") Long seed,
            @Schema(example = "my-shapes") String name) {}

    /** A dataset with a few of its rows. */
    public record DatasetDetails(DatasetManifest dataset, List<Example> sampleRows) {}

    @Operation(summary = "Upload a dataset file",
            description = "The blog's CSV (b64string_images,caption) or JSONL rows {image, prompt, answer}. "
                    + "Validated whole before it is stored; bad rows are named by line number.")
    @PostMapping(consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    public ResponseEntity<DatasetManifest> upload(@RequestPart("file") MultipartFile file,
            @RequestParam(required = false) String name) throws IOException, DatasetFormatException {
        DatasetManifest manifest = datasets.upload(name, file.getOriginalFilename(), path -> {
            try {
                file.transferTo(path);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        return created(manifest);
    }

    @Operation(summary = "Generate a synthetic dataset", description = "{\"kind\": \"shapes\", \"size\": N, \"seed\": S}")
    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<DatasetManifest> generate(@RequestBody GenerateDatasetRequest request) {
        if (!"shapes".equals(request.kind())) {
            throw new InvalidRequestException("kind", "kind must be 'shapes'");
        }
        if (request.size() == null) {
            throw new InvalidRequestException("size", "size (number of images) is required");
        }
        try {
            return created(datasets.generateShapes(request.name(), request.size(),
                    request.seed() == null ? 0 : request.seed()));
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("size", e.getMessage());
        }
    }

    @GetMapping
    public List<DatasetManifest> list() {
        return datasets.list();
    }

    @GetMapping("/{id}")
    public DatasetDetails get(@PathVariable String id) throws IOException, DatasetFormatException {
        return new DatasetDetails(datasets.get(id), datasets.sample(id, SAMPLE_ROWS));
    }

    @DeleteMapping("/{id}")
    public ResponseEntity<Void> delete(@PathVariable String id) {
        datasets.delete(id);
        return ResponseEntity.noContent().build();
    }

    private static ResponseEntity<DatasetManifest> created(DatasetManifest manifest) {
        return ResponseEntity.created(URI.create("/api/datasets/" + manifest.id())).body(manifest);
    }
}
