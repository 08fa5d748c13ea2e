package io.seemore.training;

import ai.djl.ndarray.NDManager;
import io.seemore.datasets.DatasetFormatException;
import io.seemore.datasets.DatasetManifest;
import io.seemore.datasets.DatasetService;
import io.seemore.datasets.DatasetSplits;
import io.seemore.datasets.ImageSource;
import io.seemore.generation.InvalidRequestException;
import io.seemore.model.Checkpoint;
import io.seemore.model.ModelConfig;
import io.seemore.model.VisionLanguageModel;
import io.seemore.registry.ModelRegistry;
import io.seemore.registry.UnknownModelException;
import io.seemore.tokenizer.CharTokenizer;
import java.io.IOException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/** A job request made concrete: its data, tokenizer, network and training options. */
record JobPlan(DatasetSplits data, CharTokenizer tokenizer, VisionLanguageModel model, TrainingOptions options) {

    /** The default preset for images over {@link #COMPACT_SIDE} px, and the larger of the two defaults. */
    static final String DEFAULT_PRESET = "small";
    /** The default preset for images up to {@link #COMPACT_SIDE} px. */
    static final String COMPACT_PRESET = "compact";
    /** Images up to this side (digits, clothes, icons) get the compact preset by default. */
    static final int COMPACT_SIDE = 64;
    static final int DEFAULT_BATCH = 64;
    /** Training images whose sizes choose the default preset and input shape. */
    static final int SAMPLED_IMAGES = 64;
    /** Images within this aspect ratio of square keep the preset's square input. */
    static final double SQUARE_ENOUGH = 1.25;
    /** The longest side of a non-square input, in short sides: it costs up to this many times the square one. */
    static final int LONGEST_GRID = 2;
    /** Without steps, epochs or maxMinutes a job sees about this many examples (within the epoch bounds). */
    static final int DEFAULT_EXAMPLES_SEEN = 150_000;
    /**
     * Training sets up to this size are seen 15 times or more by default, and then random shifts pay
     * (README, "Real data": MNIST digits at 5,400 rows, Fashion-MNIST at 9,000, but not at 18,000).
     */
    static final int SMALL_DATASET = 10_000;
    /**
     * The default augmentation of a small training set: a shift of 0.06 of each side (0.04 and 0.08
     * did less). On top of it, zooms and rotations did not help handwritten digits; an elastic warp
     * helped them but cost clothes photos points (README "Why the elastic warp").
     */
    static final Augmentation SMALL_DATASET_AUGMENTATION = new Augmentation(0.06f, 0, 0, 0, 0);
    /**
     * The default augmentation of a small set of {@link LineDrawings}: the shift and an elastic warp of
     * 0.08, which took MNIST digit pairs from 95.9-96.6% to 97.0-97.5% (0.12 did less on single digits).
     */
    static final Augmentation SMALL_DRAWINGS_AUGMENTATION = new Augmentation(0.06f, 0, 0, 0.08f, 0);
    /**
     * What a small training set sees by default: shifted, each pass differs, and 5,400 rows of MNIST
     * digits went on learning from 2,344 steps (150,000 examples) to about 4,000 (README, "Real data").
     */
    static final int SMALL_DATASET_EXAMPLES_SEEN = 250_000;
    static final int MIN_DEFAULT_EPOCHS = 3;
    static final int MAX_DEFAULT_EPOCHS = 50;
    static final int DEFAULT_EVAL_EXAMPLES = 100;
    static final int MAX_STEPS = 10_000_000;
    /** A week. */
    static final double MAX_MINUTES = 7 * 24 * 60;

    /**
     * Refuses a request that cannot run, naming the field, or that would not fit {@code memoryBudget};
     * cheap, so it runs before queueing.
     */
    static void check(TrainingJobRequest request, DatasetService datasets, ModelRegistry registry, long memoryBudget) {
        requireDataset(datasets, request.datasetId());
        ModelConfig config;
        if (request.baseModelId() != null) {
            try {
                config = registry.version(request.baseModelId()).config();
            } catch (UnknownModelException e) {
                throw new InvalidRequestException("baseModelId", e.getMessage());
            }
        } else {
            try {
                // The default is chosen from the images later; the larger one is checked here.
                config = ModelConfig.preset(request.preset() == null ? DEFAULT_PRESET : request.preset(), 1);
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
        requireMemory(config, options(request, 1, OptimizerDefaults.GENERAL, Augmentation.NONE).batchSize(),
                memoryBudget);
    }

    /** Refuses a network and batch whose estimated training memory is over {@code memoryBudget}. */
    static void requireMemory(ModelConfig config, int batchSize, long memoryBudget) {
        long estimate = TrainingMemory.estimate(config, batchSize);
        if (estimate > memoryBudget) {
            throw new TrainingExceptions.OverMemoryBudget(estimate, memoryBudget,
                    TrainingMemory.largestBatch(config, memoryBudget));
        }
    }

    /** A dataset named by a request body's {@code datasetId}: a 400 naming the field when missing or unknown. */
    static void requireDataset(DatasetService datasets, String datasetId) {
        if (datasetId == null || datasetId.isBlank()) {
            throw new InvalidRequestException("datasetId", "datasetId is required");
        }
        try {
            datasets.get(datasetId);
        } catch (RuntimeException e) {
            throw new InvalidRequestException("datasetId", e.getMessage());
        }
    }

    /**
     * Loads the data and builds the network; refuses it, as {@link #check} does, when the input chosen
     * from the images (up to {@value #LONGEST_GRID} times the square one {@code check} estimates)
     * would not fit {@code memoryBudget}.
     */
    static JobPlan prepare(TrainingJobRequest request, DatasetService datasets, ModelRegistry registry,
            NDManager manager, long memoryBudget) throws IOException, DatasetFormatException {
        DatasetSplits data = datasets.splits(request.datasetId());
        int trainExamples = data.train().examples().size();
        Set<String> texts = Stream.concat(data.train().texts(), data.test().texts()).collect(Collectors.toSet());
        CharTokenizer tokenizer;
        VisionLanguageModel model;
        OptimizerDefaults optimizer = OptimizerDefaults.GENERAL;
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
            ImageShapes shapes = ImageShapes.of(data);
            String preset = preset(request, shapes);
            model = VisionLanguageModel.create(config(preset, shapes, tokenizer.vocabularySize()), manager);
            optimizer = OptimizerDefaults.of(preset, trainExamples);
        }
        // Only the elastic default of a small set depends on the kind of image, so only it pays for the look.
        boolean lineDrawings = small(trainExamples) && request.elastic() == null
                && LineDrawings.are(sample(data), model.config());
        TrainingOptions options = options(request, trainExamples, optimizer,
                defaultAugmentation(trainExamples, lineDrawings));
        requireMemory(model.config(), options.batchSize(), memoryBudget);
        return new JobPlan(data, tokenizer, model, options);
    }

    /** The request's preset; by default compact for small images and small otherwise. */
    static String preset(TrainingJobRequest request, ImageShapes shapes) {
        return request.preset() != null ? request.preset()
                : shapes.largestSide() > 0 && shapes.largestSide() <= COMPACT_SIDE ? COMPACT_PRESET : DEFAULT_PRESET;
    }

    /**
     * Peak learning rate and weight decay for a request that gives neither. compact's one-block
     * transformers take 1e-3 on a small training set (shifted, seen 15 times or more: MNIST digits)
     * and on a larger one 1.5e-3 with a weight decay of 0.1 (Fashion-MNIST's 36,000 rows, about ten
     * passes in 15 minutes: 0.01 let the validation loss rise over the last third, 0.1 kept it lower
     * and raised single items and pairs, README "Real data"); the deeper presets and fine-tuning 2e-3
     * with 0.01.
     */
    record OptimizerDefaults(float learningRate, float weightDecay) {

        static final OptimizerDefaults GENERAL = new OptimizerDefaults(2e-3f, 0.01f);

        static OptimizerDefaults of(String preset, int trainExamples) {
            if (!COMPACT_PRESET.equalsIgnoreCase(preset)) {
                return GENERAL;
            }
            return small(trainExamples) ? new OptimizerDefaults(1e-3f, 0.01f) : new OptimizerDefaults(1.5e-3f, 0.1f);
        }
    }

    /**
     * The network of a new job: the preset, and for images that are all wider (or all taller) than
     * square an input that keeps the preset's short side and takes their shape along the other, up
     * to {@value #LONGEST_GRID}:1 (each image letterboxed into it), so that an object has the
     * preset's resolution alone or beside another.
     */
    static ModelConfig config(String preset, ImageShapes shapes, int vocabularySize) {
        ModelConfig config = ModelConfig.preset(preset, vocabularySize);
        double aspect = shapes.boundingAspect();
        if (Math.abs(Math.log(aspect)) < Math.log(SQUARE_ENOUGH)) {
            return config;
        }
        int side = config.imageHeight() / config.patchSize();
        int longSide = (int) Math.round(side * Math.min(LONGEST_GRID, Math.max(aspect, 1 / aspect)));
        return aspect > 1
                ? config.withPatchGrid(side, longSide, ModelConfig.ImageFit.LETTERBOX)
                : config.withPatchGrid(longSide, side, ModelConfig.ImageFit.LETTERBOX);
    }

    /**
     * Sizes of the sampled training images.
     *
     * @param largestSide the longest side seen (0 when none decoded)
     * @param widest the largest width / height
     * @param tallest the smallest width / height
     */
    record ImageShapes(int largestSide, double widest, double tallest) {

        static ImageShapes of(DatasetSplits data) {
            int largest = 0;
            double widest = 0;
            double tallest = Double.MAX_VALUE;
            for (var image : sample(data)) {
                try {
                    var decoded = image.load();
                    largest = Math.max(largest, Math.max(decoded.getWidth(), decoded.getHeight()));
                    double aspect = decoded.getWidth() / (double) decoded.getHeight();
                    widest = Math.max(widest, aspect);
                    tallest = Math.min(tallest, aspect);
                } catch (io.seemore.datasets.InvalidImageException e) {
                    // Training reports it, with the image's number.
                }
            }
            return largest == 0 ? new ImageShapes(0, 1, 1) : new ImageShapes(largest, widest, tallest);
        }

        /** The shape every image fits without shrinking more than it must: square when they differ in both ways. */
        double boundingAspect() {
            if (tallest >= 1) {
                return widest;
            }
            return widest <= 1 ? tallest : 1;
        }
    }

    /**
     * Up to {@value #SAMPLED_IMAGES} training images evenly spread over the split, whose looks choose
     * defaults: a file sorted by kind (single items, then pairs) or by class is seen whole.
     */
    private static List<ImageSource> sample(DatasetSplits data) {
        List<ImageSource> images = data.train().images();
        int count = Math.min(SAMPLED_IMAGES, images.size());
        return IntStream.range(0, count).mapToObj(i -> images.get((int) ((long) i * images.size() / count))).toList();
    }

    /** Passes over a dataset of {@code trainExamples} when a request gives no length. */
    static double defaultEpochs(int trainExamples) {
        int examplesSeen = small(trainExamples) ? SMALL_DATASET_EXAMPLES_SEEN : DEFAULT_EXAMPLES_SEEN;
        return Math.max(MIN_DEFAULT_EPOCHS, Math.min(MAX_DEFAULT_EPOCHS,
                examplesSeen / (double) Math.max(1, trainExamples)));
    }

    /**
     * The augmentation of a request that gives none: for a small training set {@link #SMALL_DATASET_AUGMENTATION},
     * and for one of {@link LineDrawings} {@link #SMALL_DRAWINGS_AUGMENTATION}.
     */
    static Augmentation defaultAugmentation(int trainExamples, boolean lineDrawings) {
        if (!small(trainExamples)) {
            return Augmentation.NONE;
        }
        return lineDrawings ? SMALL_DRAWINGS_AUGMENTATION : SMALL_DATASET_AUGMENTATION;
    }

    /** The request's augmentation, each change it does not give from {@code defaults}. */
    private static Augmentation augmentation(TrainingJobRequest request, Augmentation defaults) {
        return new Augmentation(
                request.shift() == null ? defaults.shift() : request.shift(),
                request.rotation() == null ? defaults.rotation() : request.rotation(),
                request.zoom() == null ? defaults.zoom() : request.zoom(),
                request.elastic() == null ? defaults.elastic() : request.elastic(),
                request.colourJitter() == null ? defaults.colourJitter() : request.colourJitter());
    }

    /** Whether a training split of {@code trainExamples} gets the small-set defaults (shift, length, optimizer). */
    private static boolean small(int trainExamples) {
        return trainExamples <= SMALL_DATASET;
    }

    /**
     * The options of a request for {@code trainExamples}, {@code optimizer}'s and {@code augmentation}'s
     * where it gives none.
     */
    static TrainingOptions options(TrainingJobRequest request, int trainExamples, OptimizerDefaults optimizer,
            Augmentation augmentation) {
        int batch = request.batchSize() == null ? DEFAULT_BATCH : request.batchSize();
        if (batch < 1 || batch > 1024) {
            throw new InvalidRequestException("batchSize", "batchSize must be between 1 and 1024");
        }
        Duration budget = null;
        if (request.maxMinutes() != null) {
            if (!(request.maxMinutes() > 0 && request.maxMinutes() <= MAX_MINUTES)) {
                throw new InvalidRequestException("maxMinutes", "maxMinutes must be above 0 and at most " + MAX_MINUTES);
            }
            budget = Duration.ofMillis(Math.round(request.maxMinutes() * 60_000));
        }
        int steps = request.steps() != null ? request.steps()
                : request.epochs() != null ? epochsToSteps(request.epochs(), trainExamples, batch)
                : budget != null ? MAX_STEPS
                : epochsToSteps(defaultEpochs(trainExamples), trainExamples, batch);
        if (steps < 1 || steps > MAX_STEPS) {
            throw new InvalidRequestException("steps", "steps must be between 1 and " + MAX_STEPS);
        }
        // Intervals of 0 mean each tenth of the time budget; with a step count, each tenth of it.
        int tenth = budget != null ? 0 : Math.max(1, steps / 10);
        int warmup = Math.min(100, Math.max(1, (budget != null ? 1000 : steps) / 10));
        try {
            return new TrainingOptions(steps, batch,
                    request.learningRate() == null ? optimizer.learningRate() : request.learningRate(),
                    request.warmupSteps() == null ? warmup : request.warmupSteps(),
                    request.weightDecay() == null ? optimizer.weightDecay() : request.weightDecay(),
                    request.gradientClip() == null ? 1f : request.gradientClip(),
                    request.evalInterval() == null ? tenth : request.evalInterval(),
                    request.checkpointInterval() == null ? tenth : request.checkpointInterval(),
                    request.seed() == null ? 42 : request.seed(),
                    trainable(request),
                    augmentation(request, augmentation),
                    budget,
                    request.evalExamples() == null ? DEFAULT_EVAL_EXAMPLES : request.evalExamples());
        } catch (IllegalArgumentException e) {
            String message = e.getMessage();
            throw new InvalidRequestException(message.substring(0, message.indexOf(' ')), message);
        }
    }

    private static int epochsToSteps(double epochs, int trainExamples, int batch) {
        return (int) Math.max(1, Math.min(MAX_STEPS, Math.ceil(epochs * trainExamples / batch)));
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
