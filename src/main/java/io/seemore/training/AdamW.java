package io.seemore.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.HashMap;
import java.util.Map;

/**
 * AdamW with decoupled weight decay, using libtorch's fused update (one native call per
 * parameter). Unlike DJL's optimizers it keeps its moments where the caller can see them, and
 * takes a gradient scale so that global-norm clipping costs no extra pass.
 */
final class AdamW implements AutoCloseable {

    private static final float BETA1 = 0.9f;
    private static final float BETA2 = 0.95f;
    private static final float EPSILON = 1e-8f;

    private final NDManager manager;
    private final Map<String, NDArray> means = new HashMap<>();
    private final Map<String, NDArray> variances = new HashMap<>();
    private int updates;

    AdamW(NDManager parent) {
        this.manager = parent.newSubManager();
    }

    /** Starts one optimizer step; the bias corrections depend on how many were taken. */
    void beginStep() {
        updates++;
    }

    /** Updates one parameter in place from its gradient (which libtorch then zeroes). */
    void update(String id, NDArray weight, NDArray gradient, float learningRate, float weightDecay,
            float gradientScale) {
        double correction1 = 1 - Math.pow(BETA1, updates);
        double correction2 = 1 - Math.pow(BETA2, updates);
        float correctedRate = (float) (learningRate * Math.sqrt(correction2) / correction1);
        NDList inputs = new NDList(weight, gradient, state(means, id, weight), state(variances, id, weight));
        weight.getNDArrayInternal().adamUpdate(inputs, new NDList(weight), learningRate, correctedRate,
                weightDecay, gradientScale, -1f, BETA1, BETA2, EPSILON, true, true);
    }

    private NDArray state(Map<String, NDArray> states, String id, NDArray weight) {
        return states.computeIfAbsent(id, k -> {
            NDArray zeros = manager.zeros(weight.getShape(), weight.getDataType());
            zeros.setName(id);
            return zeros;
        });
    }

    @Override
    public void close() {
        manager.close();
    }
}
