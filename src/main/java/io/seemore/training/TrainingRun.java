package io.seemore.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.seemore.datasets.DatasetSplits;
import io.seemore.model.Checkpoint;
import io.seemore.model.VisionLanguageModel;
import io.seemore.tokenizer.CharTokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;

/**
 * The training loop: random batches, masked cross-entropy on answer tokens, backward, global-norm
 * clipping, AdamW with warm-up and cosine decay, validation loss and checkpoints at intervals.
 * Every array of a step lives in that step's manager, so native memory stays flat.
 */
public final class TrainingRun {

    private static final java.util.concurrent.locks.ReentrantLock GRADIENT_COLLECTION =
            new java.util.concurrent.locks.ReentrantLock(true);

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
        return run(manager, cancelled, 0);
    }

    /**
     * Goes on from {@code completedSteps} (the network already holds that checkpoint's weights),
     * with the optimizer state saved beside the checkpoint when it belongs to the same step.
     */
    public TrainingResult run(NDManager manager, BooleanSupplier cancelled, int completedSteps) {
        Engine.getInstance().setRandomSeed((int) (options.seed() + completedSteps));
        SplittableRandom order = new SplittableRandom(options.seed() + completedSteps);
        ParameterStore parameters = new ParameterStore(manager, false);
        float loss = Float.NaN;
        float validationLoss = Float.NaN;
        long started = System.nanoTime();
        long tokens = 0;
        try (AdamW optimizer = new AdamW(manager)) {
            if (completedSteps > 0 && checkpointDirectory != null) {
                optimizer.restore(optimizerFile(), completedSteps);
            }
            for (int step = completedSteps; step < options.steps(); step++) {
                if (cancelled.getAsBoolean()) {
                    return finish(step, loss, validationLoss, true);
                }
                float learningRate = options.learningRateAt(step);
                float gradientNorm;
                try (NDManager stepManager = manager.newSubManager()) {
                    EncodedExamples.Batch batch = train.batch(stepManager, sample(order));
                    loss = forwardAndBackward(parameters, batch);
                    if (!Float.isFinite(loss)) {
                        throw new TrainingDivergedException(step + 1, loss);
                    }
                    gradientNorm = applyGradients(optimizer, stepManager, learningRate, step + 1);
                    tokens += batch.inputs().getShape().size()
                            + (long) batch.inputs().getShape().get(0) * model.config().imageTokenCount();
                }
                long elapsed = (System.nanoTime() - started) / 1_000_000;
                double seconds = Math.max(elapsed, 1) / 1000.0;
                int stepsHere = step + 1 - completedSteps;
                listener.onStep(new TrainingListener.StepMetrics(step + 1, options.steps(), loss, learningRate,
                        gradientNorm, tokens / seconds, stepsHere / seconds,
                        elapsed * (options.steps() - step - 1) / stepsHere));
                int done = step + 1;
                if (due(options.evalInterval(), done)) {
                    validationLoss = validationLoss(manager, parameters, cancelled);
                    if (cancelled.getAsBoolean()) {
                        return finish(done, loss, validationLoss, true);
                    }
                    listener.onValidation(done, validationLoss);
                }
                if (checkpointDirectory != null && due(options.checkpointInterval(), done)) {
                    saveCheckpoint(done, loss, validationLoss);
                    optimizer.save(optimizerFile());
                }
            }
        }
        return finish(options.steps(), loss, validationLoss, false);
    }

    /** The optimizer's moments, kept beside the checkpoint so that a resumed run continues smoothly. */
    private Path optimizerFile() {
        return checkpointDirectory.resolveSibling(checkpointDirectory.getFileName() + ".optimizer");
    }

    private TrainingResult finish(int steps, float loss, float validationLoss, boolean cancelled) {
        return new TrainingResult(steps, loss, validationLoss, cancelled);
    }

    private boolean due(int interval, int done) {
        return done == options.steps() || (interval > 0 && done % interval == 0);
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
            NDArray lossArray = loss(parameters, batch, true);
            collector.backward(lossArray);
            return lossArray.getFloat();
        } finally {
            GRADIENT_COLLECTION.unlock();
        }
    }

    /** Mean cross-entropy over the answer tokens of the batch. */
    private NDArray loss(ParameterStore parameters, EncodedExamples.Batch batch, boolean training) {
        boolean visionTraining = training && options.trainable().contains(TrainingOptions.Component.VISION_ENCODER);
        NDArray logits = model.logits(parameters, batch.images(), batch.inputs(), visionTraining, training);
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
     * Mean answer-token loss over (up to) the first {@link #VALIDATION_EXAMPLES} held-out examples;
     * stops early (NaN) when {@code cancelled} says so between batches.
     */
    private float validationLoss(NDManager manager, ParameterStore parameters, BooleanSupplier cancelled) {
        int count = Math.min(VALIDATION_EXAMPLES, validation.size());
        if (count == 0) {
            return Float.NaN;
        }
        double weightedLoss = 0;
        long answerTokens = 0;
        for (int start = 0; start < count; start += options.batchSize()) {
            if (cancelled.getAsBoolean()) {
                return Float.NaN;
            }
            int[] indices = java.util.stream.IntStream.range(start, Math.min(count, start + options.batchSize())).toArray();
            try (NDManager batchManager = manager.newSubManager()) {
                EncodedExamples.Batch batch = validation.batch(batchManager, indices);
                weightedLoss += loss(parameters, batch, false).getFloat() * batch.answerTokens();
                answerTokens += batch.answerTokens();
            }
        }
        return (float) (weightedLoss / answerTokens);
    }

    private void saveCheckpoint(int step, float loss, float validationLoss) {
        Map<String, Object> training = new LinkedHashMap<>(provenance);
        training.put("step", step);
        training.put("options", options);
        training.put("trainingLoss", loss);
        training.put("validationLoss", Float.isNaN(validationLoss) ? null : validationLoss);
        Checkpoint.save(checkpointDirectory, model, tokenizer.vocabulary(), training);
        listener.onCheckpoint(step, checkpointDirectory);
    }
}
