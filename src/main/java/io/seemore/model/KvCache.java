package io.seemore.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.List;

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
        return replace(cached, NDArrays.concat(new NDList(cached, fresh), 2));
    }

    /**
     * Adds the rows of {@code others} after this cache's rows, in one copy. All are right-aligned:
     * a shorter cache is padded on the left with zero positions, which callers mask out.
     */
    public void merge(List<KvCache> others) {
        long length = length();
        long merged = others.stream().mapToLong(KvCache::length).max().orElse(0);
        long longest = Math.max(length, merged);
        for (int layer = 0; layer < keys.length; layer++) {
            keys[layer] = joinRows(keys[layer], length, others, layer, true, longest);
            values[layer] = joinRows(values[layer], length, others, layer, false, longest);
        }
    }

    /** [mine; theirs...] along the rows, each padded on the left to {@code longest}; temporaries freed. */
    private NDArray joinRows(NDArray mine, long length, List<KvCache> others, int layer, boolean keyArrays,
            long longest) {
        try (NDManager scratch = manager.newSubManager()) {
            NDList rows = new NDList();
            if (mine != null) {
                rows.add(padLeft(mine, longest - length, scratch));
            }
            for (KvCache other : others) {
                NDArray theirs = keyArrays ? other.keys[layer] : other.values[layer];
                rows.add(padLeft(theirs, longest - other.length(), scratch));
            }
            NDArray joined = NDArrays.concat(rows, 0);
            joined.attach(manager);
            if (mine != null) {
                mine.close();
            }
            return joined;
        }
    }

    /** Keeps only the given rows, in the given order. */
    public void keepRows(long[] rows) {
        for (int layer = 0; layer < keys.length; layer++) {
            NDArray index = manager.create(rows);
            keys[layer] = replace(keys[layer], keys[layer].get(index));
            values[layer] = replace(values[layer], values[layer].get(index));
            index.close();
        }
    }

    /** Drops the first {@code positions} positions of every row (padding that no row needs). */
    public void trimLeft(long positions) {
        for (int layer = 0; layer < keys.length; layer++) {
            keys[layer] = replace(keys[layer], keys[layer].get(new ai.djl.ndarray.index.NDIndex(":, :, {}:, :", positions)));
            values[layer] = replace(values[layer], values[layer].get(new ai.djl.ndarray.index.NDIndex(":, :, {}:, :", positions)));
        }
    }

    private static NDArray padLeft(NDArray cached, long positions, NDManager scratch) {
        if (positions <= 0) {
            return cached;
        }
        ai.djl.ndarray.types.Shape shape = cached.getShape();
        NDArray zeros = scratch.zeros(new ai.djl.ndarray.types.Shape(shape.get(0), shape.get(1), positions,
                shape.get(3)), cached.getDataType());
        return NDArrays.concat(new NDList(zeros, cached), 2);
    }

    /** Puts {@code fresh} in the place of {@code old}, owned by this cache, and frees the old array. */
    private NDArray replace(NDArray old, NDArray fresh) {
        fresh.attach(manager);
        old.close();
        return fresh;
    }

    /** Forgets every row (the arrays are freed). */
    public void clear() {
        for (int layer = 0; layer < keys.length; layer++) {
            if (keys[layer] != null) {
                keys[layer].close();
                values[layer].close();
                keys[layer] = null;
                values[layer] = null;
            }
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
