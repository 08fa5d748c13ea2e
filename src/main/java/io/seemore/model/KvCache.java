package io.seemore.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.Arrays;
import java.util.List;

/**
 * Keys and values of every decoder layer for the positions seen so far, so that each new token
 * costs one position of attention instead of a full recompute. Holds one row per sequence.
 *
 * <p>Each layer's keys and values live in buffers of {@code [row slots, heads, capacity, head
 * width]} that are written in place: a step writes one column, where concatenating would copy and
 * allocate the whole cache at every step (slow while the allocator warms up, and slower still
 * with another thread busy). Rows are right-aligned: every row ends at column {@link #length()},
 * so a step writes the same column for all rows; row i starts at {@link #start(int)} and the
 * columns before it are padding that attention must mask. The buffers start as zeros and stay
 * finite, so masked columns weigh exactly nothing. They belong to the manager given here, not to
 * the step that writes them.
 */
public final class KvCache implements AutoCloseable {

    private final NDManager manager;
    private final long capacity;
    private final NDArray[] keys;
    private final NDArray[] values;
    private long[] starts = new long[0];
    private long end;

    /**
     * @param capacity most positions a row can hold (the model's longest sequence)
     */
    public KvCache(NDManager parent, int layers, long capacity) {
        this.manager = parent.newSubManager();
        this.capacity = capacity;
        this.keys = new NDArray[layers];
        this.values = new NDArray[layers];
    }

    /** Columns in use: every row ends here, and attention reads the columns before it. */
    public long length() {
        return end;
    }

    /** Number of sequences (rows) cached. */
    public int rows() {
        return starts.length;
    }

    /** The first column of a row; the columns before it are padding. */
    public long start(int row) {
        return starts[row];
    }

    /**
     * Writes one layer's [B, H, T, D] keys and values after every row (an empty cache takes B rows);
     * returns views [B, H, length + T, D] of everything cached for that layer, owned by the new
     * keys' manager (the caller's step). The length grows once the last layer is written.
     */
    NDList append(int layer, NDArray newKeys, NDArray newValues) {
        Shape shape = newKeys.getShape();
        long added = shape.get(2);
        if (starts.length == 0) {
            reserve(Math.toIntExact(shape.get(0)), newKeys);
            starts = new long[Math.toIntExact(shape.get(0))];
        } else if (shape.get(0) != starts.length) {
            throw new IllegalArgumentException(shape.get(0) + " rows given to a cache of " + starts.length);
        }
        if (end + added > capacity) {
            throw new IllegalArgumentException("sequence of " + (end + added) + " positions is longer than the model's "
                    + capacity);
        }
        write(keys[layer], newKeys);
        write(values[layer], newValues);
        NDList views = new NDList(view(keys[layer], end + added), view(values[layer], end + added));
        views.attach(newKeys.getManager());
        if (layer == keys.length - 1) {
            end += added;
        }
        return views;
    }

    // The two per-step operations go straight to libtorch: DJL's NDIndex path costs four times as much.
    private void write(NDArray buffer, NDArray fresh) {
        Shape shape = fresh.getShape();
        JniUtils.indexSet((PtNDArray) buffer, (PtNDArray) fresh, new long[] {0, 0, end, 0},
                new long[] {shape.get(0), shape.get(1), end + shape.get(2), shape.get(3)}, new long[] {1, 1, 1, 1});
    }

    private NDArray view(NDArray buffer, long columns) {
        try (NDArray rows = JniUtils.slice((PtNDArray) buffer, 0, 0, starts.length, 1)) {
            return JniUtils.slice((PtNDArray) rows, 2, 0, columns, 1);
        }
    }

    /**
     * Makes sure {@code columns} more fit after {@link #length()}, dropping padding that no row
     * needs if it must (which moves {@link #start(int)} and the length).
     */
    public void makeRoom(long columns) {
        if (end + columns > capacity) {
            shift(-Arrays.stream(starts).min().orElse(0));
        }
    }

    /**
     * Appends the rows of {@code others} (their columns copied, right-aligned with this cache's;
     * the others are left as they are).
     */
    public void add(List<KvCache> others) {
        for (KvCache other : others) {
            add(other);
        }
    }

    private void add(KvCache other) {
        int first = starts.length;
        int added = other.rows();
        if (added == 0) {
            return;
        }
        if (first == 0) {
            end = other.end;
        } else if (other.end > end) {
            shift(other.end - end);
        }
        reserve(first + added, other.keys[0]);
        long offset = end - other.end;
        NDIndex from = new NDIndex(":{}, :, :{}, :", added, other.end);
        NDIndex to = new NDIndex("{}:{}, :, {}:{}, :", first, first + added, offset, end);
        for (int layer = 0; layer < keys.length; layer++) {
            copy(other.keys[layer], from, keys[layer], to);
            copy(other.values[layer], from, values[layer], to);
        }
        starts = Arrays.copyOf(starts, first + added);
        for (int row = 0; row < added; row++) {
            starts[first + row] = offset + other.starts[row];
        }
    }

    /**
     * Drops a row: the last row moves into its slot (so rows stay contiguous), as
     * {@code rows.set(row, rows.remove(last))} would for a list. Padding no row needs any more is
     * dropped once it is at least half of the columns.
     */
    public void removeRow(int row) {
        int last = starts.length - 1;
        if (row != last) {
            NDIndex from = new NDIndex("{}:{}, :, :{}, :", last, last + 1, end);
            NDIndex to = new NDIndex("{}:{}, :, :{}, :", row, row + 1, end);
            for (int layer = 0; layer < keys.length; layer++) {
                copy(keys[layer], from, keys[layer], to);
                copy(values[layer], from, values[layer], to);
            }
            starts[row] = starts[last];
        }
        starts = Arrays.copyOf(starts, last);
        if (starts.length == 0) {
            end = 0;
            return;
        }
        long unused = Arrays.stream(starts).min().orElse(0);
        if (2 * unused >= end) {
            shift(-unused);
        }
    }

    /** Moves every row's columns right (positive) or left (negative) by {@code columns}. */
    private void shift(long columns) {
        if (columns == 0) {
            return;
        }
        long kept = end - Math.max(0, -columns);
        NDIndex from = new NDIndex(":{}, :, {}:{}, :", starts.length, end - kept, end);
        NDIndex to = new NDIndex(":{}, :, {}:{}, :", starts.length, end - kept + columns, end + columns);
        for (int layer = 0; layer < keys.length; layer++) {
            keys[layer] = moved(keys[layer], from, to);
            values[layer] = moved(values[layer], from, to);
        }
        for (int row = 0; row < starts.length; row++) {
            starts[row] = Math.max(0, starts[row] + columns);
        }
        end += columns;
    }

    private NDArray moved(NDArray buffer, NDIndex from, NDIndex to) {
        NDArray fresh = zeros(buffer, buffer.getShape().get(0));
        copy(buffer, from, fresh, to);
        buffer.close();
        return fresh;
    }

    /** Makes room for {@code rows} rows shaped like {@code like} [B, H, T, D], keeping the rows held. */
    private void reserve(int rows, NDArray like) {
        long slots = keys[0] == null ? 0 : keys[0].getShape().get(0);
        if (rows <= slots) {
            return;
        }
        long grown = Math.max(rows, 2 * slots);
        NDIndex held = new NDIndex(":{}, :, :, :", slots);
        for (int layer = 0; layer < keys.length; layer++) {
            keys[layer] = grown(keys[layer], grown, like, held);
            values[layer] = grown(values[layer], grown, like, held);
        }
    }

    private NDArray grown(NDArray buffer, long slots, NDArray like, NDIndex held) {
        NDArray fresh = zeros(like, slots);
        if (buffer != null) {
            copy(buffer, held, fresh, held);
            buffer.close();
        }
        return fresh;
    }

    /** A zero buffer of {@code slots} rows at full capacity for arrays like {@code like} [B, H, T, D]. */
    private NDArray zeros(NDArray like, long slots) {
        Shape shape = like.getShape();
        return manager.zeros(new Shape(slots, shape.get(1), capacity, shape.get(3)), like.getDataType());
    }

    /** target[to] = source[from], the temporary view freed at once. */
    private static void copy(NDArray source, NDIndex from, NDArray target, NDIndex to) {
        try (NDArray view = source.get(from)) {
            target.set(to, view);
        }
    }

    /** Forgets every row and frees the buffers. */
    public void clear() {
        for (int layer = 0; layer < keys.length; layer++) {
            if (keys[layer] != null) {
                keys[layer].close();
                values[layer].close();
                keys[layer] = null;
                values[layer] = null;
            }
        }
        starts = new long[0];
        end = 0;
    }

    @Override
    public void close() {
        manager.close();
    }
}
