package io.seemore.generation;

import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/** Picks the next token from one row of logits: greedy, or sampled with temperature, top-k, top-p. */
public final class Sampler {

    private final SamplingOptions options;
    private final SplittableRandom random;

    public Sampler(SamplingOptions options) {
        this.options = options;
        this.random = new SplittableRandom(options.seed());
    }

    public int next(float[] logits) {
        if (options.isGreedy()) {
            return argMax(logits);
        }
        Integer[] order = IntStream.range(0, logits.length).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble(i -> -logits[i]));
        int candidates = options.topK() > 0 ? Math.min(options.topK(), logits.length) : logits.length;
        double[] weights = new double[candidates];
        double total = 0;
        for (int i = 0; i < candidates; i++) {
            weights[i] = Math.exp((logits[order[i]] - logits[order[0]]) / options.temperature());
            total += weights[i];
        }
        // Nucleus: keep the shortest prefix whose probability reaches topP.
        double kept = 0;
        int nucleus = 0;
        while (nucleus < candidates && kept < options.topP() * total) {
            kept += weights[nucleus++];
        }
        double pick = random.nextDouble() * kept;
        for (int i = 0; i < nucleus; i++) {
            pick -= weights[i];
            if (pick < 0) {
                return order[i];
            }
        }
        return order[nucleus - 1];
    }

    static int argMax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }
}
