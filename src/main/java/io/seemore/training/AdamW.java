package io.seemore.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
        return states.computeIfAbsent(id, k -> manager.zeros(weight.getShape(), weight.getDataType()));
    }

    /** Writes the step count and every moment, named by parameter, to {@code file} (atomically). */
    void save(Path file) {
        NDList moments = new NDList();
        means.forEach((id, array) -> moments.add(named(array, "mean:" + id)));
        variances.forEach((id, array) -> moments.add(named(array, "variance:" + id)));
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(temporary)))) {
            out.writeInt(updates);
            out.write(moments.encode());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save optimizer state " + file, e);
        }
        try {
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save optimizer state " + file, e);
        }
    }

    /** Reads the state {@link #save} wrote, if it exists and was taken after {@code steps} steps. */
    void restore(Path file, int steps) {
        if (!Files.exists(file)) {
            return;
        }
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            int saved = in.readInt();
            if (saved != steps) {
                return;
            }
            updates = saved;
            for (NDArray array : NDList.decode(manager, in.readAllBytes())) {
                String name = array.getName();
                (name.startsWith("mean:") ? means : variances).put(name.substring(name.indexOf(':') + 1), array);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read optimizer state " + file, e);
        }
    }

    private static NDArray named(NDArray array, String name) {
        array.setName(name);
        return array;
    }

    @Override
    public void close() {
        manager.close();
    }
}
