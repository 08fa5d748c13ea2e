package io.seemore.training;

import ai.djl.ndarray.NDManager;
import io.seemore.datasets.DatasetFormatException;
import io.seemore.datasets.DatasetService;
import io.seemore.datasets.DatasetSplits;
import io.seemore.datasets.VlmDataset;
import io.seemore.generation.Generator;
import io.seemore.generation.InvalidRequestException;
import io.seemore.model.Checkpoint;
import io.seemore.registry.ModelRegistry;
import io.seemore.tokenizer.CharTokenizer;
import io.seemore.tokenizer.UnknownCharactersException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import org.springframework.stereotype.Service;

/**
 * Scores any model version on any dataset: the version's checkpoint is loaded on its own (the
 * served model is not touched), answers are greedy and batched, one evaluation at a time.
 */
@Service
public class EvaluationService {

    static final int DEFAULT_EXAMPLES = 1000;
    static final int MAX_EXAMPLES = 100_000;

    private final ModelRegistry registry;
    private final DatasetService datasets;
    private final Semaphore running = new Semaphore(1);

    public EvaluationService(ModelRegistry registry, DatasetService datasets) {
        this.registry = registry;
        this.datasets = datasets;
    }

    public EvaluationReport evaluate(String modelId, EvaluationRequest request) {
        registry.version(modelId);
        JobPlan.requireDataset(datasets, request.datasetId());
        String split = request.split() == null ? "held-out" : request.split().toLowerCase(Locale.ROOT);
        if (!DatasetSplits.NAMES.contains(split)) {
            throw new InvalidRequestException("split", "split must be held-out, train or all");
        }
        int maxExamples = request.maxExamples() == null ? DEFAULT_EXAMPLES : request.maxExamples();
        if (maxExamples < 1 || maxExamples > MAX_EXAMPLES) {
            throw new InvalidRequestException("maxExamples", "maxExamples must be between 1 and " + MAX_EXAMPLES);
        }
        if (!running.tryAcquire()) {
            throw new TrainingExceptions.EvaluationRunning();
        }
        try (NDManager manager = NDManager.newBaseManager();
                Checkpoint.Loaded model = registry.loadCheckpoint(modelId, manager)) {
            VlmDataset dataset = datasets.splits(request.datasetId()).named(split);
            Generator generator = new Generator(model.network(), CharTokenizer.fromVocabulary(model.vocabulary()));
            long start = System.nanoTime();
            Evaluation evaluation = Evaluation.run(generator, dataset, maxExamples, manager);
            return EvaluationReport.of(modelId, request.datasetId(), split, evaluation,
                    (System.nanoTime() - start) / 1e9);
        } catch (UnknownCharactersException e) {
            throw new InvalidRequestException("datasetId", "the dataset's prompts use characters model " + modelId
                    + " does not know: " + String.join(" ", e.characters()));
        } catch (DatasetFormatException e) {
            throw new InvalidRequestException("datasetId", e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            running.release();
        }
    }
}
