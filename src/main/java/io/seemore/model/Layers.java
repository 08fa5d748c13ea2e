package io.seemore.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;

/** Small helpers shared by the seemore blocks. */
final class Layers {

    private Layers() {}

    static Linear linear(long units) {
        return Linear.builder().setUnits(units).build();
    }

    /** A LayerNorm over the last axis only (DJL's default would normalise every non-batch axis). */
    static LayerNorm layerNorm() {
        return LayerNorm.builder().axis(2).build();
    }

    /** Initializes a child whose input's last axis has the given width. */
    static void initialize(Block block, NDManager manager, DataType dataType, long width) {
        block.initialize(manager, dataType, new Shape(1, 1, width));
    }

    static NDArray apply(Block block, ParameterStore parameters, NDArray input, boolean training) {
        return block.forward(parameters, new NDList(input), training).singletonOrThrow();
    }

    static NDArray dropout(NDArray input, float rate, boolean training) {
        if (!training || rate == 0f) {
            return input;
        }
        return input.getNDArrayInternal().dropout(input, rate, true).singletonOrThrow();
    }

    /** The positions from {@code first} on of a [B, T, width] sequence (the whole of it for 0). */
    static NDArray positionsFrom(NDArray sequence, long first) {
        return first == 0 ? sequence : sequence.get(new NDIndex(":, {}:, :", first));
    }

    static Shape withLastAxis(Shape shape, long width) {
        long[] dims = shape.getShape();
        dims[dims.length - 1] = width;
        return new Shape(dims);
    }
}
