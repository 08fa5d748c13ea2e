package io.seemore.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

/**
 * Keys and values of every decoder layer for the tokens seen so far, so that each new token
 * costs one position of attention instead of a full recompute. The arrays belong to the
 * manager given here (a request's scope), not to the step that produced them.
 */
public final class KvCache implements AutoCloseable {

    private final NDManager manager;
    private final NDArray[] keys;
    private final NDArray[] values;

    public KvCache(NDManager parent, int layers) {
        this.manager = parent.newSubManager();
        this.keys = new NDArray[layers];
        this.values = new NDArray[layers];
    }

    /** Number of positions cached so far. */
    public long length() {
        return keys[0] == null ? 0 : keys[0].getShape().get(2);
    }

    /** Appends [B, H, T, D] keys and values for one layer; returns everything cached for it. */
    NDList append(int layer, NDArray newKeys, NDArray newValues) {
        keys[layer] = extend(keys[layer], newKeys);
        values[layer] = extend(values[layer], newValues);
        return new NDList(keys[layer], values[layer]);
    }

    private NDArray extend(NDArray cached, NDArray fresh) {
        if (cached == null) {
            fresh.attach(manager);
            return fresh;
        }
        NDArray joined = NDArrays.concat(new NDList(cached, fresh), 2);
        joined.attach(manager);
        cached.close();
        return joined;
    }

    @Override
    public void close() {
        manager.close();
    }
}
