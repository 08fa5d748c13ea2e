package io.seemore.benchmark;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.seemore.datasets.DatasetSplits;
import io.seemore.datasets.Example;
import io.seemore.datasets.ImageSource;
import io.seemore.datasets.VlmDataset;
import io.seemore.generation.GenerationResult;
import io.seemore.generation.Generator;
import io.seemore.generation.SamplingOptions;
import io.seemore.model.Engines;
import io.seemore.model.ModelConfig;
import io.seemore.model.VisionLanguageModel;
import io.seemore.tokenizer.CharTokenizer;
import io.seemore.training.CommandLine;
import io.seemore.training.TrainingListener;
import io.seemore.training.TrainingOptions;
import io.seemore.training.TrainingRun;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

/**
 * The speed figures of the README, on the {@code seemore} preset (the blog's hyperparameters):
 * 2048x2048 matmul FLOP/s, training-step time at batch 16 with 64 text tokens (and its share of
 * that peak), and greedy generation of 100 tokens at batch 1 with the KV cache.
 * {@code --threads=N} (default 2), {@code --repeats=N} (default 10).
 */
public final class Benchmark {

    private static final int BATCH = 16;
    private static final int TEXT_TOKENS = 64;
    private static final int NEW_TOKENS = 100;

    private Benchmark() {}

    public static void main(String[] args) {
        CommandLine options = CommandLine.parse(args);
        int threads = options.integer("threads", 2);
        int repeats = options.integer("repeats", 10);
        Engines.configure(threads);
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(1);
            System.out.printf("libtorch intra-op threads: %d%n", threads);
            double matmulFlops = matmul(manager, repeats);
            trainingStep(manager, repeats, matmulFlops);
            generation(manager, repeats);
        }
    }

    private static double matmul(NDManager manager, int repeats) {
        NDArray a = manager.randomNormal(new Shape(2048, 2048));
        NDArray b = manager.randomNormal(new Shape(2048, 2048));
        double[] millis = time(repeats, () -> {
            try (NDArray c = a.matMul(b)) {
                c.getFloat(0, 0);
            }
        });
        double flops = 2.0 * 2048 * 2048 * 2048 / (min(millis) / 1000);
        System.out.printf("2048x2048 fp32 matmul: min %.1f ms, median %.1f ms: %.0f GFLOP/s%n",
                min(millis), median(millis), flops / 1e9);
        return flops;
    }

    private static void trainingStep(NDManager manager, int repeats, double matmulFlops) {
        DatasetSplits data = randomCaptions(BATCH * 4, TEXT_TOKENS - 2);
        CharTokenizer tokenizer = CharTokenizer.fromTexts(data.train().texts().collect(Collectors.toSet()));
        ModelConfig config = ModelConfig.preset("seemore", tokenizer.vocabularySize());
        VisionLanguageModel model = VisionLanguageModel.create(config, manager);
        int warmup = 3;
        TrainingOptions options = TrainingOptions.of(warmup + repeats, BATCH, 1e-4f, 0, 1,
                EnumSet.allOf(TrainingOptions.Component.class));
        List<Long> stepEnds = new ArrayList<>();
        TrainingRun run = new TrainingRun(model, tokenizer, data, options, null, Map.of(), new TrainingListener() {
            @Override
            public void onStep(StepMetrics metrics) {
                stepEnds.add(System.nanoTime());
            }
        });
        run.run(manager, () -> false);
        double[] millis = new double[repeats];
        for (int i = 0; i < repeats; i++) {
            millis[i] = (stepEnds.get(warmup + i) - stepEnds.get(warmup + i - 1)) / 1e6;
        }
        double flops = FlopCounter.trainingStep(config, BATCH, TEXT_TOKENS);
        System.out.printf("training step, seemore preset (%,d parameters), batch %d, %d text tokens: "
                        + "min %.0f ms, median %.0f ms; %.1f GFLOP per step, %.0f GFLOP/s = %.0f%% of the matmul peak%n",
                model.parameterCount(), BATCH, TEXT_TOKENS, min(millis), median(millis), flops / 1e9,
                flops / (min(millis) / 1000) / 1e9, 100 * flops / (min(millis) / 1000) / matmulFlops);
    }

    private static void generation(NDManager manager, int repeats) {
        DatasetSplits data = randomCaptions(4, 20);
        CharTokenizer tokenizer = CharTokenizer.fromTexts(data.train().texts().collect(Collectors.toSet()));
        ModelConfig config = ModelConfig.preset("seemore", tokenizer.vocabularySize());
        VisionLanguageModel model = VisionLanguageModel.create(config, manager);
        suppressEndOfText(model);
        Generator generator = new Generator(model, tokenizer);
        float[] image = new float[config.imageValues()];
        int[] prompt = tokenizer.encodePrompt("");
        SamplingOptions greedy = SamplingOptions.greedy(NEW_TOKENS);
        generator.generate(manager, image, prompt, greedy, t -> {});
        double[] millis = time(repeats, () -> {
            GenerationResult result = generator.generate(manager, image, prompt, greedy, t -> {});
            if (result.completionTokens() != NEW_TOKENS) {
                throw new IllegalStateException("generated " + result.completionTokens() + " tokens");
            }
        });
        System.out.printf("greedy generation of %d tokens, batch 1, KV cache, seemore preset: min %.0f ms, "
                + "median %.0f ms: %.0f tokens/s%n", NEW_TOKENS, min(millis), median(millis),
                NEW_TOKENS / (median(millis) / 1000));
    }

    /** An untrained model may end early: this one never writes end-of-text, so every answer is full length. */
    static void suppressEndOfText(VisionLanguageModel model) {
        NDArray headBias = model.decoder().getParameters().stream()
                .filter(p -> p.getKey().endsWith("head_bias")).findFirst().orElseThrow().getValue().getArray();
        headBias.set(new NDIndex("{}", CharTokenizer.EOS_ID), -1e9f);
    }

    /** Noise images with random lower-case captions of a fixed length. */
    private static DatasetSplits randomCaptions(int count, int length) {
        SplittableRandom random = new SplittableRandom(3);
        List<ImageSource> images = new ArrayList<>();
        List<Example> examples = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long seed = random.nextLong();
            images.add(() -> noise(seed));
            StringBuilder caption = new StringBuilder();
            for (int c = 0; c < length; c++) {
                caption.append((char) ('a' + random.nextInt(26)));
            }
            examples.add(new Example(i, "", caption.toString()));
        }
        VlmDataset dataset = new VlmDataset("random-captions", images, examples);
        return new DatasetSplits(dataset, dataset);
    }

    private static BufferedImage noise(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        BufferedImage image = new BufferedImage(96, 96, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 96; y++) {
            for (int x = 0; x < 96; x++) {
                image.setRGB(x, y, random.nextInt(1 << 24));
            }
        }
        return image;
    }

    private static double[] time(int repeats, Runnable action) {
        action.run();
        double[] millis = new double[repeats];
        for (int i = 0; i < repeats; i++) {
            long start = System.nanoTime();
            action.run();
            millis[i] = (System.nanoTime() - start) / 1e6;
        }
        return millis;
    }

    private static double min(double[] values) {
        return Arrays.stream(values).min().orElseThrow();
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
