package io.seemore.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import io.seemore.datasets.DatasetSplits;
import io.seemore.datasets.Datasets;
import io.seemore.generation.Generator;
import io.seemore.model.Checkpoint;
import io.seemore.model.Engines;
import io.seemore.model.ModelConfig;
import io.seemore.model.VisionLanguageModel;
import io.seemore.tokenizer.CharTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Trains a model from a dataset to a checkpoint directory, printing a progress line as it goes,
 * then measures exact-match accuracy on the held-out split. Options are {@code --name=value}:
 * <pre>
 *   --dataset=shapes | FILE.csv | FILE.jsonl   (default shapes)
 *   --train-images=N --test-images=N           (shapes only; default 2000 / 500)
 *   --preset=seemore|small|tiny                (default small)
 *   --base-model=DIR                           (go on training a checkpoint instead of a preset)
 *   --image-stem=patchify|conv|fine_conv --image-tokens=cls|patches   (override the preset's)
 *   --patch-grid=ROWSxCOLUMNS --image-fit=stretch|letterbox   (the input's shape; override the preset's)
 *   --steps --batch-size --lr --warmup --weight-decay --clip --seed
 *   --minutes=M                                (time budget; the schedule runs over it)
 *   --shift=S --rotation=DEGREES --zoom=Z --elastic=E --colour-jitter=J   (augmentation; default none)
 *   --eval-interval --checkpoint-interval      (steps; 0 = each tenth of --minutes, else only at the end)
 *   --eval-examples=N                          (held-out examples answered at each evaluation; default 100)
 *   --threads=N                                (libtorch intra-op threads; default 1)
 *   --out=DIR                                  (checkpoint directory; required)
 * </pre>
 */
public final class TrainCommand {

    private TrainCommand() {}

    public static void main(String[] args) throws Exception {
        CommandLine options = CommandLine.parse(args);
        Engines.configure(options.integer("threads", 1));
        Path out = Path.of(options.required("out"));
        long seed = options.number("seed", 42);
        DatasetSplits data = Datasets.load(options.text("dataset", "shapes"),
                options.integer("train-images", 2000), options.integer("test-images", 500), seed);
        String base = options.text("base-model", null);
        String preset = base == null ? options.text("preset", "small") : "from " + base;
        int steps = options.integer("steps", 1000);
        float minutes = options.decimal("minutes", 0);
        TrainingOptions training = new TrainingOptions(steps,
                options.integer("batch-size", 32),
                options.decimal("lr", 2e-3f),
                options.integer("warmup", Math.min(100, steps / 10)),
                options.decimal("weight-decay", 0.01f),
                options.decimal("clip", 1f),
                options.integer("eval-interval", 0),
                options.integer("checkpoint-interval", 0),
                seed, EnumSet.allOf(TrainingOptions.Component.class),
                new Augmentation(options.decimal("shift", 0), options.decimal("rotation", 0),
                        options.decimal("zoom", 0), options.decimal("elastic", 0),
                        options.decimal("colour-jitter", 0)),
                minutes > 0 ? Duration.ofMillis((long) (minutes * 60_000)) : null,
                options.integer("eval-examples", 100));
        Map<String, Object> provenance = new LinkedHashMap<>();
        provenance.put("command", "TrainCommand " + String.join(" ", args));
        provenance.put("dataset", data.train().name());
        provenance.put("preset", preset);

        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed((int) seed);
            CharTokenizer tokenizer;
            VisionLanguageModel model;
            if (base != null) {
                // Go on training a checkpoint (its network and vocabulary) with a new schedule.
                Checkpoint.Loaded loaded = Checkpoint.load(Path.of(base), manager);
                tokenizer = CharTokenizer.fromVocabulary(loaded.vocabulary());
                model = loaded.network();
            } else {
                tokenizer = CharTokenizer.fromTexts(
                        Stream.concat(data.train().texts(), data.test().texts()).collect(Collectors.toSet()));
                ModelConfig config = ModelConfig.preset(preset, tokenizer.vocabularySize())
                        .withImagePath(options.text("image-stem", null), options.text("image-tokens", null));
                String[] grid = options.text("patch-grid", config.imageHeight() / config.patchSize() + "x"
                        + config.imageWidth() / config.patchSize()).split("x");
                config = config.withPatchGrid(Integer.parseInt(grid[0]), Integer.parseInt(grid[1]),
                        ModelConfig.ImageFit.valueOf(options.text("image-fit", config.imageFit().name()).toUpperCase(Locale.ROOT)));
                model = VisionLanguageModel.create(config, manager);
            }
            System.out.printf("%s preset, %,d parameters, %,d training and %,d held-out examples%n",
                    preset, model.parameterCount(), data.train().examples().size(), data.test().examples().size());
            TrainingRun run = new TrainingRun(model, tokenizer, data, training, out, provenance, new ProgressPrinter());
            TrainingResult result = run.run(manager, () -> false);
            System.out.printf("done: %d steps, training loss %.4f%n", result.steps(), result.trainingLoss());
            // A last greedy evaluation of the whole held-out split.
            Evaluation evaluation = Evaluation.run(new Generator(model, tokenizer), data.test(), Integer.MAX_VALUE, manager);
            System.out.println("held-out: " + evaluation);
            evaluation.sampleMistakes().forEach(m -> System.out.println("  " + m));
            Map<String, Object> metadata = new LinkedHashMap<>(provenance);
            metadata.put("steps", result.steps());
            metadata.put("minutes", minutes);
            metadata.put("options", training);
            metadata.put("trainingLoss", result.trainingLoss());
            metadata.put("validationLoss", result.validationLoss());
            metadata.put("heldOut", result.heldOut());
            metadata.put("evaluation", evaluation);
            Checkpoint.save(out, model, tokenizer.vocabulary(), metadata);
            System.out.println("checkpoint written to " + out.toAbsolutePath());
        }
    }

    /** One line per ~5 seconds: step, loss, speed and time left. */
    private static final class ProgressPrinter implements TrainingListener {
        private long lastPrint;

        @Override
        public void onStep(StepMetrics m) {
            long now = System.currentTimeMillis();
            if (now - lastPrint < 5000 && m.step() != m.totalSteps() && m.step() != 1) {
                return;
            }
            lastPrint = now;
            System.out.printf("step %d/%d  loss %.4f  lr %.2e  |grad| %.3f  %.2f steps/s  %.0f tokens/s  ETA %s%n",
                    m.step(), m.totalSteps(), m.loss(), m.learningRate(), m.gradientNorm(),
                    m.stepsPerSecond(), m.tokensPerSecond(), format(Duration.ofMillis(m.etaMillis())));
        }

        @Override
        public void onEvaluation(int step, HeldOutScore score) {
            System.out.printf("step %d  validation loss %.4f  exact match %.1f%% of %d  %s%n", step, score.loss(),
                    100 * score.exactMatch(), score.examples(), score.answers() == null ? "" : "greedy: " + score.answers());
        }

        private static String format(Duration duration) {
            return String.format("%dh%02dm%02ds", duration.toHours(), duration.toMinutesPart(), duration.toSecondsPart());
        }
    }
}
