package io.seemore.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.seemore.datasets.DatasetSplits;
import io.seemore.generation.Generator;
import io.seemore.model.Checkpoint;
import io.seemore.model.Engines;
import io.seemore.model.VisionLanguageModel;
import io.seemore.tokenizer.CharTokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.stream.IntStream;

/**
 * The training loop: random batches (augmented), masked cross-entropy on answer tokens, backward,
 * global-norm clipping, AdamW with warm-up and cosine decay over the steps or a time budget,
 * held-out evaluations (loss, exact match, character error rate) and checkpoints at intervals.
 * Every array of a step lives in that step's manager, so native memory stays flat.
 */
public final class TrainingRun {

    private static final ReentrantLock GRADIENT_COLLECTION = new ReentrantLock(true);

    /** Most held-out examples used for one validation-loss measurement. */
    private static final int VALIDATION_EXAMPLES = 512;

    private final VisionLanguageModel model;
    private final CharTokenizer tokenizer;
    private final TrainingOptions options;
    private final EncodedExamples train;
    private final EncodedExamples validation;
    private final Path checkpointDirectory;
    private final Map<String, Object> provenance;
    private final TrainingListener listener;
    /** Trainable parameters by a name that is stable across processes (optimizer state keys). */
    private final Map<String, Parameter> trainable = new LinkedHashMap<>();

    /**
     * @param checkpointDirectory where checkpoints are written (replaced each time), or null
     * @param provenance recorded in every checkpoint's training metadata (dataset, preset, ...)
     */
    public TrainingRun(VisionLanguageModel model, CharTokenizer tokenizer, DatasetSplits data,
            TrainingOptions options, Path checkpointDirectory, Map<String, Object> provenance,
            TrainingListener listener) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.options = options;
        this.train = new EncodedExamples(data.train(), tokenizer, model.config());
        this.validation = new EncodedExamples(data.test(), tokenizer, model.config());
        this.checkpointDirectory = checkpointDirectory;
        this.provenance = provenance;
        this.listener = listener;
        if (train.size() == 0) {
            throw new IllegalArgumentException("the training split has no examples");
        }
        selectTrainable();
    }

    private void selectTrainable() {
        for (TrainingOptions.Component component : TrainingOptions.Component.values()) {
            boolean learns = options.trainable().contains(component);
            for (var entry : block(component).getParameters()) {
                // Running statistics (batch norm) are parameters that no gradient updates.
                boolean updated = learns && entry.getValue().requiresGradient();
                entry.getValue().getArray().setRequiresGradient(updated);
                if (updated) {
                    trainable.put(component + "/" + entry.getKey(), entry.getValue());
                }
            }
        }
    }

    private Block block(TrainingOptions.Component component) {
        return switch (component) {
            case VISION_ENCODER -> model.visionEncoder();
            case PROJECTOR -> model.projector();
            case DECODER -> model.decoder();
        };
    }

    /** Runs to the last step, or until {@code cancelled} says so (checked before every step). */
    public TrainingResult run(NDManager manager, BooleanSupplier cancelled) {
        return run(manager, cancelled, 0, 0, () -> 0);
    }

    /**
     * Goes on from {@code completedSteps} (the network already holds that checkpoint's weights),
     * with the optimizer state saved beside the checkpoint when it belongs to the same step;
     * {@code completedNanos} of a time budget are already spent. Each step runs on as many intra-op
     * threads as {@code threads} says then (0: as the engine is set).
     */
    public TrainingResult run(NDManager manager, BooleanSupplier cancelled, int completedSteps, long completedNanos,
            IntSupplier threads) {
        Engine.getInstance().setRandomSeed((int) (options.seed() + completedSteps));
        SplittableRandom order = new SplittableRandom(options.seed() + completedSteps);
        // A stream of its own, so that the batch order is the same with or without augmentation.
        SplittableRandom augmentation = new SplittableRandom(~(options.seed() + completedSteps));
        ParameterStore parameters = new ParameterStore(manager, false);
        float loss = Float.NaN;
        HeldOutScore heldOut = null;
        long started = System.nanoTime() - completedNanos;
        long tokens = 0;
        double startProgress = options.progress(completedSteps, completedNanos);
        double progress = startProgress;
        int step = completedSteps;
        try (AdamW optimizer = new AdamW(manager)) {
            if (completedSteps > 0 && checkpointDirectory != null) {
                optimizer.restore(optimizerFile(), completedSteps);
            }
            while (step < options.steps() && progress < 1) {
                if (cancelled.getAsBoolean()) {
                    return new TrainingResult(step, loss, heldOut, true);
                }
                Engines.useThreads(threads.getAsInt());
                float learningRate = options.learningRateAt(step, progress);
                float gradientNorm;
                try (NDManager stepManager = manager.newSubManager()) {
                    EncodedExamples.Batch batch = train.batch(stepManager, sample(order), options.augmentation(),
                            augmentation);
                    loss = forwardAndBackward(parameters, batch);
                    if (!Float.isFinite(loss)) {
                        throw new TrainingDivergedException(step + 1, loss);
                    }
                    gradientNorm = applyGradients(optimizer, stepManager, learningRate, step + 1);
                    tokens += batch.inputs().getShape().size()
                            + (long) batch.inputs().getShape().get(0) * model.config().imageTokenCount();
                }
                step++;
                long elapsedNanos = System.nanoTime() - started;
                double previousProgress = progress;
                progress = options.progress(step, elapsedNanos);
                boolean last = step == options.steps() || progress >= 1;
                long elapsed = (elapsedNanos - completedNanos) / 1_000_000;
                double seconds = Math.max(elapsed, 1) / 1000.0;
                int stepsHere = step - completedSteps;
                int totalSteps = last ? step : expectedSteps(step, progress);
                listener.onStep(new TrainingListener.StepMetrics(step, totalSteps, loss, learningRate,
                        gradientNorm, tokens / seconds, stepsHere / seconds,
                        etaMillis(elapsed, progress, startProgress)));
                if (last || due(options.evalInterval(), step, previousProgress, progress)) {
                    HeldOutScore score = evaluate(manager, parameters, cancelled);
                    if (score == null || cancelled.getAsBoolean()) {
                        return new TrainingResult(step, loss, heldOut, true);
                    }
                    heldOut = score;
                    listener.onEvaluation(step, heldOut);
                }
                if (checkpointDirectory != null
                        && (last || due(options.checkpointInterval(), step, previousProgress, progress))) {
                    saveCheckpoint(step, System.nanoTime() - started, loss, heldOut);
                    optimizer.save(optimizerFile());
                }
            }
        }
        return new TrainingResult(step, loss, heldOut, false);
    }

    /** Time left at the pace so far: {@code elapsed} ms took the run from {@code startProgress} to {@code progress}. */
    private static long etaMillis(long elapsed, double progress, double startProgress) {
        return (long) (elapsed * Math.max(0, 1 - progress) / Math.max(progress - startProgress, 1e-9));
    }

    /** The run's length in steps: its step count, or what its time budget will allow at the pace so far. */
    private int expectedSteps(int done, double progress) {
        if (options.timeBudget() == null || progress <= 0) {
            return options.steps();
        }
        return (int) Math.min(options.steps(), Math.max(done, Math.round(done / progress)));
    }

    /** Every {@code interval} steps; with interval 0, at each tenth of a time budget. */
    private boolean due(int interval, int done, double previousProgress, double progress) {
        if (interval > 0) {
            return done % interval == 0;
        }
        return options.timeBudget() != null && (int) (progress * 10) > (int) (previousProgress * 10);
    }

    /** The optimizer's moments, kept beside the checkpoint so that a resumed run continues smoothly. */
    private Path optimizerFile() {
        return checkpointDirectory.resolveSibling(checkpointDirectory.getFileName() + ".optimizer");
    }

    private int[] sample(SplittableRandom order) {
        int[] indices = new int[options.batchSize()];
        for (int i = 0; i < indices.length; i++) {
            indices[i] = order.nextInt(train.size());
        }
        return indices;
    }

    /**
     * Computes the loss and its gradients. DJL's PyTorch engine allows one gradient collector per
     * process, so runs in parallel take turns here, a step at a time.
     */
    private float forwardAndBackward(ParameterStore parameters, EncodedExamples.Batch batch) {
        GRADIENT_COLLECTION.lock();
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray lossArray = loss(logits(parameters, batch, true), batch);
            collector.backward(lossArray);
            return lossArray.getFloat();
        } finally {
            GRADIENT_COLLECTION.unlock();
        }
    }

    private NDArray logits(ParameterStore parameters, EncodedExamples.Batch batch, boolean training) {
        boolean visionTraining = training && options.trainable().contains(TrainingOptions.Component.VISION_ENCODER);
        return model.logits(parameters, batch.images(), batch.inputs(), visionTraining, training);
    }

    /** Mean cross-entropy over the answer tokens of the batch. */
    private static NDArray loss(NDArray logits, EncodedExamples.Batch batch) {
        NDArray targetLogProbabilities = logits.logSoftmax(2).gather(batch.targets(), 2);
        return targetLogProbabilities.mul(batch.lossWeights()).sum().neg();
    }

    /** Clips by global norm (through the optimizer's gradient scale) and updates; returns the norm. */
    private float applyGradients(AdamW optimizer, NDManager stepManager, float learningRate, int step) {
        List<NDArray> gradients = new ArrayList<>(trainable.size());
        NDArray squaredNorm = null;
        for (Parameter parameter : trainable.values()) {
            NDArray gradient = parameter.getArray().getGradient();
            gradient.attach(stepManager);
            gradients.add(gradient);
            NDArray squares = gradient.square().sum();
            squaredNorm = squaredNorm == null ? squares : squaredNorm.add(squares);
        }
        float norm = (float) Math.sqrt(squaredNorm.getFloat());
        if (!Float.isFinite(norm)) {
            throw new TrainingDivergedException(step, norm);
        }
        float scale = options.gradientClip() > 0 && norm > options.gradientClip()
                ? options.gradientClip() / norm : 1f;
        optimizer.beginStep();
        int i = 0;
        for (var entry : trainable.entrySet()) {
            NDArray weight = entry.getValue().getArray();
            float decay = weight.getShape().dimension() >= 2 ? options.weightDecay() : 0f;
            optimizer.update(entry.getKey(), weight, gradients.get(i++), learningRate, decay, scale);
        }
        return norm;
    }

    /**
     * Loss and teacher-forced exact match over (up to) the first {@link #VALIDATION_EXAMPLES}
     * held-out examples, and greedy answers to the first {@code evalExamples}; null when cancelled
     * between batches.
     */
    private HeldOutScore evaluate(NDManager manager, ParameterStore parameters, BooleanSupplier cancelled) {
        Engines.withoutGradients();
        int count = Math.min(VALIDATION_EXAMPLES, validation.size());
        if (count == 0) {
            return new HeldOutScore(Float.NaN, Double.NaN, 0, null);
        }
        double weightedLoss = 0;
        long answerTokens = 0;
        long right = 0;
        for (int start = 0; start < count; start += options.batchSize()) {
            if (cancelled.getAsBoolean()) {
                return null;
            }
            int[] indices = IntStream.range(start, Math.min(count, start + options.batchSize())).toArray();
            try (NDManager batchManager = manager.newSubManager()) {
                EncodedExamples.Batch batch = validation.batch(batchManager, indices);
                NDArray logits = logits(parameters, batch, false);
                weightedLoss += loss(logits, batch).getFloat() * batch.answerTokens();
                answerTokens += batch.answerTokens();
                right += answeredRight(logits, batch);
            }
        }
        Evaluation answers = null;
        if (options.evalExamples() > 0 && !cancelled.getAsBoolean()) {
            try (NDManager scope = manager.newSubManager()) {
                answers = Evaluation.run(new Generator(model, tokenizer), validation.dataset(), options.evalExamples(),
                        scope, validation::tensor);
            }
        }
        return new HeldOutScore((float) (weightedLoss / answerTokens), right / (double) count, count, answers);
    }

    /** Rows whose every weighted (answer) target is the arg-max of its logits. */
    private static long answeredRight(NDArray logits, EncodedExamples.Batch batch) {
        NDArray predicted = logits.argMax(2).toType(DataType.INT64, false);
        NDArray wrong = predicted.neq(batch.targets().squeeze(2)).logicalAnd(batch.lossWeights().squeeze(2).gt(0));
        return wrong.sum(new int[] {1}).eq(0).sum().getLong();
    }

    /** The training metadata key of the time spent, which a resumed run's time budget counts. */
    public static final String TRAINING_NANOS = "trainingNanos";

    private void saveCheckpoint(int step, long trainingNanos, float loss, HeldOutScore heldOut) {
        Map<String, Object> training = new LinkedHashMap<>(provenance);
        training.put("step", step);
        training.put(TRAINING_NANOS, trainingNanos);
        training.put("options", options);
        training.put("trainingLoss", loss);
        training.put("heldOut", heldOut);
        Checkpoint.save(checkpointDirectory, model, tokenizer.vocabulary(), training);
        listener.onCheckpoint(step, checkpointDirectory);
    }
}
