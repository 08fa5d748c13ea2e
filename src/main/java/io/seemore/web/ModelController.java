package io.seemore.web;

import io.seemore.registry.ModelRegistry;
import io.seemore.registry.ModelVersion;
import io.seemore.training.EvaluationReport;
import io.seemore.training.EvaluationRequest;
import io.seemore.training.EvaluationService;
import io.swagger.v3.oas.annotations.Operation;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Model versions: list, show, evaluate, and choose the one /generate serves. */
@RestController
@RequestMapping("/api/models")
public class ModelController {

    private final ModelRegistry registry;
    private final EvaluationService evaluations;

    public ModelController(ModelRegistry registry, EvaluationService evaluations) {
        this.registry = registry;
        this.evaluations = evaluations;
    }

    /** A version and whether it is the one being served. */
    public record ModelView(ModelVersion model, boolean active) {}

    @GetMapping
    public List<ModelView> list() {
        return registry.versions().stream().map(this::view).toList();
    }

    @GetMapping("/{id}")
    public ModelView get(@PathVariable String id) {
        return view(registry.version(id));
    }

    @Operation(summary = "Serve this version", description = "Takes effect for the next request, without a restart; "
            + "requests already running finish on the model they started with.")
    @PostMapping("/{id}/activate")
    public ModelView activate(@PathVariable String id) {
        return view(registry.activate(id));
    }

    @Operation(summary = "Score this version on a dataset", description = "Greedy answers to the dataset's "
            + "examples (its held-out tenth by default): exact match, character error rate, and some mistakes. "
            + "Synchronous; one evaluation runs at a time (503 with Retry-After otherwise).")
    @PostMapping("/{id}/evaluate")
    public EvaluationReport evaluate(@PathVariable String id, @RequestBody EvaluationRequest request) {
        return evaluations.evaluate(id, request);
    }

    private ModelView view(ModelVersion version) {
        boolean active = registry.active().map(m -> m.id().equals(version.id())).orElse(false);
        return new ModelView(version, active);
    }
}
