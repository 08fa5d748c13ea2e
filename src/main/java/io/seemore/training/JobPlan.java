package io.seemore.training;

import ai.djl.ndarray.NDManager;
import io.seemore.datasets.DatasetFormatException;
import io.seemore.datasets.DatasetManifest;
import io.seemore.datasets.DatasetService;
import io.seemore.datasets.DatasetSplits;
import io.seemore.generation.InvalidRequestException;
import io.seemore.model.Checkpoint;
import io.seemore.model.ModelConfig;
import io.seemore.model.VisionLanguageModel;
import io.seemore.registry.ModelRegistry;
import io.seemore.registry.UnknownModelException;
import io.seemore.tokenizer.CharTokenizer;
import java.io.IOException;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** A job request made concrete: its data, tokenizer, network and training options. */
record JobPlan(DatasetSplits data, CharTokenizer tokenizer, VisionLanguageModel model, TrainingOptions options) {

    static final String DEFAULT_PRESET = "small";
    static final int DEFAULT_STEPS = 500;

    /**
     * Refuses a request that cannot run, naming the field, or that would not fit {@code memoryBudget};
     * cheap, so it runs before queueing.
     */
    static void check(TrainingJobRequest request, DatasetService datasets, ModelRegistry registry, long memoryBudget) {
        if (request.datasetId() == null || request.datasetId().isBlank()) {
            throw new InvalidRequestException("datasetId", "datasetId is required");
        }
        try {
            datasets.get(request.datasetId());
        } catch (RuntimeException e) {
            throw new InvalidRequestException("datasetId", e.getMessage());
        }
        ModelConfig config;
        if (request.baseModelId() != null) {
            try {
                config = registry.version(request.baseModelId()).config();
            } catch (UnknownModelException e) {
                throw new InvalidRequestException("baseModelId", e.getMessage());
            }
        } else {
            try {
                config = ModelConfig.preset(preset(request), 1);
            } catch (IllegalArgumentException e) {
                throw new InvalidRequestException("preset", e.getMessage());
            }
        }
        trainable(request);
        if (request.steps() != null && request.epochs() != null) {
            throw new InvalidRequestException("steps", "give steps or epochs, not both");
        }
        if (request.epochs() != null && !(request.epochs() > 0)) {
            throw new InvalidRequestException("epochs", "epochs must be positive");
        }
        TrainingOptions options = options(request, 1);
        long estimate = TrainingMemory.estimate(config, options.batchSize());
        if (estimate > memoryBudget) {
            throw new TrainingExceptions.OverMemoryBudget(estimate, memoryBudget,
                    TrainingMemory.largestBatch(config, memoryBudget));
        }
    }

    static JobPlan prepare(TrainingJobRequest request, DatasetService datasets, ModelRegistry registry,
            NDManager manager) throws IOException, DatasetFormatException {
        DatasetSplits data = datasets.splits(request.datasetId());
        Set<String> texts = Stream.concat(data.train().texts(), data.test().texts()).collect(Collectors.toSet());
        CharTokenizer tokenizer;
        VisionLanguageModel model;
        if (request.baseModelId() != null) {
            Checkpoint.Loaded base = registry.loadCheckpoint(request.baseModelId(), manager);
            tokenizer = CharTokenizer.fromVocabulary(base.vocabulary());
            List<String> unknown = tokenizer.unknownCharacters(String.join("", texts));
            if (!unknown.isEmpty()) {
                throw new IllegalArgumentException("the dataset has characters that base model "
                        + request.baseModelId() + " does not know: " + String.join(" ", unknown));
            }
            model = base.network();
        } else {
            tokenizer = CharTokenizer.fromTexts(texts);
            model = VisionLanguageModel.create(ModelConfig.preset(preset(request), tokenizer.vocabularySize()), manager);
        }
        return new JobPlan(data, tokenizer, model, options(request, data.train().examples().size()));
    }

    private static String preset(TrainingJobRequest request) {
        return request.preset() == null ? DEFAULT_PRESET : request.preset();
    }

    static TrainingOptions options(TrainingJobRequest request, int trainExamples) {
        int batch = request.batchSize() == null ? 32 : request.batchSize();
        if (batch < 1 || batch > 1024) {
            throw new InvalidRequestException("batchSize", "batchSize must be between 1 and 1024");
        }
        int steps = request.epochs() != null
                ? (int) Math.max(1, Math.ceil(request.epochs() * trainExamples / batch))
                : request.steps() == null ? DEFAULT_STEPS : request.steps();
        if (steps < 1 || steps > 10_000_000) {
            throw new InvalidRequestException("steps", "steps must be between 1 and 10000000");
        }
        int tenth = Math.max(1, steps / 10);
        try {
            return new TrainingOptions(steps, batch,
                    request.learningRate() == null ? 2e-3f : request.learningRate(),
                    request.warmupSteps() == null ? Math.min(100, tenth) : request.warmupSteps(),
                    request.weightDecay() == null ? 0.01f : request.weightDecay(),
                    request.gradientClip() == null ? 1f : request.gradientClip(),
                    request.evalInterval() == null ? tenth : request.evalInterval(),
                    request.checkpointInterval() == null ? tenth : request.checkpointInterval(),
                    request.seed() == null ? 42 : request.seed(),
                    trainable(request));
        } catch (IllegalArgumentException e) {
            String message = e.getMessage();
            throw new InvalidRequestException(message.substring(0, message.indexOf(' ')), message);
        }
    }

    private static EnumSet<TrainingOptions.Component> trainable(TrainingJobRequest request) {
        EnumSet<TrainingOptions.Component> components = EnumSet.noneOf(TrainingOptions.Component.class);
        if (request.trainable() == null || request.trainable().isEmpty()) {
            return EnumSet.allOf(TrainingOptions.Component.class);
        }
        for (String name : request.trainable()) {
            if (name == null) {
                throw new InvalidRequestException("trainable", "trainable holds null; the parts are vision_encoder, "
                        + "projector and decoder");
            }
            try {
                components.add(TrainingOptions.Component.valueOf(name.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new InvalidRequestException("trainable",
                        "trainable holds '" + name + "'; the parts are vision_encoder, projector and decoder");
            }
        }
        return components;
    }
}
